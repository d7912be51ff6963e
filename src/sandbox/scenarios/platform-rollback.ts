/**
 * The release-train platform's own rollback, as the train scenarios simulate it behind
 * `POST /api/v1/release-trains/{train}/rollback` and `GET …/rollback/status` (the seed's rollback
 * API): every participant that no longer runs the version it had when the train was created is
 * taken back to it, one at a time, in reverse dependency order (the newest revision with that
 * version: its pod template restored, as `kubectl rollout undo --to-revision` would), each waited
 * for until it is healthy before the next; a participant still on its version is skipped. Unlike a
 * bare undo, this also gets home after a fix forward (train version, then fix, then back). Without
 * a recorded version, the train's version is rolled back to the revision before it. Progress is read
 * from the cluster on every tick, so the status says "completed" only once every rolled-back
 * participant really is healthy.
 */
import { ownedReplicaSets } from "../controllers/deployment.js";
import { REVISION_ANNOTATION, TEMPLATE_HASH_LABEL, revisionOf } from "../controllers/ownership.js";
import type { ClusterStore } from "../store.js";
import { describeParticipant, imageTag, participantState } from "./participant-health.js";

export type RollbackParticipantState = "pending" | "rolling_back" | "rolled_back" | "skipped" | "failed";

export interface RollbackParticipant {
  name: string;
  /** The version it ran when the rollback was asked for. */
  from: string;
  /** The version it is rolled back to, once known. */
  to?: string;
  state: RollbackParticipantState;
  detail?: string;
}

/** What GET …/rollback/status answers. */
export interface RollbackRecord {
  train: string;
  reason: string;
  force: boolean;
  status: "in_progress" | "completed" | "failed";
  requested_at: string;
  finished_at?: string;
  /** In the order they are rolled back (reverse dependency order). */
  participants: RollbackParticipant[];
}

export interface RollbackRequest {
  store: ClusterStore;
  namespace: string;
  train: { name: string; target_version: string; participants: string[]; previous_versions?: Record<string, string> };
  reason: string;
  force: boolean;
  log?: (line: string) => void;
}

export class TrainRollback {
  readonly record: RollbackRecord;
  private readonly stopTicking: () => void;
  /** The deployment generation each participant's rollback produced (a stale condition from before it is not a verdict). */
  private readonly generations = new Map<string, number>();

  constructor(private readonly req: RollbackRequest) {
    const { store, namespace, train } = req;
    this.record = {
      train: train.name,
      reason: req.reason,
      force: req.force,
      status: "in_progress",
      requested_at: store.now().toISOString(),
      participants: [...train.participants].reverse().map((name): RollbackParticipant => {
        const p = participantState(store, namespace, name);
        const home = train.previous_versions?.[name];
        if (home !== undefined) {
          return p.version === home ? { name, from: p.version, state: "skipped", detail: `runs ${home}, its version before the train: nothing to roll back` } : { name, from: p.version, to: home, state: "pending" };
        }
        return p.version === train.target_version
          ? { name, from: p.version, state: "pending" }
          : { name, from: p.version, state: "skipped", detail: `runs ${p.version || "nothing"}, not ${train.target_version}: not released by this train` };
      }),
    };
    req.log?.(`WARN rollback of release train ${train.name} requested: ${req.reason}`);
    this.stopTicking = store.onTick(() => this.advance());
  }

  get done(): boolean {
    return this.record.status !== "in_progress";
  }

  private finish(status: "completed" | "failed", why: string): void {
    this.record.status = status;
    this.record.finished_at = this.req.store.now().toISOString();
    this.stopTicking();
    this.req.log?.(`${status === "completed" ? "INFO" : "ERROR"} rollback of release train ${this.record.train} ${status}: ${why}`);
  }

  private fail(p: RollbackParticipant, detail: string): void {
    p.state = "failed";
    p.detail = detail;
    this.finish("failed", `${p.name}: ${detail}`);
  }

  /** One participant at a time: start the next, or see whether the current one is back and healthy. */
  private advance(): void {
    const current = this.record.participants.find((p) => p.state === "pending" || p.state === "rolling_back");
    if (!current) {
      const done = this.record.participants.filter((p) => p.state === "rolled_back").map((p) => `${p.name} ${p.from} -> ${p.to ?? "?"}`);
      this.finish("completed", done.length > 0 ? done.join(", ") : "no participant ran the train's version");
      return;
    }
    if (current.state === "pending") {
      this.start(current);
      return;
    }
    const { store, namespace } = this.req;
    const state = participantState(store, namespace, current.name);
    if (state.healthy && state.version === current.to) {
      current.state = "rolled_back";
      current.detail = describeParticipant(state);
      this.req.log?.(`INFO rollback of ${current.name} done: ${current.detail}`);
      return;
    }
    const d = store.peek("deployments", namespace, current.name);
    const observed = (d?.status.observedGeneration ?? 0) >= (this.generations.get(current.name) ?? Infinity);
    const stuck = d?.status.conditions?.some((c) => c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded");
    if (!d) this.fail(current, "its deployment is gone");
    else if (observed && stuck) this.fail(current, `the rollout back to ${current.to ?? "?"} exceeded its progress deadline: ${describeParticipant(state)}`);
  }

  /** Restore the pod template of the revision to go back to, as `kubectl rollout undo` does. */
  private start(p: RollbackParticipant): void {
    const { store, namespace } = this.req;
    const d = store.peek("deployments", namespace, p.name);
    if (!d) return this.fail(p, "no deployment");
    const revision = Number(d.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
    const newestFirst = ownedReplicaSets(store, d).sort((a, b) => revisionOf(b) - revisionOf(a));
    const previous =
      p.to !== undefined
        ? newestFirst.find((rs) => imageTag(rs.spec.template.spec.containers[0]?.image ?? "") === p.to)
        : newestFirst.find((rs) => revisionOf(rs) < revision);
    if (!previous) return this.fail(p, p.to !== undefined ? `no revision of ${p.to} to roll back to` : "no previous revision to roll back to");
    const template = structuredClone(previous.spec.template);
    delete template.metadata?.labels?.[TEMPLATE_HASH_LABEL];
    const updated = store.mutate("deployments", namespace, p.name, (draft) => {
      draft.spec.template = template;
    });
    p.to = imageTag(template.spec.containers[0]?.image ?? "");
    p.state = "rolling_back";
    this.generations.set(p.name, updated?.metadata.generation ?? 0);
    this.req.log?.(`INFO rollback of ${p.name} started: ${p.from} -> ${p.to} (revision ${revisionOf(previous)})`);
  }
}

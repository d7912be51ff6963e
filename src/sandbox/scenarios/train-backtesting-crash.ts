/**
 * release-train drill: the seed's own train, Q4-curve-upgrade, takes curve, backtesting and
 * scenario to 2.0.0. backtesting 2.0.0 crash-loops against the cluster (its curve client calls an
 * endpoint that curve 2.0.0 renamed), so its rollout never finishes and the walk reaches the train
 * decision; rolling the train back (the platform's rollback API undoes the participants in reverse
 * order) is what heals it. The world is healthy at the end only when every participant is back on
 * its old version with all pods ready; a train left half released, held, or a rollback of the
 * failing participant alone, stays broken. The registry holds each participant's current release
 * and its 2.0.0 build, nothing newer, so a fix forward has no build to release.
 *
 * Two variants of the same world: the crash with the platform's rollback service down (a drill of its
 * own: the runbook must fall back to kubectl, and `handrail test` walks that fallback), and a clean
 * release (a test world, not in the drill list: no participant fails, so the train must complete
 * without a step of the failure path, even in a scripted run that pre-chose the rollback).
 */
import type { ChangeEvent, Deployment } from "../types.js";
import type { ClusterStore } from "../store.js";
import { describeParticipant, imageTag } from "./participant-health.js";
import { PlatformApi } from "./platform-api.js";
import { imageOf, OLD_VERSIONS, SEED_TRAIN, TRAIN_DEPENDENCIES, TRAIN_NAMESPACE, PROGRESS_DEADLINE_SECONDS, TRAIN_PARTICIPANTS, TRAIN_QUALITY, TRAIN_REGISTRY, TRAIN_VERSION } from "./train-catalog.js";
import { writeTrainFiles } from "./train-files.js";
import type { DrillHealth, DrillWorld, Scenario } from "./types.js";

const REPLICAS = 3;

/** What the drill saw happen to the train: who was released, and the order of the rollbacks. */
interface TrainWorld {
  api: PlatformApi;
  released: string[];
  rolledBack: string[];
}

const worlds = new WeakMap<DrillWorld, TrainWorld>();

/** The platform API of a running drill of these scenarios (for tests). */
export function trainApi(world: DrillWorld): PlatformApi | undefined {
  return worlds.get(world)?.api;
}

/** Releases and rollbacks, read from the deployments' image changes. */
function watchTrain(state: TrainWorld, log: (line: string) => void): (change: ChangeEvent) => void {
  return (change) => {
    if (change.resource !== "deployments" || change.type !== "MODIFIED" || change.object.metadata.namespace !== TRAIN_NAMESPACE) return;
    const name = change.object.metadata.name;
    if (!TRAIN_PARTICIPANTS.includes(name)) return;
    const before = imageTag((change.previous as Deployment | undefined)?.spec.template.spec.containers[0]?.image ?? "");
    const after = imageTag((change.object as Deployment).spec.template.spec.containers[0]?.image ?? "");
    if (before === after) return;
    if (after === TRAIN_VERSION) {
      state.released.push(name);
      log(`INFO release ${name} ${before} -> ${after} started`);
    } else if (before === TRAIN_VERSION && after === OLD_VERSIONS[name]) {
      state.rolledBack.push(name);
      log(`WARN rollback ${name} ${before} -> ${after}`);
    } else {
      log(`INFO image change ${name} ${before} -> ${after}`);
    }
  };
}

/** Log when a participant's pods start or stop failing, as the platform's monitor would (a rollout in progress is not a failure). */
function monitorHealth(world: DrillWorld, state: TrainWorld, log: (line: string) => void): void {
  const failing = new Set<string>();
  world.kube.store.onTick(() => {
    for (const name of TRAIN_PARTICIPANTS) {
      const p = state.api.participant(name);
      if (p.failing > 0 && !failing.has(name)) {
        failing.add(name);
        log(`ERROR ${name} unhealthy: ${describeParticipant(p)}`);
      } else if (p.healthy && failing.delete(name)) {
        log(`INFO ${name} healthy again: ${describeParticipant(p)}`);
      }
    }
  });
}

/** The registry has only what CI pushed: every other image of a participant (a fix nobody built, a typo) cannot be pulled. */
function registryHoldsOnly(store: ClusterStore): void {
  const pushed = new Set(TRAIN_PARTICIPANTS.flatMap((name) => [imageOf(name, OLD_VERSIONS[name] ?? ""), imageOf(name, TRAIN_VERSION)]));
  store.onTick(() => {
    for (const name of TRAIN_PARTICIPANTS) {
      for (const c of store.peek("deployments", TRAIN_NAMESPACE, name)?.spec.template.spec.containers ?? []) {
        if (!pushed.has(c.image)) store.setImageBehaviour(c.image, { unpullable: true });
      }
    }
  });
}

/** Healthy when every released participant is back on its old version with all pods ready. */
function rolledBackHealth(world: DrillWorld): DrillHealth {
  const state = worlds.get(world);
  if (!state) return { healthy: false, detail: "the drill was not set up" };
  const parts = TRAIN_PARTICIPANTS.map((name) => state.api.participant(name));
  const wrong = parts.filter((p) => !p.healthy || p.version !== OLD_VERSIONS[p.name]);
  const order = state.rolledBack.length > 0 ? `; rolled back ${state.rolledBack.join(" → ")}` : "";
  if (state.released.length === 0) return { healthy: false, detail: `train ${SEED_TRAIN} was never released: nothing was tried, nothing rolled back` };
  if (wrong.length > 0) {
    const detail = wrong.map((p) => (p.version !== OLD_VERSIONS[p.name] && p.healthy ? `${p.name} still on ${p.version}` : describeParticipant(p))).join("; ");
    // Every deployment already asks for its old version: the rollback is still rolling out.
    const settling = parts.every((p) => p.version === OLD_VERSIONS[p.name] && p.desired > 0);
    return { healthy: false, detail: `train ${SEED_TRAIN} not rolled back: ${detail}${order}`, ...(settling ? { settling: true } : {}) };
  }
  return { healthy: true, detail: `every participant back on its old version, all pods ready (${parts.map((p) => `${p.name} ${p.version}`).join(", ")})${order}` };
}

/** The clean release: healthy when every participant runs 2.0.0 with all pods ready and nothing was rolled back. */
function releasedHealth(world: DrillWorld): DrillHealth {
  const state = worlds.get(world);
  if (!state) return { healthy: false, detail: "the drill was not set up" };
  const parts = TRAIN_PARTICIPANTS.map((name) => state.api.participant(name));
  const wrong = parts.filter((p) => !p.healthy || p.version !== TRAIN_VERSION);
  const status = state.api.trains.get(SEED_TRAIN)?.status ?? "not registered";
  if (state.rolledBack.length > 0) return { healthy: false, detail: `train ${SEED_TRAIN} was rolled back although no participant failed: ${state.rolledBack.join(" → ")}` };
  if (wrong.length > 0) {
    const settling = parts.every((p) => p.version === TRAIN_VERSION);
    return { healthy: false, detail: `train ${SEED_TRAIN} not released: ${wrong.map(describeParticipant).join("; ")}`, ...(settling ? { settling: true } : {}) };
  }
  return { healthy: true, detail: `every participant released, all pods ready (${parts.map((p) => `${p.name} ${p.version}`).join(", ")}); train status ${status}` };
}

interface TrainVariant {
  id: string;
  title: string;
  /** backtesting 2.0.0 crash-loops. */
  crash: boolean;
  /** The platform's rollback endpoints answer (false: 503, the runbook must fall back to kubectl). */
  rollbackService: boolean;
  remedy: Record<string, string>;
}

function trainScenario(v: TrainVariant): Scenario {
  return {
    id: v.id,
    runbook: "release-train",
    title: v.title,
    briefing:
      `You drive release train ${SEED_TRAIN} today: curve, backtesting and scenario go to ${TRAIN_VERSION}, in that order, ` +
      `in namespace ${TRAIN_NAMESPACE}. The train is approved and scheduled; the registry holds each participant's current release and its ${TRAIN_VERSION} build. ` +
      "Plan, validate, stage and execute it; if a participant fails, decide what to do with the train.",
    severity: "high",
    remedy: v.remedy,
    async setup(world) {
      const store = world.kube.store;
      if (v.crash) {
        store.setImageBehaviour(imageOf("backtesting", TRAIN_VERSION), {
          crash: true,
          logs: [
            `INFO starting backtesting ${TRAIN_VERSION}`,
            "INFO curve client: base url http://curve.platform.svc:8080",
            "ERROR curve client: GET /api/v2/curves/snapshot: 404 Not Found (curve 2.0.0 serves /api/v2/curve-snapshots)",
            "ERROR warm-up failed: no curve snapshot for 2026-11-30",
            "FATAL backtesting cannot start without curves, exiting",
          ],
        });
      }
      for (const name of TRAIN_PARTICIPANTS) {
        store.createDeployment({ namespace: TRAIN_NAMESPACE, name, image: imageOf(name, OLD_VERSIONS[name] ?? "1.0.0"), replicas: REPLICAS, progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS });
      }
      const settled = store.tickUntil(() => TRAIN_PARTICIPANTS.every((name) => store.podsOf(TRAIN_NAMESPACE, name).filter((p) => p.status.containerStatuses?.every((c) => c.ready)).length === REPLICAS));
      if (!settled) throw new Error("the train's starting cluster did not settle");
      registryHoldsOnly(store);
      const log = writeTrainFiles(world.dir, { train: SEED_TRAIN, version: TRAIN_VERSION, participants: TRAIN_PARTICIPANTS, dependencies: TRAIN_DEPENDENCIES, status: "planning" }, () => store.now());
      const api = new PlatformApi({ store, namespace: TRAIN_NAMESPACE, participants: TRAIN_PARTICIPANTS, quality: TRAIN_QUALITY, log, rollbackService: v.rollbackService });
      const state: TrainWorld = { api, released: [], rolledBack: [] };
      worlds.set(world, state);
      store.subscribe(watchTrain(state, log));
      monitorHealth(world, state, log);
      const url = await world.serve("platform-api", api.handle);
      // No rollback_reason: why the train is rolled back is the operator's finding, not the drill's to give away.
      return { train: SEED_TRAIN, version: TRAIN_VERSION, namespace: TRAIN_NAMESPACE, participants: [...TRAIN_PARTICIPANTS], registry: TRAIN_REGISTRY, api_url: url };
    },
    health: v.crash ? rolledBackHealth : releasedHealth,
  };
}

export const trainBacktestingCrash: Scenario = trainScenario({
  id: "train-backtesting-crash",
  title: `Release train ${SEED_TRAIN}: backtesting 2.0.0 crash-loops`,
  crash: true,
  rollbackService: true,
  remedy: { "train-decision": "rollback" },
});

/** Test world (not a drill): the same train where no participant fails. */
export const trainCleanRelease: Scenario = trainScenario({
  id: "train-clean-release",
  title: `Release train ${SEED_TRAIN}: every participant releases cleanly`,
  crash: false,
  rollbackService: true,
  remedy: {},
});

/** Drill: backtesting crash-loops and the platform's rollback service is down (503), so the rollback goes through the kubectl fallback. */
export const trainRollbackServiceDown: Scenario = trainScenario({
  id: "train-rollback-service-down",
  title: `Release train ${SEED_TRAIN}: backtesting 2.0.0 crash-loops, the rollback service is down`,
  crash: true,
  rollbackService: false,
  remedy: { "train-decision": "rollback" },
});

/**
 * release-train drill: the q4-curve-upgrade train takes curve, backtesting and scenario to 2.0.0.
 * backtesting 2.0.0 crash-loops against the cluster (its curve client calls an endpoint that
 * curve 2.0.0 renamed), so its rollout never finishes and the walk must go to the rollback, which
 * undoes the participants in reverse order. The world is healthy at the end only when every
 * participant is back on its old version with all pods ready; a train left half released, or a
 * rollback of the failing participant alone, stays broken.
 */
import type { ChangeEvent, Deployment } from "../types.js";
import { describeParticipant, imageTag } from "./participant-health.js";
import { PlatformApi } from "./platform-api.js";
import { imageOf, OLD_VERSIONS, TRAIN, TRAIN_DEPENDENCIES, TRAIN_NAMESPACE, PROGRESS_DEADLINE_SECONDS, TRAIN_PARTICIPANTS, TRAIN_QUALITY, TRAIN_REGISTRY, TRAIN_VERSION } from "./train-catalog.js";
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

/** The platform API of a running drill of this scenario (for tests). */
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
    } else if (before === TRAIN_VERSION) {
      state.rolledBack.push(name);
      log(`WARN rollback ${name} ${before} -> ${after}`);
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

function trainHealth(world: DrillWorld): DrillHealth {
  const state = worlds.get(world);
  if (!state) return { healthy: false, detail: "the drill was not set up" };
  const parts = TRAIN_PARTICIPANTS.map((name) => state.api.participant(name));
  const wrong = parts.filter((p) => !p.healthy || p.version !== OLD_VERSIONS[p.name]);
  const order = state.rolledBack.length > 0 ? `; rolled back ${state.rolledBack.join(" → ")}` : "";
  if (state.released.length === 0) return { healthy: false, detail: `train ${TRAIN} was never released: nothing was tried, nothing rolled back` };
  if (wrong.length > 0) {
    const detail = wrong.map((p) => (p.version !== OLD_VERSIONS[p.name] && p.healthy ? `${p.name} still on ${p.version}` : describeParticipant(p))).join("; ");
    // Every deployment already asks for its old version: the rollback is still rolling out.
    const settling = parts.every((p) => p.version === OLD_VERSIONS[p.name] && p.desired > 0);
    return { healthy: false, detail: `train ${TRAIN} not rolled back: ${detail}${order}`, ...(settling ? { settling: true } : {}) };
  }
  return { healthy: true, detail: `every participant back on its old version, all pods ready (${parts.map((p) => `${p.name} ${p.version}`).join(", ")})${order}` };
}

export const trainBacktestingCrash: Scenario = {
  id: "train-backtesting-crash",
  runbook: "release-train",
  title: "Release train q4-curve-upgrade: backtesting 2.0.0 crash-loops",
  briefing:
    "You drive release train q4-curve-upgrade today: curve, backtesting and scenario go to 2.0.0, in that order, " +
    "in namespace platform. The train is approved and scheduled. Plan, validate, stage and execute it; " +
    "if a participant fails, decide what to do with the train.",
  severity: "high",
  // The runbook has no options: the rollback is reached by the failed health check's goto.
  remedy: {},
  async setup(world) {
    const store = world.kube.store;
    const crashing = imageOf("backtesting", TRAIN_VERSION);
    store.setImageBehaviour(crashing, {
      crash: true,
      logs: [
        `INFO starting backtesting ${TRAIN_VERSION}`,
        "INFO curve client: base url http://curve.platform.svc:8080",
        "ERROR curve client: GET /api/v2/curves/snapshot: 404 Not Found (curve 2.0.0 serves /api/v2/curve-snapshots)",
        "ERROR warm-up failed: no curve snapshot for 2026-11-30",
        "FATAL backtesting cannot start without curves, exiting",
      ],
    });
    for (const name of TRAIN_PARTICIPANTS) {
      store.createDeployment({ namespace: TRAIN_NAMESPACE, name, image: imageOf(name, OLD_VERSIONS[name] ?? "1.0.0"), replicas: REPLICAS, progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS });
    }
    const settled = store.tickUntil(() => TRAIN_PARTICIPANTS.every((name) => store.podsOf(TRAIN_NAMESPACE, name).filter((p) => p.status.containerStatuses?.every((c) => c.ready)).length === REPLICAS));
    if (!settled) throw new Error("the train's starting cluster did not settle");
    const log = writeTrainFiles(world.dir, { train: TRAIN, version: TRAIN_VERSION, participants: TRAIN_PARTICIPANTS, dependencies: TRAIN_DEPENDENCIES, status: "planning" }, () => store.now());
    const api = new PlatformApi({ store, namespace: TRAIN_NAMESPACE, participants: TRAIN_PARTICIPANTS, quality: TRAIN_QUALITY, log });
    const state: TrainWorld = { api, released: [], rolledBack: [] };
    worlds.set(world, state);
    store.subscribe(watchTrain(state, log));
    monitorHealth(world, state, log);
    const url = await world.serve("platform-api", api.handle);
    return {
      train: TRAIN,
      version: TRAIN_VERSION,
      namespace: TRAIN_NAMESPACE,
      participants: [...TRAIN_PARTICIPANTS],
      registry: TRAIN_REGISTRY,
      api_url: url,
      rollback_reason: "backtesting 2.0.0 fails its health check (CrashLoopBackOff)",
    };
  },
  health: trainHealth,
};

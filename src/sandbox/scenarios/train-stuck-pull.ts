/**
 * release-train-troubleshooting drill: train q4-curve-upgrade is stuck in execution. curve is on
 * 2.0.0; backtesting's manifest names the tag v2.0.0, which CI never pushed (it tags 2.0.0), so its
 * rollout sits at 1 of 3 new replicas with the new pod in ImagePullBackOff while the old pods serve.
 * The fixed manifest the service team committed is in the drill directory. The deployment failure
 * resolution applies it beside the serving pods (a rolling update, no outage) and the train goes on.
 * Restarts and resource changes leave the rollout stuck; restoring the previous version serves again
 * but leaves the train stuck on 1.6.3; stopping every pod first (scaling to 0) heals the rollout at
 * the price of an outage the old pods never had, which the summary names.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describeParticipant, participantState } from "./participant-health.js";
import { writeTrainFiles } from "./train-files.js";
import { imageOf, OLD_VERSIONS, PROGRESS_DEADLINE_SECONDS, TRAIN, TRAIN_DEPENDENCIES, TRAIN_NAMESPACE, TRAIN_PARTICIPANTS, TRAIN_VERSION } from "./train-catalog.js";
import type { ClusterStore } from "../store.js";
import type { DrillWorld, Scenario } from "./types.js";

const SERVICE = "backtesting";
const REPLICAS = 3;
/** The tag the train's manifest asked for: not in the registry. */
export const TYPO_IMAGE = imageOf(SERVICE, `v${TRAIN_VERSION}`);
export const FIXED_CONFIG = "manifests/backtesting-fixed.yaml";
export const OPTIMIZED_CONFIG = "manifests/backtesting-optimized.yaml";

function manifest(image: string, resources: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${SERVICE}
  namespace: ${TRAIN_NAMESPACE}
  labels: { app: ${SERVICE} }
spec:
  replicas: ${REPLICAS}
  selector:
    matchLabels: { app: ${SERVICE} }
  template:
    metadata:
      labels: { app: ${SERVICE} }
    spec:
      containers:
        - name: ${SERVICE}
          image: ${image}
          ports: [{ containerPort: 8080, protocol: TCP }]
${resources}`;
}

function writeManifests(dir: string): void {
  mkdirSync(path.join(dir, "manifests"), { recursive: true });
  // The service team's fix: the tag CI actually pushed.
  writeFileSync(path.join(dir, FIXED_CONFIG), manifest(imageOf(SERVICE, TRAIN_VERSION), ""));
  // The performance team's tuning, made against the train's manifest: same (unpullable) tag, more memory.
  writeFileSync(path.join(dir, OPTIMIZED_CONFIG), manifest(TYPO_IMAGE, "          resources:\n            requests: { memory: 768Mi, cpu: 500m }\n"));
}

/** Pods of a deployment that serve: live and Ready, whatever image they run. */
function servingPods(store: ClusterStore, namespace: string, name: string): number {
  return store.podsOf(namespace, name).filter((p) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;
}

/** When backtesting served nothing after the drill began: the first moment and the last recovery, per drill. */
const outages = new WeakMap<DrillWorld, { from: Date; to?: Date }>();

/** The old pods serve all along while the new one cannot pull: a moment with none serving is an outage a fix caused. */
function watchForOutage(world: DrillWorld): void {
  world.kube.store.onTick((store) => {
    const serving = servingPods(store, TRAIN_NAMESPACE, SERVICE);
    const outage = outages.get(world);
    if (serving === 0 && (outage === undefined || outage.to !== undefined)) outages.set(world, { from: outage?.from ?? store.now() });
    else if (serving > 0 && outage !== undefined && outage.to === undefined) outage.to = store.now();
  });
}

const clock = (d: Date) => d.toISOString().slice(11, 19);

/**
 * The outage a fix caused, in words for the summary. It does not make the end state broken: the
 * verification checks the service as it is, and a past outage is no state it can see; the summary
 * says what the fix cost instead.
 */
function outageNote(world: DrillWorld): string {
  const outage = outages.get(world);
  if (!outage) return "";
  const span = outage.to ? `from ${clock(outage.from)} to ${clock(outage.to)} UTC` : `since ${clock(outage.from)} UTC`;
  return `; but ${SERVICE} served nothing ${span}: every pod was stopped, an outage a rolling fix avoids`;
}

function health(world: DrillWorld) {
  const store = world.kube.store;
  const parts = TRAIN_PARTICIPANTS.map((name) => participantState(store, TRAIN_NAMESPACE, name));
  const backtesting = parts.find((p) => p.name === SERVICE);
  const broken = parts.filter((p) => !p.healthy);
  if (backtesting?.healthy && backtesting.version === TRAIN_VERSION && broken.length === 0) {
    return { healthy: true, detail: `${describeParticipant(backtesting)}; the train can go on (${parts.map((p) => `${p.name} ${p.version}`).join(", ")})${outageNote(world)}` };
  }
  const wrongVersion = backtesting?.healthy && backtesting.version !== TRAIN_VERSION ? [`${SERVICE} runs ${backtesting.image}, not the train's ${TRAIN_VERSION}`] : [];
  // The fixed manifest is applied and rolling out: not a verdict yet.
  const settling = backtesting?.image === imageOf(SERVICE, TRAIN_VERSION) && backtesting.desired >= REPLICAS;
  return { healthy: false, detail: `train ${TRAIN} still stuck: ${[...broken.map(describeParticipant), ...wrongVersion].join("; ")}${outageNote(world)}`, ...(settling ? { settling: true } : {}) };
}

export const trainStuckPull: Scenario = {
  id: "train-stuck-pull",
  runbook: "release-train-troubleshooting",
  title: "Release train q4-curve-upgrade stuck: backtesting rollout at 1/3",
  briefing:
    "Release managers: train q4-curve-upgrade has been in execution for 25 minutes. curve is on 2.0.0, " +
    "backtesting's rollout has not moved past its first new pod, scenario is waiting. " +
    "Find out why and get the train moving (the backtesting team says a fixed manifest is in manifests/).",
  severity: "high",
  remedy: { diagnose: "deployment-failures", remediate: "deployment-failures", rollback: "not-needed" },
  // After the fix has rolled out, rolling the train back too is not needed but leaves every participant serving, ready.
  alsoFixes: [{ rollback: "automated" }, { rollback: "manual" }, { rollback: "partial" }],
  async setup(world) {
    const store = world.kube.store;
    store.setImageBehaviour(TYPO_IMAGE, { unpullable: true });
    // An image named without its registry (as the seed's "restore previous versions" did) is a Docker Hub name that does not exist.
    store.setImageBehaviour(`${SERVICE}:${OLD_VERSIONS[SERVICE] ?? ""}`, { unpullable: true });
    for (const name of TRAIN_PARTICIPANTS) {
      const version = name === "curve" ? TRAIN_VERSION : (OLD_VERSIONS[name] ?? "1.0.0");
      store.createDeployment({ namespace: TRAIN_NAMESPACE, name, image: imageOf(name, version), replicas: REPLICAS, progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS });
    }
    const settled = store.tickUntil(() => TRAIN_PARTICIPANTS.every((name) => participantState(store, TRAIN_NAMESPACE, name).healthy));
    if (!settled) throw new Error("the train's starting cluster did not settle");
    store.setDeploymentImage(TRAIN_NAMESPACE, SERVICE, TYPO_IMAGE);
    const stuck = store.tickUntil(() => store.podsOf(TRAIN_NAMESPACE, SERVICE).some((p) => p.status.containerStatuses?.[0]?.state.waiting?.reason === "ImagePullBackOff"));
    if (!stuck) throw new Error("backtesting's rollout did not get stuck");
    writeTrainFiles(world.dir, { train: TRAIN, version: TRAIN_VERSION, participants: TRAIN_PARTICIPANTS, dependencies: TRAIN_DEPENDENCIES, status: "executing" }, () => store.now());
    writeManifests(world.dir);
    watchForOutage(world);
    return {
      train: TRAIN,
      participants: [...TRAIN_PARTICIPANTS],
      service: SERVICE,
      namespace: TRAIN_NAMESPACE,
      train_version: TRAIN_VERSION,
      previous_version: OLD_VERSIONS[SERVICE] ?? "1.0.0",
      fixed_config: FIXED_CONFIG,
      optimized_config: OPTIMIZED_CONFIG,
    };
  },
  health,
};

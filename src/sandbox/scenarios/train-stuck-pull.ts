/**
 * release-train-troubleshooting drill: train q4-curve-upgrade is stuck in execution. curve is on
 * 2.0.0; backtesting's manifest names the tag v2.0.0, which CI never pushed (it tags 2.0.0), so its
 * rollout sits at 1 of 3 new replicas with the new pod in ImagePullBackOff while the old pods serve.
 * The fixed manifest the service team committed is in the drill directory. Only the deployment
 * failure resolution (scale down, apply the fixed configuration, restart, watch the rollout) gets
 * backtesting onto 2.0.0; restarts, resource changes and the "previous version" image (which has
 * no registry in the runbook's command, so it cannot be pulled either) leave the train stuck.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describeParticipant, participantState } from "./participant-health.js";
import { writeTrainFiles } from "./train-files.js";
import { imageOf, OLD_VERSIONS, PROGRESS_DEADLINE_SECONDS, TRAIN, TRAIN_DEPENDENCIES, TRAIN_NAMESPACE, TRAIN_PARTICIPANTS, TRAIN_VERSION } from "./train-catalog.js";
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

function health(world: DrillWorld) {
  const store = world.kube.store;
  const parts = TRAIN_PARTICIPANTS.map((name) => participantState(store, TRAIN_NAMESPACE, name));
  const backtesting = parts.find((p) => p.name === SERVICE);
  const broken = parts.filter((p) => !p.healthy);
  if (backtesting?.healthy && backtesting.version === TRAIN_VERSION && broken.length === 0) {
    return { healthy: true, detail: `${describeParticipant(backtesting)}; the train can go on (${parts.map((p) => `${p.name} ${p.version}`).join(", ")})` };
  }
  const wrongVersion = backtesting?.healthy && backtesting.version !== TRAIN_VERSION ? [`${SERVICE} runs ${backtesting.image}, not the train's ${TRAIN_VERSION}`] : [];
  // The fixed manifest is applied and rolling out: not a verdict yet.
  const settling = backtesting?.image === imageOf(SERVICE, TRAIN_VERSION) && backtesting.desired >= REPLICAS;
  return { healthy: false, detail: `train ${TRAIN} still stuck: ${[...broken.map(describeParticipant), ...wrongVersion].join("; ")}`, ...(settling ? { settling: true } : {}) };
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
  async setup(world) {
    const store = world.kube.store;
    store.setImageBehaviour(TYPO_IMAGE, { unpullable: true });
    // The runbook's "restore previous versions" names the image without its registry: Docker Hub has no such repository.
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
    return {
      train: TRAIN,
      participants: [...TRAIN_PARTICIPANTS],
      service: SERVICE,
      namespace: TRAIN_NAMESPACE,
      previous_version: OLD_VERSIONS[SERVICE] ?? "1.0.0",
      fixed_config: FIXED_CONFIG,
      optimized_config: OPTIMIZED_CONFIG,
    };
  },
  health,
};

/** Objects a scenario describes in one line: "a deployment api with 3 replicas of shop/api:1.0". */
import type { Draft } from "./object-store.js";
import type { Deployment, DeploymentSpec, ResourceRequirements, StringMap } from "./types.js";

export interface DeploymentOptions {
  name: string;
  image: string;
  namespace?: string;
  replicas?: number;
  /** Labels of the pods and the selector; `{ app: name }` unless given. */
  labels?: StringMap;
  annotations?: StringMap;
  /** The container's name; the deployment's name unless given. */
  containerName?: string;
  port?: number;
  resources?: ResourceRequirements;
  env?: StringMap;
  strategy?: DeploymentSpec["strategy"];
  progressDeadlineSeconds?: number;
  revisionHistoryLimit?: number;
}

export function deploymentDraft(opts: DeploymentOptions): Draft<Deployment> {
  const labels = opts.labels ?? { app: opts.name };
  const container = {
    name: opts.containerName ?? opts.name,
    image: opts.image,
    ports: [{ containerPort: opts.port ?? 8080, protocol: "TCP" }],
    ...(opts.resources ? { resources: opts.resources } : {}),
    ...(opts.env ? { env: Object.entries(opts.env).map(([name, value]) => ({ name, value })) } : {}),
  };
  return {
    metadata: {
      name: opts.name,
      namespace: opts.namespace ?? "default",
      labels: { ...labels },
      ...(opts.annotations ? { annotations: { ...opts.annotations } } : {}),
    },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: { ...labels } },
      template: { metadata: { labels: { ...labels } }, spec: { containers: [container] } },
      ...(opts.strategy ? { strategy: opts.strategy } : {}),
      ...(opts.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: opts.progressDeadlineSeconds } : {}),
      ...(opts.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: opts.revisionHistoryLimit } : {}),
    },
  };
}

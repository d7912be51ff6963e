/** The simulated Kubernetes cluster for drills and end-to-end tests (DESIGN.md, "The simulated cluster"). */
export { startKubeSandbox, FORBIDDEN_NAMESPACE, DEFAULT_TICK_MS, type KubeSandbox, type KubeSandboxOptions, type SandboxTls } from "./server.js";
export { ClusterStore, defaultImageBehaviour, type ClusterStoreOptions } from "./store.js";
export type { DeploymentOptions } from "./builders.js";
export type { Draft, WriteOptions } from "./object-store.js";
export { ApiError } from "./errors.js";
export { kubeconfigYaml, type KubeconfigOptions } from "./kubeconfig.js";
export { podStatusReason } from "./tables.js";
export type * from "./types.js";

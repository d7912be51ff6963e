/**
 * The slices of the Kubernetes object model the sandbox serves. Field names follow the real API
 * exactly, because kubectl and client-node decode these objects into their own typed structs.
 */

export type StringMap = Record<string, string>;

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  generateName?: string;
  labels?: StringMap;
  annotations?: StringMap;
  ownerReferences?: OwnerReference[];
  [extra: string]: unknown;
}

export interface ResourceRequirements {
  requests?: StringMap;
  limits?: StringMap;
}

export interface Container {
  name: string;
  image: string;
  ports?: { containerPort: number; protocol?: string; name?: string }[];
  resources?: ResourceRequirements;
  env?: { name: string; value?: string }[];
  imagePullPolicy?: string;
  [extra: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  nodeName?: string;
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  [extra: string]: unknown;
}

export interface PodTemplate {
  metadata?: { labels?: StringMap; annotations?: StringMap; [extra: string]: unknown };
  spec: PodSpec;
}

export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: { exitCode: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string; containerID?: string };
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
}

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
}

export interface PodStatus {
  phase: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
  conditions?: Condition[];
  containerStatuses?: ContainerStatus[];
  hostIP?: string;
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  qosClass?: string;
  reason?: string;
  message?: string;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: StringMap;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface DeploymentSpec {
  replicas: number;
  selector: LabelSelector;
  template: PodTemplate;
  strategy?: { type: "RollingUpdate" | "Recreate"; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  minReadySeconds?: number;
  paused?: boolean;
  [extra: string]: unknown;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
}

export interface ReplicaSetSpec {
  replicas: number;
  selector: LabelSelector;
  template: PodTemplate;
  minReadySeconds?: number;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
}

export interface ObjectReference {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface Pod {
  apiVersion: "v1";
  kind: "Pod";
  metadata: ObjectMeta;
  spec: PodSpec;
  status: PodStatus;
}

export interface Deployment {
  apiVersion: "apps/v1";
  kind: "Deployment";
  metadata: ObjectMeta;
  spec: DeploymentSpec;
  status: DeploymentStatus;
}

export interface ReplicaSet {
  apiVersion: "apps/v1";
  kind: "ReplicaSet";
  metadata: ObjectMeta;
  spec: ReplicaSetSpec;
  status: ReplicaSetStatus;
}

export interface KubeEvent {
  apiVersion: "v1";
  kind: "Event";
  metadata: ObjectMeta;
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  source: { component: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: "Normal" | "Warning";
  eventTime: null;
  reportingComponent: string;
  reportingInstance: string;
}

export interface Namespace {
  apiVersion: "v1";
  kind: "Namespace";
  metadata: ObjectMeta;
  spec: { finalizers: string[] };
  status: { phase: "Active" | "Terminating" };
}

export interface ServicePort {
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  protocol?: string;
  name?: string;
}

/** A Service as scenarios describe it: a stable address in front of pods chosen by labels (nothing routes through it here). */
export interface Service {
  apiVersion: "v1";
  kind: "Service";
  metadata: ObjectMeta;
  spec: { type?: string; selector?: StringMap; ports?: ServicePort[]; clusterIP?: string; clusterIPs?: string[]; [extra: string]: unknown };
  status: { loadBalancer: Record<string, unknown> };
}

export interface ConfigMap {
  apiVersion: "v1";
  kind: "ConfigMap";
  metadata: ObjectMeta;
  data?: StringMap;
}

/** Resource (URL plural) → the object it stores. */
export interface ResourceTypes {
  namespaces: Namespace;
  pods: Pod;
  deployments: Deployment;
  replicasets: ReplicaSet;
  events: KubeEvent;
  services: Service;
  configmaps: ConfigMap;
}

export type ResourceName = keyof ResourceTypes;
export type KubeObject = ResourceTypes[ResourceName];

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

/** One write to the store, in resourceVersion order; `previous` is the object before a MODIFIED or DELETED. */
export interface ChangeEvent {
  type: ChangeType;
  resource: ResourceName;
  object: KubeObject;
  previous?: KubeObject;
  resourceVersion: number;
}

/** How the simulated kubelet treats containers running an image. */
export interface ImageBehaviour {
  /** The container exits shortly after each start and restarts with back-off (CrashLoopBackOff). */
  crash?: boolean;
  /** Exit code of a crash; 1 unless set. */
  exitCode?: number;
  /** The image cannot be pulled: ErrImagePull / ImagePullBackOff, the pod stays Pending. */
  unpullable?: boolean;
  /** Lines the container writes each time it starts (a crashing image writes them before exiting). */
  logs?: string[];
  /** Ticks a started container stays running but not ready (a slow start). */
  readyAfterTicks?: number;
}

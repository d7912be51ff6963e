/**
 * Server-side printing: the `meta.k8s.io/v1` Table `kubectl get` asks for, with the columns and
 * cell formats of the real API server's printers (pkg/printers/internalversion). Cells are sent
 * for every column; kubectl hides priority-1 columns unless `-o wide`.
 */
import { fromLabelSelector, selectorToString } from "./selectors.js";
import type { ConfigMap, Container, Deployment, KubeEvent, KubeObject, Namespace, Pod, ReplicaSet, ResourceName, Service } from "./types.js";

export type IncludeObject = "None" | "Metadata" | "Object";

interface Column {
  name: string;
  type: "string" | "integer" | "date";
  priority?: number;
  format?: string;
  description: string;
}

type Cell = string | number;

/** Kubernetes' HumanDuration: "45s", "3m20s", "5h", "2d3h". */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 192) return hours % 24 === 0 ? `${hours / 24}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${days / 365}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

function since(timestamp: string | undefined, now: Date): string {
  if (!timestamp) return "<unknown>";
  return humanDuration(now.getTime() - Date.parse(timestamp));
}

const nameColumn: Column = { name: "Name", type: "string", format: "name", description: "Name must be unique within a namespace." };
const ageColumn: Column = { name: "Age", type: "string", description: "CreationTimestamp is a timestamp representing the server time when this object was created." };
const containerColumns: Column[] = [
  { name: "Containers", type: "string", priority: 1, description: "Names of each container in the template." },
  { name: "Images", type: "string", priority: 1, description: "Images referenced by each container in the template." },
  { name: "Selector", type: "string", priority: 1, description: "Label selector for pods." },
];

/** What `kubectl get pods` shows in STATUS, derived the way the real printer derives it. */
export function podStatusReason(pod: Pod): string {
  let reason: string = pod.status.reason || pod.status.phase;
  const statuses = pod.status.containerStatuses ?? [];
  for (let i = statuses.length - 1; i >= 0; i--) {
    const s = statuses[i];
    if (!s) continue;
    if (s.state.waiting?.reason) reason = s.state.waiting.reason;
    else if (s.state.terminated?.reason) reason = s.state.terminated.reason;
    else if (s.state.terminated) reason = `ExitCode:${s.state.terminated.exitCode}`;
  }
  if (pod.metadata.deletionTimestamp) reason = "Terminating";
  return reason;
}

function podRow(pod: Pod, now: Date): Cell[] {
  const statuses = pod.status.containerStatuses ?? [];
  const ready = statuses.filter((s) => s.ready && s.state.running).length;
  const restarts = statuses.reduce((n, s) => n + s.restartCount, 0);
  const lastRestart = statuses
    .map((s) => s.lastState.terminated?.finishedAt)
    .filter((t): t is string => t !== undefined)
    .sort()
    .at(-1);
  const restartCell = restarts > 0 && lastRestart ? `${restarts} (${since(lastRestart, now)} ago)` : String(restarts);
  return [
    pod.metadata.name,
    `${ready}/${pod.spec.containers.length}`,
    podStatusReason(pod),
    restartCell,
    since(pod.metadata.creationTimestamp, now),
    pod.status.podIP ?? "<none>",
    pod.spec.nodeName ?? "<none>",
    "<none>",
    "<none>",
  ];
}

function containerCells(containers: Container[], selector: string): Cell[] {
  return [containers.map((c) => c.name).join(","), containers.map((c) => c.image).join(","), selector];
}

function deploymentRow(d: Deployment, now: Date): Cell[] {
  return [
    d.metadata.name,
    `${d.status.readyReplicas ?? 0}/${d.spec.replicas}`,
    d.status.updatedReplicas ?? 0,
    d.status.availableReplicas ?? 0,
    since(d.metadata.creationTimestamp, now),
    ...containerCells(d.spec.template.spec.containers, selectorToString(fromLabelSelector(d.spec.selector))),
  ];
}

function replicaSetRow(rs: ReplicaSet, now: Date): Cell[] {
  return [
    rs.metadata.name,
    rs.spec.replicas,
    rs.status.replicas ?? 0,
    rs.status.readyReplicas ?? 0,
    since(rs.metadata.creationTimestamp, now),
    ...containerCells(rs.spec.template.spec.containers, selectorToString(fromLabelSelector(rs.spec.selector))),
  ];
}

function eventRow(e: KubeEvent, now: Date): Cell[] {
  const first = since(e.firstTimestamp, now);
  let last = since(e.lastTimestamp || e.firstTimestamp, now);
  if (e.count > 1) last = `${last} (x${e.count} over ${first})`;
  const target = e.involvedObject.name ? `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}` : e.involvedObject.kind.toLowerCase();
  const source = e.source.host ? `${e.source.component}, ${e.source.host}` : e.source.component;
  return [last, e.type, e.reason, target, e.involvedObject.fieldPath ?? "", source, e.message.trim(), first, e.count, e.metadata.name];
}

function namespaceRow(ns: Namespace, now: Date): Cell[] {
  return [ns.metadata.name, ns.status.phase, since(ns.metadata.creationTimestamp, now)];
}

function serviceRow(svc: Service, now: Date): Cell[] {
  const ports = (svc.spec.ports ?? []).map((p) => `${p.port}${typeof p.nodePort === "number" ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`).join(",") || "<none>";
  const external = svc.spec.type === "LoadBalancer" ? "<pending>" : svc.spec.type === "ExternalName" ? String(svc.spec.externalName ?? "<none>") : "<none>";
  const selector = Object.entries(svc.spec.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(",") || "<none>";
  return [svc.metadata.name, svc.spec.type ?? "ClusterIP", svc.spec.clusterIP ?? "None", external, ports, since(svc.metadata.creationTimestamp, now), selector];
}

function configMapRow(cm: ConfigMap, now: Date): Cell[] {
  return [cm.metadata.name, Object.keys(cm.data ?? {}).length, since(cm.metadata.creationTimestamp, now)];
}

const PRINTERS: { [R in ResourceName]: { columns: Column[]; row: (obj: never, now: Date) => Cell[] } } = {
  pods: {
    columns: [
      nameColumn,
      { name: "Ready", type: "string", description: "The aggregate readiness state of this pod for accepting traffic." },
      { name: "Status", type: "string", description: "The aggregate status of the containers in this pod." },
      { name: "Restarts", type: "string", description: "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted." },
      ageColumn,
      { name: "IP", type: "string", priority: 1, description: "IP address allocated to the pod." },
      { name: "Node", type: "string", priority: 1, description: "Name of the Node this pod is scheduled on." },
      { name: "Nominated Node", type: "string", priority: 1, description: "Name of the Node where this pod is nominated to run." },
      { name: "Readiness Gates", type: "string", priority: 1, description: "Pod readiness gates." },
    ],
    row: podRow as (obj: never, now: Date) => Cell[],
  },
  deployments: {
    columns: [
      nameColumn,
      { name: "Ready", type: "string", description: "Number of the pod with ready state" },
      { name: "Up-to-date", type: "integer", description: "Total number of non-terminated pods targeted by this deployment that have the desired template spec." },
      { name: "Available", type: "integer", description: "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment." },
      ageColumn,
      ...containerColumns,
    ],
    row: deploymentRow as (obj: never, now: Date) => Cell[],
  },
  replicasets: {
    columns: [
      nameColumn,
      { name: "Desired", type: "integer", description: "Replicas is the number of desired replicas." },
      { name: "Current", type: "integer", description: "Replicas is the most recently observed number of replicas." },
      { name: "Ready", type: "integer", description: "The number of ready replicas for this replica set." },
      ageColumn,
      ...containerColumns,
    ],
    row: replicaSetRow as (obj: never, now: Date) => Cell[],
  },
  events: {
    columns: [
      { name: "Last Seen", type: "string", description: "The time at which the most recent occurrence of this event was recorded." },
      { name: "Type", type: "string", description: "Type of this event (Normal, Warning)." },
      { name: "Reason", type: "string", description: "A short, machine understandable string that gives the reason for this event." },
      { name: "Object", type: "string", description: "The object that this event is about." },
      { name: "Subobject", type: "string", priority: 1, description: "The field of the object this event is about." },
      { name: "Source", type: "string", priority: 1, description: "The component reporting this event." },
      { name: "Message", type: "string", description: "A human-readable description of the status of this operation." },
      { name: "First Seen", type: "string", priority: 1, description: "The time at which the event was first recorded." },
      { name: "Count", type: "string", priority: 1, description: "The number of times this event has occurred." },
      { name: "Name", type: "string", priority: 1, format: "name", description: "Name must be unique within a namespace." },
    ],
    row: eventRow as (obj: never, now: Date) => Cell[],
  },
  services: {
    columns: [
      nameColumn,
      { name: "Type", type: "string", description: "The type of service." },
      { name: "Cluster-IP", type: "string", description: "The IP address of the service, inside the cluster." },
      { name: "External-IP", type: "string", description: "The external IP addresses of the service." },
      { name: "Port(s)", type: "string", description: "The ports the service exposes." },
      ageColumn,
      { name: "Selector", type: "string", priority: 1, description: "The labels of the pods this service routes to." },
    ],
    row: serviceRow as (obj: never, now: Date) => Cell[],
  },
  configmaps: {
    columns: [nameColumn, { name: "Data", type: "integer", description: "The number of keys in the config map." }, ageColumn],
    row: configMapRow as (obj: never, now: Date) => Cell[],
  },
  namespaces: {
    columns: [nameColumn, { name: "Status", type: "string", description: "The status of the namespace" }, ageColumn],
    row: namespaceRow as (obj: never, now: Date) => Cell[],
  },
};

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === "None") return undefined;
  if (include === "Object") return obj;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata };
}

/** A Table of `objects` as the API server renders it for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. */
export function toTable(resource: ResourceName, objects: KubeObject[], opts: { include: IncludeObject; now: Date; resourceVersion?: string }): Record<string, unknown> {
  const printer = PRINTERS[resource];
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {},
    columnDefinitions: printer.columns.map((c) => ({ priority: 0, format: "", ...c })),
    rows: objects.map((obj) => {
      const object = rowObject(obj, opts.include);
      return { cells: printer.row(obj as never, opts.now), ...(object === undefined ? {} : { object }) };
    }),
  };
}

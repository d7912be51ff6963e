/** What the sandbox serves, described once for discovery, routing and error messages. */
import type { ResourceName } from "./types.js";

export interface ResourceInfo {
  name: ResourceName;
  group: "" | "apps";
  version: "v1";
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresource → the kind it speaks; scale is autoscaling/v1 Scale, as kubectl's scale client expects. */
  subresources: Record<string, { group: string; version: string; kind: string; verbs: string[] }>;
}

const objectVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const scale = { group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] };

export const RESOURCES: Record<ResourceName, ResourceInfo> = {
  namespaces: {
    name: "namespaces", group: "", version: "v1", kind: "Namespace", listKind: "NamespaceList", singular: "namespace",
    namespaced: false, shortNames: ["ns"], categories: [], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    subresources: { status: { group: "", version: "v1", kind: "Namespace", verbs: ["get"] } },
  },
  pods: {
    name: "pods", group: "", version: "v1", kind: "Pod", listKind: "PodList", singular: "pod",
    namespaced: true, shortNames: ["po"], categories: ["all"], verbs: objectVerbs,
    subresources: { log: { group: "", version: "v1", kind: "Pod", verbs: ["get"] }, status: { group: "", version: "v1", kind: "Pod", verbs: ["get"] } },
  },
  events: {
    name: "events", group: "", version: "v1", kind: "Event", listKind: "EventList", singular: "event",
    namespaced: true, shortNames: ["ev"], categories: [], verbs: objectVerbs, subresources: {},
  },
  services: {
    name: "services", group: "", version: "v1", kind: "Service", listKind: "ServiceList", singular: "service",
    namespaced: true, shortNames: ["svc"], categories: ["all"], verbs: objectVerbs,
    subresources: { status: { group: "", version: "v1", kind: "Service", verbs: ["get"] } },
  },
  configmaps: {
    name: "configmaps", group: "", version: "v1", kind: "ConfigMap", listKind: "ConfigMapList", singular: "configmap",
    namespaced: true, shortNames: ["cm"], categories: [], verbs: objectVerbs, subresources: {},
  },
  deployments: {
    name: "deployments", group: "apps", version: "v1", kind: "Deployment", listKind: "DeploymentList", singular: "deployment",
    namespaced: true, shortNames: ["deploy"], categories: ["all"], verbs: objectVerbs,
    subresources: { scale, status: { group: "apps", version: "v1", kind: "Deployment", verbs: ["get"] } },
  },
  replicasets: {
    name: "replicasets", group: "apps", version: "v1", kind: "ReplicaSet", listKind: "ReplicaSetList", singular: "replicaset",
    namespaced: true, shortNames: ["rs"], categories: ["all"], verbs: objectVerbs,
    subresources: { scale, status: { group: "apps", version: "v1", kind: "ReplicaSet", verbs: ["get"] } },
  },
};

export function resourcesIn(group: string): ResourceInfo[] {
  return Object.values(RESOURCES).filter((r) => r.group === group);
}

export function findResource(group: string, name: string): ResourceInfo | undefined {
  const info = (RESOURCES as Record<string, ResourceInfo | undefined>)[name];
  return info && info.group === group ? info : undefined;
}

/** The name the API uses in messages: "pods", "deployments.apps". */
export function qualifiedName(info: ResourceInfo): string {
  return info.group ? `${info.name}.${info.group}` : info.name;
}

export function apiVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

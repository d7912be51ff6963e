/**
 * What the real API server does to an object before storing it: fill defaults, then refuse what
 * the controllers could not run. Defaults matter beyond looks: `kubectl rollout undo` compares the
 * deployment's template with a replica set's, so both must be defaulted the same way.
 */
import { qosClass } from "./controllers/pod-status.js";
import { invalid } from "./errors.js";
import { RESOURCES } from "./resources.js";
import { fromLabelSelector, matchesLabels } from "./selectors.js";
import type { DeploymentSpec, KubeObject, PodSpec, ResourceName, Service } from "./types.js";

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function defaultPodSpec(spec: PodSpec): void {
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.schedulerName ??= "default-scheduler";
  for (const c of spec.containers) {
    const tag = c.image.includes("@") ? "digest" : (/:([^/:]+)$/.exec(c.image)?.[1] ?? "latest");
    c.imagePullPolicy ??= tag === "latest" ? "Always" : "IfNotPresent";
    c.terminationMessagePath ??= "/dev/termination-log";
    c.terminationMessagePolicy ??= "File";
  }
}

function podSpecProblems(spec: unknown, path: string): string[] {
  if (!isObj(spec)) return [`${path}: Required value`];
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) return [`${path}.containers: Required value`];
  const problems: string[] = [];
  const seen = new Set<string>();
  containers.forEach((c: unknown, i) => {
    const at = `${path}.containers[${i}]`;
    if (!isObj(c)) return problems.push(`${at}: Required value`);
    if (typeof c.name !== "string" || !LABEL.test(c.name)) problems.push(`${at}.name: Invalid value: ${JSON.stringify(c.name ?? "")}: must be a DNS-1123 label`);
    else if (seen.has(c.name)) problems.push(`${at}.name: Duplicate value: "${c.name}"`);
    else seen.add(c.name);
    if (typeof c.image !== "string" || c.image.trim() === "") problems.push(`${at}.image: Required value`);
  });
  return problems;
}

function workloadProblems(spec: unknown, previous: KubeObject | undefined): string[] {
  if (!isObj(spec)) return ["spec: Required value"];
  const problems: string[] = [];
  const replicas = spec.replicas;
  if (replicas !== undefined && (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0)) {
    problems.push(`spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
  const selector = spec.selector;
  if (!isObj(selector) || (!isObj(selector.matchLabels) && !Array.isArray(selector.matchExpressions))) {
    problems.push("spec.selector: Required value");
  }
  const template = spec.template;
  if (!isObj(template)) return [...problems, "spec.template: Required value"];
  problems.push(...podSpecProblems(template.spec, "spec.template.spec"));
  const labels = isObj(template.metadata) && isObj(template.metadata.labels) ? (template.metadata.labels as Record<string, string>) : {};
  if (isObj(selector) && !matchesLabels(fromLabelSelector(selector), labels)) {
    problems.push(`spec.template.metadata.labels: Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``);
  }
  const previousSpec: unknown = previous && "spec" in previous ? previous.spec : undefined;
  const before = isObj(previousSpec) ? previousSpec.selector : undefined;
  if (before !== undefined && JSON.stringify(before) !== JSON.stringify(selector)) {
    problems.push(`spec.selector: Invalid value: ${JSON.stringify(selector)}: field is immutable`);
  }
  return problems;
}

function defaultWorkload(spec: DeploymentSpec, isDeployment: boolean): void {
  spec.replicas ??= 1;
  spec.template.metadata ??= {};
  // Go serialises an unset template timestamp as null; keep templates comparable by dropping it.
  delete spec.template.metadata.creationTimestamp;
  defaultPodSpec(spec.template.spec);
  if (!isDeployment) return;
  spec.strategy ??= { type: "RollingUpdate" };
  if (spec.strategy.type === "RollingUpdate") {
    spec.strategy.rollingUpdate = { maxSurge: "25%", maxUnavailable: "25%", ...spec.strategy.rollingUpdate };
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
}

const SERVICE_TYPES = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];

function serviceProblems(spec: unknown): string[] {
  if (spec !== undefined && !isObj(spec)) return ["spec: Invalid value: must be an object"];
  const s = (spec ?? {}) as Obj;
  const problems: string[] = [];
  if (s.type !== undefined && !SERVICE_TYPES.includes(String(s.type))) problems.push(`spec.type: Unsupported value: ${JSON.stringify(s.type)}: supported values: ${SERVICE_TYPES.map((t) => `"${t}"`).join(", ")}`);
  const ports = s.ports;
  if (ports !== undefined && !Array.isArray(ports)) problems.push("spec.ports: Invalid value: must be a list");
  if (Array.isArray(ports)) {
    ports.forEach((p: unknown, i) => {
      const port = isObj(p) ? p.port : undefined;
      if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) problems.push(`spec.ports[${i}].port: Invalid value: ${JSON.stringify(port ?? 0)}: must be between 1 and 65535, inclusive`);
    });
  }
  return problems;
}

/** A cluster IP that stays the same for a service of the same name (kubectl output reads the same in every drill). */
function clusterIpFor(namespace: string, name: string): string {
  let h = 0;
  for (const ch of `${namespace}/${name}`) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `10.96.${(h >>> 8) % 256}.${(h % 253) + 2}`;
}

function defaultService(obj: Obj, previous: KubeObject | undefined): void {
  const spec = (obj.spec ??= {}) as Service["spec"];
  spec.type ??= "ClusterIP";
  const meta = obj.metadata as Obj;
  // The cluster IP is allocated once and never changes.
  const kept = previous?.kind === "Service" ? previous.spec.clusterIP : undefined;
  spec.clusterIP ??= kept ?? (spec.type === "ExternalName" ? undefined : clusterIpFor(String(meta.namespace ?? "default"), String(meta.name ?? "")));
  if (spec.clusterIP !== undefined) spec.clusterIPs ??= [spec.clusterIP];
  for (const p of spec.ports ?? []) {
    p.protocol ??= "TCP";
    p.targetPort ??= p.port;
  }
  obj.status ??= { loadBalancer: {} };
}

/**
 * Default and validate an object the API (or a scenario) is about to store. Mutates `obj`;
 * throws ApiError 422 (Invalid) listing every problem, as the real server does.
 */
export function admit(resource: ResourceName, obj: Obj, previous?: KubeObject): void {
  const info = RESOURCES[resource];
  obj.apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
  obj.kind = info.kind;
  if (!isObj(obj.metadata)) obj.metadata = {};
  const meta = obj.metadata as Obj;
  const name = typeof meta.name === "string" ? meta.name : "";
  const problems: string[] = [];
  const pattern = resource === "namespaces" ? LABEL : SUBDOMAIN;
  if (!pattern.test(name) || name.length > 253) {
    problems.push(`metadata.name: Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 ${resource === "namespaces" ? "label" : "subdomain"} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`);
  }
  for (const field of ["labels", "annotations"]) {
    const map = meta[field];
    if (map !== undefined && (!isObj(map) || Object.values(map).some((v) => typeof v !== "string"))) problems.push(`metadata.${field}: Invalid value: must be a map of strings`);
  }
  if (resource === "pods") problems.push(...podSpecProblems(obj.spec, "spec"));
  if (resource === "deployments" || resource === "replicasets") problems.push(...workloadProblems(obj.spec, previous));
  if (resource === "services") problems.push(...serviceProblems(obj.spec));
  if (resource === "configmaps" && obj.data !== undefined && (!isObj(obj.data) || Object.values(obj.data).some((v) => typeof v !== "string"))) problems.push("data: Invalid value: must be a map of strings");
  if (problems.length > 0) throw invalid(resource, name, problems.length === 1 ? (problems[0] ?? "") : `[${problems.join(", ")}]`);

  if (resource === "pods") {
    defaultPodSpec(obj.spec as PodSpec);
    obj.status ??= { phase: "Pending", qosClass: qosClass(obj.spec as PodSpec) };
  } else if (resource === "deployments" || resource === "replicasets") {
    defaultWorkload(obj.spec as DeploymentSpec, resource === "deployments");
    obj.status ??= resource === "replicasets" ? { replicas: 0 } : {};
  } else if (resource === "services") {
    defaultService(obj, previous);
  } else if (resource === "namespaces") {
    obj.spec = { finalizers: ["kubernetes"] };
    obj.status ??= { phase: "Active" };
  }
}

/** Pod-level status derived from container statuses, as the kubelet reports it. */
import type { Condition, Pod, PodSpec } from "../types.js";

/** Conditions for a scheduled pod; a condition keeps its lastTransitionTime while its status holds. */
export function podConditions(pod: Pod, now: string): Condition[] {
  const statuses = pod.status.containerStatuses ?? [];
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const ready = statuses.length > 0 && unready.length === 0;
  const notReady = { reason: "ContainersNotReady", message: `containers with unready status: [${unready.join(" ")}]` };
  const wanted: [string, Condition["status"], { reason: string; message: string }?][] = [
    ["PodReadyToStartContainers", "True"],
    ["Initialized", "True"],
    ["Ready", ready ? "True" : "False", ready ? undefined : notReady],
    ["ContainersReady", ready ? "True" : "False", ready ? undefined : notReady],
    ["PodScheduled", "True"],
  ];
  return wanted.map(([type, status, why]) => {
    const before = pod.status.conditions?.find((c) => c.type === type);
    const lastTransitionTime = before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : now;
    return { type, status, lastProbeTime: null, lastTransitionTime, ...why };
  });
}

export function isPodReady(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
}

/** The QoS class the API assigns from requests and limits. */
export function qosClass(spec: PodSpec): string {
  const resources = spec.containers.map((c) => c.resources ?? {});
  const any = resources.some((r) => Object.keys(r.requests ?? {}).length > 0 || Object.keys(r.limits ?? {}).length > 0);
  if (!any) return "BestEffort";
  const guaranteed = resources.every((r) => {
    const limits = r.limits ?? {};
    const requests = { ...limits, ...r.requests };
    return ["cpu", "memory"].every((k) => limits[k] !== undefined && limits[k] === requests[k]);
  });
  return guaranteed ? "Guaranteed" : "Burstable";
}

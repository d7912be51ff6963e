/**
 * The scheduler of a one-node cluster: a pod fits if its resource requests fit in what the node
 * has left; otherwise it stays Pending with the message the real scheduler gives.
 */
import { NODE_NAME, recordEvent } from "../events.js";
import { parseQuantity } from "../quantity.js";
import type { ClusterStore } from "../store.js";
import type { Condition, Pod } from "../types.js";

/** What the node offers to pods. */
export interface NodeCapacity {
  cpu: string;
  memory: string;
  pods: number;
}

export const DEFAULT_CAPACITY: NodeCapacity = { cpu: "4", memory: "8Gi", pods: 110 };

/** Ticks between repeated FailedScheduling events for a pod that still does not fit. */
const RETRY_EVENT_TICKS = 25;

function requests(pod: Pod): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of pod.spec.containers) {
    // Kubernetes defaults a missing request to the limit.
    const req = { ...c.resources?.limits, ...c.resources?.requests };
    cpu += parseQuantity(req.cpu) ?? 0;
    memory += parseQuantity(req.memory) ?? 0;
  }
  return { cpu, memory };
}

function unschedulableReasons(store: ClusterStore, pod: Pod): string[] {
  const capacity = store.nodeCapacity;
  const placed = store.peekAll("pods").filter((p) => p.spec.nodeName === NODE_NAME && p.metadata.uid !== pod.metadata.uid);
  const used = placed.map(requests).reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
  const want = requests(pod);
  const reasons: string[] = [];
  if (used.cpu + want.cpu > (parseQuantity(capacity.cpu) ?? 0)) reasons.push("Insufficient cpu");
  if (used.memory + want.memory > (parseQuantity(capacity.memory) ?? 0)) reasons.push("Insufficient memory");
  if (placed.length + 1 > capacity.pods) reasons.push("Too many pods");
  return reasons;
}

function scheduledCondition(status: Condition["status"], now: string, reason?: string, message?: string): Condition {
  return { type: "PodScheduled", status, lastProbeTime: null, lastTransitionTime: now, ...(reason ? { reason, message } : {}) };
}

/** Try to place an unscheduled pod; returns true when it was bound to the node. */
export function schedulePod(store: ClusterStore, pod: Pod, lastEventTick: Map<string, number>): boolean {
  const ns = pod.metadata.namespace;
  const reasons = unschedulableReasons(store, pod);
  const now = store.timestamp();
  if (reasons.length === 0) {
    const bound = store.mutate("pods", ns, pod.metadata.name, (p) => {
      p.spec.nodeName = NODE_NAME;
      p.status.hostIP = "10.0.0.10";
      p.status.startTime = now;
      p.status.conditions = [scheduledCondition("True", now)];
      p.status.containerStatuses = p.spec.containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: "",
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: "ContainerCreating" } },
        lastState: {},
      }));
    });
    if (bound) recordEvent(store, bound, "Normal", "Scheduled", `Successfully assigned ${ns}/${pod.metadata.name} to ${NODE_NAME}`, "default-scheduler");
    lastEventTick.delete(pod.metadata.uid);
    return true;
  }
  const message = `0/1 nodes are available: ${reasons.map((r) => `1 ${r}`).join(", ")}. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.`;
  const updated = store.mutate("pods", ns, pod.metadata.name, (p) => {
    const before = p.status.conditions?.find((c) => c.type === "PodScheduled");
    if (before?.status === "False" && before.message === message) return;
    p.status.conditions = [scheduledCondition("False", now, "Unschedulable", message)];
  });
  const last = lastEventTick.get(pod.metadata.uid);
  if (updated && (last === undefined || store.ticks - last >= RETRY_EVENT_TICKS)) {
    lastEventTick.set(pod.metadata.uid, store.ticks);
    recordEvent(store, updated, "Warning", "FailedScheduling", message, "default-scheduler");
  }
  return false;
}

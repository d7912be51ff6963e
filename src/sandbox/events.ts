/**
 * Events as the real controllers and kubelet record them: repeats of the same reason and message
 * on the same object are folded into one event with a count (what `kubectl describe` shows as
 * "x5 over 2m"), and each namespace keeps a bounded number.
 */
import type { ObjectStore } from "./object-store.js";
import type { KubeEvent, KubeObject } from "./types.js";

export const MAX_EVENTS_PER_NAMESPACE = 1000;
export const NODE_NAME = "sandbox-node";

let lastSuffix = 0n;

/** Real event names end in the creation time in hex nanoseconds, so a listing groups them per object in time order. */
function eventSuffix(now: Date): string {
  const nanos = BigInt(now.getTime()) * 1_000_000n;
  lastSuffix = nanos > lastSuffix ? nanos : lastSuffix + 1n;
  return lastSuffix.toString(16);
}

/** Who reports an event: the source component and, for the kubelet, its node. */
export type Reporter = "deployment-controller" | "replicaset-controller" | "default-scheduler" | "kubelet" | "service-controller";

export function recordEvent(
  store: ObjectStore,
  involved: KubeObject,
  type: "Normal" | "Warning",
  reason: string,
  message: string,
  reporter: Reporter,
  fieldPath?: string,
): void {
  const namespace = involved.metadata.namespace ?? "default";
  if (!store.peek("namespaces", undefined, namespace)) return;
  const now = store.timestamp();
  const same = store
    .peekAll("events", namespace)
    .find((e) => e.involvedObject.uid === involved.metadata.uid && e.reason === reason && e.message === message && e.type === type);
  if (same) {
    store.mutate("events", namespace, same.metadata.name, (e) => {
      e.count += 1;
      e.lastTimestamp = now;
    });
    return;
  }
  const event: Omit<KubeEvent, "metadata"> & { metadata: { name: string; namespace: string } } = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${involved.metadata.name}.${eventSuffix(store.now())}`, namespace },
    involvedObject: {
      kind: involved.kind,
      namespace,
      name: involved.metadata.name,
      uid: involved.metadata.uid,
      apiVersion: involved.apiVersion,
      resourceVersion: involved.metadata.resourceVersion,
      ...(fieldPath ? { fieldPath } : {}),
    },
    reason,
    message,
    source: reporter === "kubelet" ? { component: reporter, host: NODE_NAME } : { component: reporter },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type,
    eventTime: null,
    reportingComponent: reporter,
    reportingInstance: reporter === "kubelet" ? NODE_NAME : "",
  };
  store.create("events", event);
  const all = store.peekAll("events", namespace);
  for (const old of all.slice(0, Math.max(0, all.length - MAX_EVENTS_PER_NAMESPACE))) store.delete("events", namespace, old.metadata.name);
}

/**
 * The ReplicaSet controller: keeps the number of live pods equal to spec.replicas, deleting the
 * least useful pods first, and reports how many are ready and available. Also the garbage
 * collector, which removes pods and replica sets whose controller is gone.
 */
import { recordEvent } from "../events.js";
import { randomSuffix } from "../object-store.js";
import type { ClusterStore } from "../store.js";
import type { Pod, ReplicaSet } from "../types.js";
import { controllerOf, controllerRef, isControlledBy } from "./ownership.js";
import { isPodReady, qosClass } from "./pod-status.js";

export function isActivePod(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status.phase !== "Succeeded" && pod.status.phase !== "Failed";
}

export function podsOf(store: ClusterStore, rs: ReplicaSet): Pod[] {
  return store.peekAll("pods", rs.metadata.namespace).filter((p) => isControlledBy(p, rs));
}

/** Lower sorts first for deletion: unscheduled, then pending, then not ready, then most restarts, then newest. */
function deletionRank(pod: Pod): number[] {
  const restarts = (pod.status.containerStatuses ?? []).reduce((n, s) => n + s.restartCount, 0);
  return [
    pod.spec.nodeName ? 1 : 0,
    pod.status.phase === "Pending" ? 0 : 1,
    isPodReady(pod) ? 1 : 0,
    -restarts,
    -Date.parse(pod.metadata.creationTimestamp),
  ];
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function createPod(store: ClusterStore, rs: ReplicaSet): void {
  const template = rs.spec.template;
  const spec = structuredClone(template.spec);
  const pod = store.create("pods", {
    metadata: {
      name: `${rs.metadata.name}-${randomSuffix()}`,
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...template.metadata?.labels },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [controllerRef(rs)],
    },
    spec,
    status: { phase: "Pending", qosClass: qosClass(spec) },
  });
  recordEvent(store, rs, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, "replicaset-controller");
}

export function syncReplicaSets(store: ClusterStore): void {
  for (const rs of store.peekAll("replicasets")) {
    const active = podsOf(store, rs).filter(isActivePod);
    const missing = rs.spec.replicas - active.length;
    for (let i = 0; i < missing; i++) createPod(store, rs);
    if (missing < 0) {
      const victims = [...active].sort((a, b) => compareRanks(deletionRank(a), deletionRank(b))).slice(0, -missing);
      for (const pod of victims) {
        store.delete("pods", pod.metadata.namespace, pod.metadata.name);
        recordEvent(store, rs, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`, "replicaset-controller");
      }
    }
  }
  updateReplicaSetStatuses(store);
}

export function updateReplicaSetStatuses(store: ClusterStore): void {
  for (const rs of store.peekAll("replicasets")) {
    const active = podsOf(store, rs).filter(isActivePod);
    const ready = active.filter(isPodReady).length;
    store.mutate("replicasets", rs.metadata.namespace, rs.metadata.name, (draft) => {
      draft.status = {
        replicas: active.length,
        fullyLabeledReplicas: active.length,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: rs.metadata.generation ?? 1,
      };
    });
  }
}

/** Delete pods and replica sets whose controlling owner no longer exists (background cascading deletion). */
export function collectGarbage(store: ClusterStore): void {
  const alive = new Set<string>();
  for (const d of store.peekAll("deployments")) alive.add(d.metadata.uid);
  for (const rs of store.peekAll("replicasets")) {
    const owner = controllerOf(rs);
    if (owner?.kind === "Deployment" && !alive.has(owner.uid)) store.delete("replicasets", rs.metadata.namespace, rs.metadata.name);
    else alive.add(rs.metadata.uid);
  }
  for (const pod of store.peekAll("pods")) {
    const owner = controllerOf(pod);
    if (owner?.kind === "ReplicaSet" && !alive.has(owner.uid) && !pod.metadata.deletionTimestamp) store.delete("pods", pod.metadata.namespace, pod.metadata.name);
  }
}

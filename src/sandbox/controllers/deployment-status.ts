/**
 * Deployment status as `kubectl rollout status` reads it: counts summed from the replica sets,
 * observedGeneration, and the Available / Progressing conditions, including the progress deadline
 * that turns a stuck rollout into ProgressDeadlineExceeded.
 */
import type { ClusterStore } from "../store.js";
import type { Condition, Deployment, DeploymentStatus } from "../types.js";
import { findNewReplicaSet, ownedReplicaSets, rollingLimits } from "./deployment.js";

function condition(before: Condition | undefined, next: Omit<Condition, "lastUpdateTime" | "lastTransitionTime">, now: string, progressed: boolean): Condition {
  const same = before?.status === next.status;
  const unchanged = same && before?.reason === next.reason && before?.message === next.message && !progressed;
  return {
    ...next,
    lastUpdateTime: unchanged && before?.lastUpdateTime ? before.lastUpdateTime : now,
    lastTransitionTime: same && before?.lastTransitionTime ? before.lastTransitionTime : now,
  };
}

function progressing(store: ClusterStore, d: Deployment, status: DeploymentStatus, newName: string | undefined, now: string): Condition {
  const before = d.status.conditions?.find((c) => c.type === "Progressing");
  const prev = d.status;
  const progressed =
    prev.updatedReplicas !== status.updatedReplicas ||
    prev.readyReplicas !== status.readyReplicas ||
    prev.availableReplicas !== status.availableReplicas ||
    prev.replicas !== status.replicas ||
    (newName !== undefined && !before?.message?.includes(`"${newName}"`));
  const desired = d.spec.replicas;
  if (d.spec.paused) return condition(before, { type: "Progressing", status: "Unknown", reason: "DeploymentPaused", message: "Deployment is paused" }, now, false);
  if (newName && status.updatedReplicas === desired && status.replicas === desired && status.availableReplicas === desired) {
    return condition(before, { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: `ReplicaSet "${newName}" has successfully progressed.` }, now, false);
  }
  if (!progressed && before?.reason === "ProgressDeadlineExceeded") return before;
  const since = Date.parse(before?.lastUpdateTime ?? now);
  const deadline = (d.spec.progressDeadlineSeconds ?? 600) * 1000;
  if (!progressed && before && store.now().getTime() - since > deadline) {
    return condition(before, { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: `ReplicaSet "${newName ?? d.metadata.name}" has timed out progressing.` }, now, false);
  }
  const created = before === undefined || (newName !== undefined && !before.message?.includes(`"${newName}"`));
  return condition(
    before,
    created
      ? { type: "Progressing", status: "True", reason: "NewReplicaSetCreated", message: `Created new replica set "${newName ?? ""}"` }
      : { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", message: `ReplicaSet "${newName ?? ""}" is progressing.` },
    now,
    progressed,
  );
}

export function updateDeploymentStatuses(store: ClusterStore): void {
  const now = store.timestamp();
  for (const d of store.peekAll("deployments")) {
    const owned = ownedReplicaSets(store, d);
    const newRS = findNewReplicaSet(d, owned);
    const sum = (pick: (s: { replicas?: number; readyReplicas?: number; availableReplicas?: number }) => number | undefined): number =>
      owned.reduce((n, rs) => n + (pick(rs.status) ?? 0), 0);
    const available = sum((s) => s.availableReplicas);
    const total = owned.reduce((n, rs) => n + rs.spec.replicas, 0);
    const status: DeploymentStatus = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: sum((s) => s.replicas),
      updatedReplicas: newRS?.status.replicas ?? 0,
      readyReplicas: sum((s) => s.readyReplicas),
      availableReplicas: available,
    };
    if (total - available > 0) status.unavailableReplicas = total - available;
    const minAvailable = d.spec.replicas - rollingLimits(d).maxUnavailable;
    const before = d.status.conditions?.find((c) => c.type === "Available");
    const availableCondition =
      available >= minAvailable
        ? condition(before, { type: "Available", status: "True", reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability." }, now, false)
        : condition(before, { type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability." }, now, false);
    status.conditions = [availableCondition, progressing(store, d, status, newRS?.metadata.name, now)];
    store.mutate("deployments", d.metadata.namespace, d.metadata.name, (draft) => {
      draft.status = status;
    });
  }
}

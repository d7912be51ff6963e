/**
 * How a release-train participant looks from the cluster, for the scenarios' platform API and
 * their end-of-drill health: which image its deployment runs, whether its rollout finished and
 * whether any of its pods is crash-looping or cannot pull its image.
 */
import type { ClusterStore } from "../store.js";
import type { Pod } from "../types.js";

export interface ParticipantState {
  name: string;
  /** The image of the deployment's first container ("" when the deployment is gone). */
  image: string;
  /** The tag of that image ("" when it has none). */
  version: string;
  desired: number;
  /** Pods up and ready, not terminating. */
  ready: number;
  /** Pods that are not (crash loop, image pull back-off, not ready, pending). */
  failing: number;
  /** The first reason a pod is unhappy, e.g. "CrashLoopBackOff". */
  reason?: string;
  /** The rollout is complete by `kubectl rollout status`'s rule. */
  rolledOut: boolean;
  healthy: boolean;
}

export function imageTag(image: string): string {
  return /:([^/:@]+)(@|$)/.exec(image)?.[1] ?? "";
}

function podReason(pod: Pod): string | undefined {
  for (const s of pod.status.containerStatuses ?? []) {
    const why = s.state.waiting?.reason ?? (s.state.terminated ? (s.state.terminated.reason ?? "Error") : undefined);
    if (why && why !== "ContainerCreating") return why;
  }
  if (pod.status.phase !== "Running") return pod.status.phase;
  return pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? undefined : "NotReady";
}

/** A participant's state, read from the store without copying it. */
export function participantState(store: ClusterStore, namespace: string, name: string): ParticipantState {
  const d = store.peek("deployments", namespace, name);
  const image = d?.spec.template.spec.containers[0]?.image ?? "";
  const pods = store.podsOf(namespace, name).filter((p) => !p.metadata.deletionTimestamp);
  const reasons = pods.map(podReason);
  const failing = reasons.filter((r) => r !== undefined).length;
  const s = d?.status;
  const desired = d?.spec.replicas ?? 0;
  const rolledOut =
    d !== undefined &&
    (s?.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) &&
    s?.updatedReplicas === desired &&
    s.replicas === desired &&
    s.availableReplicas === desired;
  const reason = reasons.find((r) => r !== undefined);
  return {
    name,
    image,
    version: imageTag(image),
    desired,
    ready: pods.length - failing,
    failing,
    ...(reason ? { reason } : {}),
    rolledOut,
    healthy: d !== undefined && desired > 0 && rolledOut && failing === 0 && pods.length === desired,
  };
}

/** One line for a summary: "backtesting 2/3 ready on reg/backtesting:2.0.0 (CrashLoopBackOff)". */
export function describeParticipant(p: ParticipantState): string {
  if (!p.image) return `${p.name}: no deployment`;
  return `${p.name} ${p.ready}/${p.desired} ready on ${p.image}${p.reason ? ` (${p.reason})` : p.rolledOut ? "" : " (rollout not finished)"}`;
}

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
  /** Live pods (not terminating), whatever image they run. */
  pods: number;
  /** Pods up and ready on the deployment's image. */
  ready: number;
  /** Pods that are not up (crash loop, image pull back-off, not ready, pending). */
  failing: number;
  /** Live pods still on another image than the deployment's (an unfinished rollout), by tag. */
  others: string[];
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
  const ready = pods.filter((p, i) => reasons[i] === undefined && p.spec.containers[0]?.image === image).length;
  const others = pods.filter((p) => p.spec.containers[0]?.image !== image).map((p) => imageTag(p.spec.containers[0]?.image ?? ""));
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
    pods: pods.length,
    ready,
    failing,
    others,
    ...(reason ? { reason } : {}),
    rolledOut,
    healthy: d !== undefined && desired > 0 && rolledOut && failing === 0 && others.length === 0 && ready === desired,
  };
}

/** One line for a summary: "backtesting 0/3 ready on reg/backtesting:2.0.0, 1 CrashLoopBackOff (3 pods still on 1.6.3)". */
export function describeParticipant(p: ParticipantState): string {
  if (!p.image) return `${p.name}: no deployment`;
  const tags = [...new Set(p.others)];
  const failing = p.failing > 0 ? `, ${p.failing} ${p.reason ?? "failing"}` : "";
  const old = tags.length > 0 ? ` (${p.others.length} pod${p.others.length === 1 ? "" : "s"} still on ${tags.join(", ")})` : "";
  const unfinished = !failing && !old && !p.rolledOut ? " (rollout not finished)" : "";
  return `${p.name} ${p.ready}/${p.desired} ready on ${p.image}${failing}${old}${unfinished}`;
}

/** Health checks scenarios share: a deployment judged the way an operator reads `kubectl get pods`. */
import { podStatusReason } from "../tables.js";
import type { ClusterStore } from "../store.js";
import type { DrillHealth } from "./types.js";

export interface DeploymentHealthOptions {
  /** The image every pod must run for the service to count as recovered. */
  image: string;
  /** Ready pods needed (the replicas the service had before the incident). */
  ready: number;
}

/** Healthy when at least `ready` pods are ready on `image` and no pod of another image is left. */
export function deploymentHealth(store: ClusterStore, namespace: string, name: string, opts: DeploymentHealthOptions): DrillHealth {
  const deployment = store.peek("deployments", namespace, name);
  if (!deployment) return { healthy: false, detail: `deployment ${name} is gone from ${namespace}` };
  const pods = store.podsOf(namespace, name).filter((p) => p.metadata.deletionTimestamp === undefined);
  const ready = pods.filter((p) => p.status?.containerStatuses?.every((c) => c.ready) === true && p.spec.containers.every((c) => c.image === opts.image));
  const others = pods.filter((p) => p.spec.containers.some((c) => c.image !== opts.image));
  if (ready.length >= opts.ready && others.length === 0) {
    // Healthy already; a rollout of the same image still going (a patched template) is let to finish for the summary.
    return { healthy: true, detail: `${ready.length}/${pods.length} pods of ${name} ready on ${opts.image}`, ...(ready.length < pods.length ? { settling: true } : {}) };
  }
  const wrong = [...new Set(others.flatMap((p) => p.spec.containers.map((c) => c.image)).filter((i) => i !== opts.image))];
  const reasons = new Map<string, number>();
  for (const p of pods) {
    if (ready.includes(p)) continue;
    const reason = podStatusReason(p);
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  // The fixed version is rolling out: not a verdict yet.
  const template = deployment.spec.template.spec.containers.map((c) => c.image);
  const settling = template.every((i) => i === opts.image) && deployment.spec.replicas >= opts.ready;
  const states = [...reasons].map(([reason, n]) => `${n} ${reason}`).join(", ");
  const restarts = pods.reduce((sum, p) => sum + (p.status?.containerStatuses?.reduce((s, c) => s + c.restartCount, 0) ?? 0), 0);
  return {
    healthy: false,
    detail: `${ready.length}/${opts.ready} pods of ${name} ready on ${opts.image}${states ? `; ${states}` : ""}${wrong.length ? ` (still on ${wrong.join(", ")})` : ""}${restarts > 0 ? `; ${restarts} restarts` : ""}${deployment.spec.replicas < opts.ready ? `; scaled to ${deployment.spec.replicas}` : ""}`,
    ...(settling ? { settling: true } : {}),
  };
}

/**
 * A scenario file's conditions judged against the simulated world: whether the incident is over,
 * whether the incident has set in, and how an endpoint answers. Pure reads of the store.
 */
import { qualifiedRef } from "../../runbooks/scenario-lint.js";
import type { WorldCondition } from "../../runbooks/scenario-schema.js";
import type { ClusterStore } from "../store.js";
import { podStatusReason } from "../tables.js";
import type { Pod } from "../types.js";
import { deploymentHealth } from "./checks.js";

export interface Judged {
  holds: boolean;
  /** In words, for the drill summary: "3/3 pods of api ready on shop/api:1.4.2". */
  detail: string;
  /**
   * Still moving: not holding yet but a fix is rolling out, or holding while the rollout finishes
   * (the summary waits for it, DrillHealth.settling).
   */
  settling?: boolean;
}

export interface WorldView {
  store: ClusterStore;
  /** The replicas each deployment was created with ("shop/api" → 3): what readyReplicas means unless given. */
  replicas: ReadonlyMap<string, number>;
  /** The status an endpoint answers now, by path. */
  endpointStatus?: (path: string) => number;
}

function split(ref: string): { namespace: string; name: string } {
  const [namespace, name] = qualifiedRef(ref).split("/") as [string, string];
  return { namespace, name };
}

const isReady = (p: Pod) => p.status.containerStatuses?.every((c) => c.ready) === true && p.status.containerStatuses.length > 0;
const restarts = (p: Pod) => p.status.containerStatuses?.reduce((n, c) => n + c.restartCount, 0) ?? 0;

function judgeDeployment(c: WorldCondition, view: WorldView): Judged {
  const { namespace, name } = split(c.deployment!);
  const store = view.store;
  const deployment = store.peek("deployments", namespace, name);
  if (!deployment) return { holds: false, detail: `deployment ${name} is gone from ${namespace}` };
  const wanted = c.readyReplicas ?? view.replicas.get(`${namespace}/${name}`) ?? deployment.spec.replicas;
  const parts: Judged[] = [];
  if (c.image !== undefined) {
    // The reading an operator makes of kubectl get pods: enough ready on the image, none left on another.
    const h = deploymentHealth(store, namespace, name, { image: c.image, ready: wanted });
    parts.push({ holds: h.healthy, detail: h.detail, ...(h.settling ? { settling: true } : {}) });
  } else {
    const pods = store.podsOf(namespace, name).filter((p) => p.metadata.deletionTimestamp === undefined);
    const ready = pods.filter(isReady).length;
    parts.push({ holds: ready >= wanted, detail: `${ready}/${wanted} pods of ${name} ready` });
  }
  if (c.replicas !== undefined) {
    const holds = deployment.spec.replicas === c.replicas;
    parts.push({ holds, detail: `${name} wants ${deployment.spec.replicas} replicas${holds ? "" : `, not ${c.replicas}`}` });
  }
  return all(parts);
}

function describePods(c: WorldCondition): string {
  const what = [c.ready === true ? "ready" : c.ready === false ? "not ready" : "", c.status ?? "", c.restarted === true ? "restarted" : c.restarted === false ? "never restarted" : ""].filter((w) => w !== "").join(", ");
  return `${what ? ` ${what}` : ""}${c.image !== undefined ? ` on ${c.image}` : ""}`;
}

function judgePods(c: WorldCondition, view: WorldView): Judged {
  const { namespace, name } = split(c.pods!);
  const pods = view.store.podsOf(namespace, name).filter((p) => p.metadata.deletionTimestamp === undefined);
  const matching = pods.filter(
    (p) =>
      (c.image === undefined || p.spec.containers.every((k) => k.image === c.image)) &&
      (c.status === undefined || podStatusReason(p) === c.status) &&
      (c.ready === undefined || isReady(p) === c.ready) &&
      (c.restarted === undefined || restarts(p) > 0 === c.restarted),
  );
  const count = c.count ?? 1;
  const holds = matching.length >= count && (c.every !== true || (pods.length > 0 && matching.length === pods.length));
  return { holds, detail: `${matching.length}${c.every ? `/${pods.length}` : ""} pods of ${name}${describePods(c)}` };
}

function judgeEndpoint(c: WorldCondition, view: WorldView): Judged {
  const status = view.endpointStatus?.(c.endpoint!) ?? 404;
  const wanted = Array.isArray(c.status) ? c.status : [Number(c.status)];
  return { holds: wanted.includes(status), detail: `${c.endpoint!} answers ${status}` };
}

function all(parts: Judged[]): Judged {
  const failing = parts.filter((p) => !p.holds);
  if (failing.length === 0) return { holds: true, detail: parts.map((p) => p.detail).join("; "), ...(parts.some((p) => p.settling) ? { settling: true } : {}) };
  const settling = failing.every((p) => p.settling === true);
  return { holds: false, detail: failing.map((p) => p.detail).join("; "), ...(settling ? { settling: true } : {}) };
}

/** Whether the condition holds in the world now, and why in words. */
export function judge(c: WorldCondition, view: WorldView): Judged {
  if (c.all) return all(c.all.map((x) => judge(x, view)));
  if (c.any) {
    const parts = c.any.map((x) => judge(x, view));
    const hit = parts.find((p) => p.holds);
    if (hit) return hit;
    return { holds: false, detail: parts.map((p) => p.detail).join(" / "), ...(parts.some((p) => p.settling) ? { settling: true } : {}) };
  }
  if (c.not) {
    const inner = judge(c.not, view);
    return { holds: !inner.holds, detail: inner.holds ? `still ${inner.detail}` : inner.detail };
  }
  if (c.deployment !== undefined) return judgeDeployment(c, view);
  if (c.pods !== undefined) return judgePods(c, view);
  if (c.endpoint !== undefined) return judgeEndpoint(c, view);
  // The lint refuses a condition about nothing; were one to get here, it must not read as healthy.
  return { holds: false, detail: "a condition about nothing" };
}

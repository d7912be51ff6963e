/**
 * The Deployment controller: one ReplicaSet per pod template (the "revision"), a rolling update
 * that scales the new one up within maxSurge and old ones down within maxUnavailable, and the
 * history cleanup. The arithmetic follows the real controller (pkg/controller/deployment), so a
 * rollout to a crashing image sticks at "1 out of 3 new replicas have been updated", as it does.
 */
import { recordEvent } from "../events.js";
import type { ClusterStore } from "../store.js";
import type { Deployment, ReplicaSet } from "../types.js";
import {
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  NOT_COPIED_ANNOTATIONS,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  TEMPLATE_HASH_LABEL,
  controllerRef,
  isControlledBy,
  revisionOf,
  sameTemplate,
  templateHash,
} from "./ownership.js";

export function ownedReplicaSets(store: ClusterStore, d: Deployment): ReplicaSet[] {
  return store.peekAll("replicasets", d.metadata.namespace).filter((rs) => isControlledBy(rs, d));
}

/** The replica set running the deployment's current template (the oldest, if several do). */
export function findNewReplicaSet(d: Deployment, owned: ReplicaSet[]): ReplicaSet | undefined {
  return [...owned]
    .sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp))
    .find((rs) => sameTemplate(rs.spec.template, d.spec.template));
}

function resolveIntOrPercent(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  const m = /^(\d+)%$/.exec(value ?? "");
  if (!m) return Number(value ?? 0) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** maxSurge rounds up and maxUnavailable down; both zero would deadlock, so unavailable becomes 1. */
export function rollingLimits(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  if (d.spec.strategy?.type === "Recreate") return { maxSurge: 0, maxUnavailable: d.spec.replicas };
  const ru = d.spec.strategy?.rollingUpdate;
  const maxSurge = resolveIntOrPercent(ru?.maxSurge ?? "25%", d.spec.replicas, true);
  let maxUnavailable = resolveIntOrPercent(ru?.maxUnavailable ?? "25%", d.spec.replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, d.spec.replicas) };
}

function copiedAnnotations(d: Deployment): Record<string, string> {
  return Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !NOT_COPIED_ANNOTATIONS.has(k)));
}

function scale(store: ClusterStore, d: Deployment, rs: ReplicaSet, replicas: number): ReplicaSet {
  if (rs.spec.replicas === replicas) return rs;
  const from = rs.spec.replicas;
  const { maxSurge } = rollingLimits(d);
  const scaled = store.mutate("replicasets", rs.metadata.namespace, rs.metadata.name, (draft) => {
    draft.spec.replicas = replicas;
    draft.metadata.annotations = {
      ...draft.metadata.annotations,
      [DESIRED_REPLICAS_ANNOTATION]: String(d.spec.replicas),
      [MAX_REPLICAS_ANNOTATION]: String(d.spec.replicas + maxSurge),
    };
  });
  const direction = replicas > from ? "up" : "down";
  recordEvent(store, d, "Normal", "ScalingReplicaSet", `Scaled ${direction} replica set ${rs.metadata.name} from ${from} to ${replicas}`, "deployment-controller");
  return scaled ?? rs;
}

/** Create the replica set for a new template, or make an old one with this template the newest revision. */
function ensureNewReplicaSet(store: ClusterStore, d: Deployment, owned: ReplicaSet[]): ReplicaSet {
  const existing = findNewReplicaSet(d, owned);
  const others = owned.filter((rs) => rs !== existing);
  const nextRevision = Math.max(0, ...others.map(revisionOf)) + 1;
  if (existing) {
    const revision = revisionOf(existing);
    if (revision >= nextRevision) return existing;
    // Rolling back re-uses the old replica set and moves it to the top of the history.
    return (
      store.mutate("replicasets", existing.metadata.namespace, existing.metadata.name, (draft) => {
        const history = draft.metadata.annotations?.[REVISION_HISTORY_ANNOTATION];
        draft.metadata.annotations = {
          ...draft.metadata.annotations,
          ...copiedAnnotations(d),
          [REVISION_ANNOTATION]: String(nextRevision),
          [REVISION_HISTORY_ANNOTATION]: history ? `${history},${revision}` : String(revision),
        };
      }) ?? existing
    );
  }
  let collisions = 0;
  let hash = templateHash(d.spec.template);
  while (store.peek("replicasets", d.metadata.namespace, `${d.metadata.name}-${hash}`)) hash = templateHash(d.spec.template, ++collisions);
  const labels = { ...d.spec.template.metadata?.labels, [TEMPLATE_HASH_LABEL]: hash };
  const template = structuredClone(d.spec.template);
  template.metadata = { ...template.metadata, labels };
  return store.create("replicasets", {
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels,
      annotations: {
        ...copiedAnnotations(d),
        [DESIRED_REPLICAS_ANNOTATION]: String(d.spec.replicas),
        [MAX_REPLICAS_ANNOTATION]: String(d.spec.replicas + rollingLimits(d).maxSurge),
        [REVISION_ANNOTATION]: String(nextRevision),
      },
      ownerReferences: [controllerRef(d)],
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec.minReadySeconds ?? 0,
      selector: { ...d.spec.selector, matchLabels: { ...d.spec.selector.matchLabels, [TEMPLATE_HASH_LABEL]: hash } },
      template,
    },
  });
}

const sumSpec = (list: ReplicaSet[]): number => list.reduce((n, rs) => n + rs.spec.replicas, 0);
const sumAvailable = (list: ReplicaSet[]): number => list.reduce((n, rs) => n + (rs.status.availableReplicas ?? 0), 0);
const oldestFirst = (list: ReplicaSet[]): ReplicaSet[] => [...list].sort((a, b) => revisionOf(a) - revisionOf(b));

function rollingUpdate(store: ClusterStore, d: Deployment, newRS: ReplicaSet, olds: ReplicaSet[]): void {
  const desired = d.spec.replicas;
  const { maxSurge, maxUnavailable } = rollingLimits(d);
  if (newRS.spec.replicas > desired) newRS = scale(store, d, newRS, desired);
  else if (newRS.spec.replicas < desired) {
    const room = desired + maxSurge - sumSpec([newRS, ...olds]);
    if (room > 0) newRS = scale(store, d, newRS, newRS.spec.replicas + Math.min(room, desired - newRS.spec.replicas));
  }
  if (sumSpec(olds) === 0) return;
  const minAvailable = desired - maxUnavailable;
  const newUnavailable = newRS.spec.replicas - (newRS.status.availableReplicas ?? 0);
  let budget = sumSpec([newRS, ...olds]) - minAvailable - newUnavailable;
  if (budget <= 0) return;
  // First drop old pods that are not available anyway; they hold no capacity.
  const after: ReplicaSet[] = [];
  for (const rs of oldestFirst(olds)) {
    const unhealthy = rs.spec.replicas - (rs.status.availableReplicas ?? 0);
    const down = Math.min(budget, Math.max(0, unhealthy));
    after.push(down > 0 ? scale(store, d, rs, rs.spec.replicas - down) : rs);
    budget -= down;
  }
  let excess = sumAvailable([newRS, ...after]) - minAvailable;
  for (const rs of oldestFirst(after)) {
    if (excess <= 0) break;
    const down = Math.min(rs.spec.replicas, excess);
    if (down > 0) scale(store, d, rs, rs.spec.replicas - down);
    excess -= down;
  }
}

function recreate(store: ClusterStore, d: Deployment, newRS: ReplicaSet, olds: ReplicaSet[]): void {
  for (const rs of olds) if (rs.spec.replicas > 0) scale(store, d, rs, 0);
  const oldPods = store.peekAll("pods", d.metadata.namespace).filter((p) => olds.some((rs) => isControlledBy(p, rs)));
  if (oldPods.length === 0) scale(store, d, newRS, d.spec.replicas);
}

function cleanupHistory(store: ClusterStore, d: Deployment, olds: ReplicaSet[]): void {
  const idle = oldestFirst(olds).filter((rs) => rs.spec.replicas === 0 && (rs.status.replicas ?? 0) === 0);
  const extra = idle.length - (d.spec.revisionHistoryLimit ?? 10);
  for (const rs of idle.slice(0, Math.max(0, extra))) store.delete("replicasets", rs.metadata.namespace, rs.metadata.name);
}

export function syncDeployments(store: ClusterStore): void {
  for (const d of store.peekAll("deployments")) {
    if (d.metadata.deletionTimestamp) continue;
    const owned = ownedReplicaSets(store, d);
    const newRS = d.spec.paused ? findNewReplicaSet(d, owned) : ensureNewReplicaSet(store, d, owned);
    const fresh = ownedReplicaSets(store, d);
    const current = newRS && fresh.find((rs) => rs.metadata.uid === newRS.metadata.uid);
    const olds = fresh.filter((rs) => rs !== current);
    if (current && d.spec.paused) {
      if (sumSpec(olds) === 0) scale(store, d, current, d.spec.replicas);
    } else if (current && d.spec.strategy?.type === "Recreate") recreate(store, d, current, olds);
    else if (current) rollingUpdate(store, d, current, olds);
    cleanupHistory(store, d, olds);
    const revision = current?.metadata.annotations?.[REVISION_ANNOTATION];
    if (revision) {
      store.mutate("deployments", d.metadata.namespace, d.metadata.name, (draft) => {
        draft.metadata.annotations = { ...draft.metadata.annotations, [REVISION_ANNOTATION]: revision };
      });
    }
  }
}

/** Owner references, pod-template identity and revisions: what ties Deployments, ReplicaSets and Pods together. */
import { createHash } from "node:crypto";
import type { KubeObject, OwnerReference, PodTemplate, ReplicaSet } from "../types.js";

export const TEMPLATE_HASH_LABEL = "pod-template-hash";
export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas";

/** Annotations a Deployment does not pass on to its ReplicaSets (the same list kubectl's rollback skips). */
export const NOT_COPIED_ANNOTATIONS = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  "deprecated.deployment.rollback.to",
]);

export function controllerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid;
}

export function revisionOf(rs: ReplicaSet): number {
  const value = Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? "0");
  return Number.isFinite(value) ? value : 0;
}

/**
 * JSON with empty values dropped and keys sorted, so templates compare the way Go's
 * semantic equality does: a template that went through a Go client (rollout undo) gains
 * `creationTimestamp: null` and `resources: {}`, which must not make it a new revision.
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const child = canonical((value as Record<string, unknown>)[key]);
    const empty = child === null || child === undefined || (Array.isArray(child) && child.length === 0) || (typeof child === "object" && child !== null && Object.keys(child).length === 0);
    if (!empty) out[key] = child;
  }
  return out;
}

function withoutHashLabel(template: PodTemplate): PodTemplate {
  const labels = { ...template.metadata?.labels };
  delete labels[TEMPLATE_HASH_LABEL];
  return { ...template, metadata: { ...template.metadata, labels } };
}

export function sameTemplate(a: PodTemplate, b: PodTemplate): boolean {
  return JSON.stringify(canonical(withoutHashLabel(a))) === JSON.stringify(canonical(withoutHashLabel(b)));
}

const HASH_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** A short, stable hash of a template, in the alphabet Kubernetes uses for pod-template-hash. */
export function templateHash(template: PodTemplate, collisionCount = 0): string {
  const digest = createHash("sha256").update(JSON.stringify(canonical(withoutHashLabel(template)))).update(String(collisionCount)).digest();
  let out = "";
  for (let i = 0; i < 10; i++) out += HASH_ALPHABET[(digest[i] ?? 0) % HASH_ALPHABET.length];
  return out;
}

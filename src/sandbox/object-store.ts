/**
 * The versioned object store under the simulated cluster: every write gets the next
 * resourceVersion and becomes a change event, in order, kept in a bounded history so a watch
 * can resume from a list's resourceVersion as it does against a real API server.
 *
 * Stored objects are frozen and replaced on write, never edited in place: a change event can
 * hand out the object itself, and an accidental mutation throws instead of going unnoticed.
 */
import { randomUUID } from "node:crypto";
import { admit } from "./admission.js";
import { alreadyExists, conflict, notFound } from "./errors.js";
import { RESOURCES } from "./resources.js";
import type { ChangeEvent, ChangeType, KubeObject, ObjectMeta, ResourceName, ResourceTypes } from "./types.js";

/** An object as a caller hands it in: the store fills uid, resourceVersion, timestamps, defaults. */
export type Draft<T extends KubeObject> = Omit<T, "metadata" | "status" | "apiVersion" | "kind"> & {
  apiVersion?: string;
  kind?: string;
  metadata: Partial<ObjectMeta>;
  status?: T extends { status: infer S } ? S : never;
};

export interface WriteOptions {
  /** Compute and return the result without storing it (`?dryRun=All`). */
  dryRun?: boolean;
}

export const HISTORY_LIMIT = 10_000;

const NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** The random suffix Kubernetes puts on generated names (same alphabet: no vowels, no look-alikes). */
export function randomSuffix(length = 5): string {
  let out = "";
  for (let i = 0; i < length; i++) out += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export class ObjectStore {
  private readonly objects = new Map<ResourceName, Map<string, KubeObject>>();
  private version = 0;
  private readonly history: ChangeEvent[] = [];
  private readonly listeners = new Set<(event: ChangeEvent) => void>();
  private readonly pending: ChangeEvent[] = [];
  private dispatching = false;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  now(): Date {
    return this.clock();
  }

  /** Now as the API writes timestamps: RFC 3339, whole seconds, UTC. */
  timestamp(offsetSeconds = 0): string {
    return new Date(Math.floor(this.now().getTime() / 1000) * 1000 + offsetSeconds * 1000).toISOString().replace(".000Z", "Z");
  }

  /** The resourceVersion of the latest write (what a list reports). */
  get resourceVersion(): string {
    return String(this.version);
  }

  private map(resource: ResourceName): Map<string, KubeObject> {
    let map = this.objects.get(resource);
    if (!map) this.objects.set(resource, (map = new Map()));
    return map;
  }

  /** The stored object itself: frozen, for reading only. */
  peek<R extends ResourceName>(resource: R, namespace: string | undefined, name: string): ResourceTypes[R] | undefined {
    return this.map(resource).get(keyOf(RESOURCES[resource].namespaced ? namespace : undefined, name)) as ResourceTypes[R] | undefined;
  }

  /** Stored objects (frozen), in creation order; all namespaces when `namespace` is undefined. */
  peekAll<R extends ResourceName>(resource: R, namespace?: string): ResourceTypes[R][] {
    const all = [...this.map(resource).values()] as ResourceTypes[R][];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  /** Stored objects (frozen) in the order a real API server lists them: by namespace, then name. */
  listOrder<R extends ResourceName>(resource: R, namespace?: string): ResourceTypes[R][] {
    const key = (o: KubeObject): string => `${o.metadata.namespace ?? ""}\u0000${o.metadata.name}`;
    return this.peekAll(resource, namespace).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /** A copy of one object, free to change (changes are not stored until written back). */
  get<R extends ResourceName>(resource: R, namespace: string | undefined, name: string): ResourceTypes[R] | undefined {
    const obj = this.peek(resource, namespace, name);
    return obj && structuredClone(obj);
  }

  list<R extends ResourceName>(resource: R, namespace?: string): ResourceTypes[R][] {
    return this.peekAll(resource, namespace).map((o) => structuredClone(o));
  }

  private commit(resource: ResourceName, obj: KubeObject, type: ChangeType, previous?: KubeObject): KubeObject {
    this.version++;
    obj.metadata.resourceVersion = String(this.version);
    deepFreeze(obj);
    const key = keyOf(obj.metadata.namespace, obj.metadata.name);
    if (type === "DELETED") this.map(resource).delete(key);
    else this.map(resource).set(key, obj);
    this.emit({ type, resource, object: obj, ...(previous ? { previous } : {}), resourceVersion: this.version });
    return obj;
  }

  /**
   * Create an object (POST): defaults, validates, and refuses a name already taken (409) or a
   * missing namespace (404). Returns the stored object, which is frozen: change it with `mutate`.
   */
  create<R extends ResourceName>(resource: R, input: Draft<ResourceTypes[R]> | Record<string, unknown>, opts: WriteOptions = {}): ResourceTypes[R] {
    const obj = structuredClone(input) as Record<string, unknown> & { metadata?: Partial<ObjectMeta> };
    const meta: Partial<ObjectMeta> = (obj.metadata ??= {});
    if (!RESOURCES[resource].namespaced) delete meta.namespace;
    else meta.namespace ||= "default";
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    admit(resource, obj);
    const name = meta.name ?? "";
    if (meta.namespace !== undefined && resource !== "namespaces" && !this.peek("namespaces", undefined, meta.namespace)) {
      throw notFound("namespaces", meta.namespace);
    }
    if (this.peek(resource, meta.namespace, name)) throw alreadyExists(resource, name);
    meta.uid = randomUUID();
    meta.creationTimestamp = this.timestamp();
    delete meta.deletionTimestamp;
    if (resource === "deployments" || resource === "replicasets") meta.generation = 1;
    const created = obj as unknown as KubeObject;
    if (opts.dryRun) return created as ResourceTypes[R];
    return this.commit(resource, created, "ADDED") as ResourceTypes[R];
  }

  /**
   * Replace an object (PUT, or the result of a PATCH). A resourceVersion in `obj` must match the
   * stored one (optimistic concurrency, 409 Conflict otherwise). Status is kept from the stored
   * object unless `withStatus`: clients change spec, controllers change status.
   */
  replace<R extends ResourceName>(resource: R, input: ResourceTypes[R] | Record<string, unknown>, opts: WriteOptions & { withStatus?: boolean } = {}): ResourceTypes[R] {
    const obj = structuredClone(input) as Record<string, unknown> & { metadata?: Partial<ObjectMeta> };
    const meta: Partial<ObjectMeta> = (obj.metadata ??= {});
    const name = meta.name ?? "";
    const previous = this.peek(resource, meta.namespace, name);
    if (!previous) throw notFound(resource, name);
    if (meta.resourceVersion && meta.resourceVersion !== previous.metadata.resourceVersion) throw conflict(resource, name);
    admit(resource, obj, previous);
    meta.uid = previous.metadata.uid;
    meta.creationTimestamp = previous.metadata.creationTimestamp;
    if (previous.metadata.deletionTimestamp) meta.deletionTimestamp = previous.metadata.deletionTimestamp;
    else delete meta.deletionTimestamp;
    if (!opts.withStatus && "status" in previous) obj.status = structuredClone(previous.status);
    if (previous.metadata.generation !== undefined) {
      const specChanged = "spec" in previous && JSON.stringify(previous.spec) !== JSON.stringify(obj.spec);
      meta.generation = previous.metadata.generation + (specChanged ? 1 : 0);
    }
    const next = obj as unknown as KubeObject;
    if (opts.dryRun) return next as ResourceTypes[R];
    if (JSON.stringify({ ...next, metadata: { ...next.metadata, resourceVersion: "" } }) === JSON.stringify({ ...previous, metadata: { ...previous.metadata, resourceVersion: "" } })) {
      return previous;
    }
    return this.commit(resource, next, "MODIFIED", previous) as ResourceTypes[R];
  }

  /**
   * Change one object through a function on a copy; stores (and bumps the resourceVersion) only
   * if something changed, so controllers can run every tick without flooding watches.
   */
  mutate<R extends ResourceName>(resource: R, namespace: string | undefined, name: string, change: (draft: ResourceTypes[R]) => void): ResourceTypes[R] | undefined {
    const previous = this.peek(resource, namespace, name);
    if (!previous) return undefined;
    const draft = structuredClone(previous);
    change(draft);
    draft.metadata.resourceVersion = previous.metadata.resourceVersion;
    if (JSON.stringify(draft) === JSON.stringify(previous)) return previous;
    if (previous.metadata.generation !== undefined && "spec" in previous && JSON.stringify(previous.spec) !== JSON.stringify((draft as { spec?: unknown }).spec)) {
      draft.metadata.generation = previous.metadata.generation + 1;
    }
    return this.commit(resource, draft, "MODIFIED", previous) as ResourceTypes[R];
  }

  /**
   * Delete an object. A pod on a node is deleted gracefully, as by a kubelet: it is marked
   * Terminating and the simulated kubelet removes it on its next tick (unless the grace period is 0).
   */
  delete<R extends ResourceName>(resource: R, namespace: string | undefined, name: string, opts: WriteOptions & { gracePeriodSeconds?: number } = {}): ResourceTypes[R] {
    const previous = this.peek(resource, namespace, name);
    if (!previous) throw notFound(resource, name);
    const graceful = resource === "pods" && (previous as ResourceTypes["pods"]).spec.nodeName && opts.gracePeriodSeconds !== 0;
    if (opts.dryRun) return previous;
    if (graceful) {
      if (previous.metadata.deletionTimestamp) return previous;
      const grace = opts.gracePeriodSeconds ?? (previous as ResourceTypes["pods"]).spec.terminationGracePeriodSeconds ?? 30;
      return this.mutate(resource, namespace, name, (draft) => {
        draft.metadata.deletionTimestamp = this.timestamp(grace);
        draft.metadata.deletionGracePeriodSeconds = grace;
      }) as ResourceTypes[R];
    }
    if (resource === "namespaces") {
      for (const r of Object.keys(RESOURCES) as ResourceName[]) {
        if (!RESOURCES[r].namespaced) continue;
        for (const obj of this.peekAll(r, name)) this.commit(r, structuredClone(obj), "DELETED", obj);
      }
    }
    return this.commit(resource, structuredClone(previous), "DELETED", previous) as ResourceTypes[R];
  }

  /** Listen to every write, in resourceVersion order. Returns the unsubscribe function. */
  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes after `resourceVersion`, or undefined when they are no longer kept (410 Gone for a watch). */
  changesSince(resourceVersion: number): ChangeEvent[] | undefined {
    const oldest = this.history[0]?.resourceVersion ?? this.version + 1;
    if (resourceVersion < oldest - 1 && resourceVersion < this.version) return undefined;
    return this.history.filter((e) => e.resourceVersion > resourceVersion);
  }

  private emit(event: ChangeEvent): void {
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    // A listener that writes (a scenario rule) must not let later events overtake earlier ones.
    this.pending.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        for (const listener of [...this.listeners]) {
          try {
            listener(next);
          } catch (error) {
            // A failing listener is a bug: report it loudly, but keep the others in order.
            queueMicrotask(() => {
              throw error;
            });
          }
        }
      }
    } finally {
      this.dispatching = false;
    }
  }
}

/**
 * The shared store on PostgreSQL: opened once per command (connected, schema checked: an
 * unreachable or refusing store is one line before anything runs), then incidents are attached
 * to it. It owns the one connection (Link) that senders and leases share.
 */
import { randomUUID } from "node:crypto";
import type { IncidentEvent } from "../events.js";
import type { IncidentLog } from "../log.js";
import { connectClient, errorText } from "./pg-connect.js";
import { fetchEvents, insertEvent, outgoingOf, storedIds, type StoredEvent } from "./pg-events.js";
import { Follower, type FollowOptions } from "./follow.js";
import { fileEventId, SharedIncident } from "./pg-incident.js";
import { acquireLease, currentDriver, DEFAULT_LEASE_MS, type AcquireResult, type Holder, type Lease } from "./pg-lease.js";
import { askToDrive, decline, handOver, pendingRequest, type AskResult } from "./pg-handover.js";
import { Link } from "./pg-link.js";
import { Redactor } from "../redact.js";
import { listIncidents, type StoreIncident } from "./pg-incidents.js";
import { checkSchema, initSchema } from "./pg-schema.js";
import type { StoreAttach } from "./types.js";
import { parseStoreUrl, StoreError, type PostgresTarget } from "./url.js";

/** What others (followers) add to an incident that its driver records too. */
const OTHERS_ADD = ["note.added", "escalation.acknowledged"] as const;

export class SharedStore {
  /** This process among the store's writers (leases are held by it, not by a name two laptops may share). */
  readonly holderId = randomUUID();
  private leases = new Set<Lease>();
  private notes = 0;

  private constructor(
    readonly target: PostgresTarget,
    readonly link: Link,
  ) {}

  /** Connect and check the schema; throws StoreError (one masked line) when it cannot be used. */
  static async open(url: string, env: Readonly<Record<string, string | undefined>> = {}): Promise<SharedStore> {
    const target = parseStoreUrl(url, env);
    const client = await connectClient(target, () => undefined);
    try {
      await checkSchema(client, target);
    } catch (e) {
      await client.end().catch(() => undefined);
      if (e instanceof StoreError) throw e;
      throw new StoreError(`the store at ${target.where}: ${errorText(e, target)}`, "refused");
    }
    return new SharedStore(target, new Link(target, client));
  }

  /** `handrail store init`: create or migrate the schema in one transaction. */
  static async init(url: string, env: Readonly<Record<string, string | undefined>> = {}): Promise<{ from: number; to: number; target: PostgresTarget }> {
    const target = parseStoreUrl(url, env);
    const client = await connectClient(target, () => undefined);
    try {
      return { ...(await initSchema(client, target)), target };
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw new StoreError(`the store at ${target.where} refused the schema: ${errorText(e, target)}`, "refused");
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Become the driver of an incident (see acquireLease); the lease is renewed until close(). */
  async drive(incidentId: string, holder: string, opts: { ttlMs?: number; force?: boolean } = {}): Promise<AcquireResult> {
    const r = await acquireLease(this.link, incidentId, holder, this.holderId, opts);
    if (r.ok) {
      this.leases.add(r.lease);
      r.lease.keepAlive();
    }
    return r;
  }

  /** Ask the driver to hand over (see pg-handover.ts); the lease, once given, is renewed until close(). */
  async askToDrive(incidentId: string, holder: string, opts: { ttlMs?: number; timeoutMs?: number } = {}): Promise<AskResult> {
    const r = await askToDrive(this.link, incidentId, holder, this.holderId, { ttlMs: opts.ttlMs ?? DEFAULT_LEASE_MS, timeoutMs: opts.timeoutMs ?? 60_000 });
    if (r.ok) {
      this.leases.add(r.lease);
      r.lease.keepAlive();
    }
    return r;
  }

  /** The driver's side of a hand-over: who asks (poll it), give the lease to them, or say no. */
  pendingRequest(lease: Lease): Promise<{ by: string; at: Date } | undefined> {
    return pendingRequest(lease, this.link);
  }
  handOver(lease: Lease): Promise<string | undefined> {
    return handOver(lease, this.link);
  }
  decline(lease: Lease): Promise<void> {
    return decline(lease, this.link);
  }

  async driver(incidentId: string): Promise<Holder | undefined> {
    return currentDriver(this.link, incidentId);
  }

  /** How the session wraps its local file: events replicated here, step starts checked against `lease`. */
  attach(actor: string, lease?: Lease): StoreAttach {
    return (log: IncidentLog, incidentId: string) => new SharedIncident(log, this.link, incidentId, actor, lease, (onEvents) => this.follow(incidentId, onEvents, { only: OTHERS_ADD }));
  }

  /**
   * Bring a local incident file and the store together before a resume: the events of the file the
   * store lacks (a handrail that stopped while offline, or an incident that never had a store) are
   * sent, in file order; then whether the store holds events the file does not (others wrote).
   * Unless someone else drove since (a resume or a change of driver the file does not have: this
   * handrail died and another picked the incident up): then those events are stale, sent now they
   * would reopen steps the walk has moved past, and they stay in the file only (`stale`).
   */
  async reconcile(incidentId: string, local: readonly IncidentEvent[], actor: string): Promise<{ sent: number; behind: number; stale: number }> {
    return this.link.run(async (c) => {
      const stored = await storedIds(c, incidentId);
      const idOf = (e: IncidentEvent) => e.eid ?? fileEventId(incidentId, e.seq);
      const missing = local.filter((e) => !stored.has(idOf(e)));
      const mine = new Set(local.map(idOf));
      const others = [...stored].filter(([id]) => !mine.has(id));
      if (missing.length > 0 && others.some(([, type]) => type === "incident.resumed" || type === "driver.changed")) return { sent: 0, behind: others.length, stale: missing.length };
      for (const e of missing) await insertEvent(c, outgoingOf(e, incidentId, idOf(e), actor));
      return { sent: missing.length, behind: others.length, stale: 0 };
    });
  }

  async events(incidentId: string, afterSeq = 0): Promise<IncidentEvent[]> {
    return (await this.link.run((c) => fetchEvents(c, incidentId, afterSeq))).map((s) => s.event);
  }

  /**
   * A note from someone who does not drive (a follower): straight into the store, masked, with an
   * id of its own. A follower has no local file, so when the store is away the note is refused, not queued.
   */
  async addNote(incidentId: string, actor: string, text: string): Promise<number | undefined> {
    return this.addEvent(incidentId, actor, { type: "note.added", text: new Redactor().text(text) });
  }

  /** A follower acknowledges an escalation (the driver's handrail records it too, and its banner goes). */
  async acknowledge(incidentId: string, actor: string, key: string): Promise<number | undefined> {
    return this.addEvent(incidentId, actor, { type: "escalation.acknowledged", key, actor });
  }

  private async addEvent(incidentId: string, actor: string, body: { type: "note.added" | "escalation.acknowledged" } & Record<string, unknown>): Promise<number | undefined> {
    const ts = new Date().toISOString();
    return this.link.run((c) => insertEvent(c, { eventId: `${this.holderId}:${body.type === "note.added" ? "note" : "ack"}:${++this.notes}`, incidentId, ts, type: body.type, actor, body }));
  }

  /** The store's incidents, newest first, with driver and status. */
  async incidents(): Promise<StoreIncident[]> {
    return this.link.run((c) => listIncidents(c));
  }

  /** Watch an incident live (LISTEN/NOTIFY): see follow.ts. */
  follow(incidentId: string, onEvents: (events: StoredEvent[]) => void, opts: FollowOptions = {}): Follower {
    return new Follower(this.target, this.link, incidentId, onEvents, opts);
  }

  /** Release every lease this process holds and close the connection. */
  async close(): Promise<void> {
    for (const l of this.leases) await l.release();
    this.leases.clear();
    await this.link.close();
  }
}

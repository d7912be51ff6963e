/**
 * One driver at a time: a row per incident in handrail_leases with an expiry, renewed while the
 * driver's handrail is open. Taking it is one transaction (two would-be drivers: exactly one wins);
 * an expired lease may be taken by anyone, a live one only by takeOver (the driver agreed).
 */
import type { Client } from "pg";
import { OfflineError, type Link } from "./pg-link.js";

export const DEFAULT_LEASE_MS = 30_000;

export interface Holder {
  holder: string;
  since: Date;
  expiresAt: Date;
}

export type AcquireResult =
  | { ok: true; lease: Lease; previous?: { holder: string; expired: boolean } }
  | ({ ok: false; message: string } & Holder);

function clock(d: Date): string {
  return `${d.toISOString().slice(11, 19)} UTC`;
}

/** "alice is driving (since 09:12:03 UTC, lease until 09:13:01 UTC)". */
export function drivingMessage(h: Holder): string {
  return `${h.holder} is driving (since ${clock(h.since)}, lease until ${clock(h.expiresAt)})`;
}

export class Lease {
  /** By the local clock: the lease is ours until then even if the store cannot be asked. */
  localExpiry: number;
  /** Set when a renewal found the lease in someone else's hands. */
  lostTo: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private released = false;
  private listeners = new Set<() => void>();

  constructor(
    private readonly link: Link,
    readonly incidentId: string,
    readonly holder: string,
    readonly holderId: string,
    readonly ttlMs: number,
    askedAt: number,
  ) {
    this.localExpiry = askedAt + ttlMs;
  }

  /** Told when the lease is lost to another driver; returns the unsubscribe. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Ours now by the local clock (a conservative view: the store's expiry is no earlier). */
  get held(): boolean {
    return this.lostTo === undefined && !this.released && Date.now() < this.localExpiry;
  }

  /** Renew every third of the lease until released; renewal failures while offline are tried again. */
  keepAlive(): void {
    this.timer = setInterval(() => void this.renew().catch(() => undefined), Math.max(100, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  async renew(): Promise<boolean> {
    if (this.released || this.lostTo !== undefined) return false;
    const askedAt = Date.now();
    try {
      const r = await this.link.run((c) => c.query("UPDATE handrail_leases SET expires_at = now() + $3 * interval '1 millisecond' WHERE incident_id = $1 AND holder_id = $2 RETURNING expires_at", [this.incidentId, this.holderId, this.ttlMs]));
      if (r.rowCount === 1) {
        this.localExpiry = askedAt + this.ttlMs;
        return true;
      }
      const now = await this.link.run((c) => c.query<{ holder: string }>("SELECT holder FROM handrail_leases WHERE incident_id = $1", [this.incidentId]));
      this.lost(now.rows[0]?.holder ?? "nobody");
      return false;
    } catch (e) {
      if (e instanceof OfflineError) return false;
      throw e;
    }
  }

  /** The lease is someone else's now (taken over, or handed over by this process). */
  lost(to: string): void {
    if (this.lostTo !== undefined) return;
    this.lostTo = to;
    this.stop();
    for (const fn of [...this.listeners]) fn();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Give the lease up (the console closes): expired at once, so the next driver need not wait; the row keeps who held it last. */
  async release(): Promise<void> {
    this.stop();
    if (this.released) return;
    this.released = true;
    if (this.lostTo !== undefined) return;
    await this.link.run((c) => c.query("UPDATE handrail_leases SET expires_at = now() WHERE incident_id = $1 AND holder_id = $2", [this.incidentId, this.holderId])).catch(() => undefined);
  }
}

interface Row {
  holder: string;
  holder_id: string;
  since: Date;
  expires_at: Date;
  live: boolean;
}

/** Take the lease when it is free, expired or already ours; `force` takes a live one (the driver confirmed). */
export async function acquireLease(link: Link, incidentId: string, holder: string, holderId: string, opts: { ttlMs?: number; force?: boolean } = {}): Promise<AcquireResult> {
  const ttlMs = opts.ttlMs ?? DEFAULT_LEASE_MS;
  const askedAt = Date.now();
  const lease = () => new Lease(link, incidentId, holder, holderId, ttlMs, askedAt);
  return link.run(async (c: Client) => {
    await c.query("BEGIN");
    try {
      const inserted = await c.query("INSERT INTO handrail_leases (incident_id, holder, holder_id, since, expires_at) VALUES ($1, $2, $3, now(), now() + $4 * interval '1 millisecond') ON CONFLICT (incident_id) DO NOTHING", [incidentId, holder, holderId, ttlMs]);
      if (inserted.rowCount === 1) {
        await c.query("COMMIT");
        return { ok: true, lease: lease() };
      }
      const row = (await c.query<Row>("SELECT holder, holder_id, since, expires_at, expires_at > now() AS live FROM handrail_leases WHERE incident_id = $1 FOR UPDATE", [incidentId])).rows[0]!;
      const mine = row.holder_id === holderId;
      if (row.live && !mine && !opts.force) {
        await c.query("COMMIT");
        const h = { holder: row.holder, since: row.since, expiresAt: row.expires_at };
        return { ok: false, message: drivingMessage(h), ...h };
      }
      // A new holder starts with no request pending: one made of the last driver is not theirs to answer.
      await c.query(
        "UPDATE handrail_leases SET holder = $2, holder_id = $3, since = CASE WHEN holder_id = $3 THEN since ELSE now() END, expires_at = now() + $4 * interval '1 millisecond', request_by = CASE WHEN holder_id = $3 THEN request_by END, request_by_id = CASE WHEN holder_id = $3 THEN request_by_id END, request_at = CASE WHEN holder_id = $3 THEN request_at END WHERE incident_id = $1",
        [incidentId, holder, holderId, ttlMs],
      );
      await c.query("COMMIT");
      return { ok: true, lease: lease(), ...(mine ? {} : { previous: { holder: row.holder, expired: !row.live } }) };
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw e;
    }
  });
}

/** Why a step start was refused, from the lease row as the start's transaction saw it. */
export function refusal(row: { holder: string; holder_id: string; since: Date; expires_at: Date; live: boolean } | undefined, holderId: string): string {
  if (!row) return "nobody drives this incident: resume it to drive";
  if (row.holder_id === holderId) return "this handrail's lease expired (the store was unreachable too long): resume to drive again";
  if (row.live) return drivingMessage({ holder: row.holder, since: row.since, expiresAt: row.expires_at });
  return `${row.holder} took over driving (since ${clock(row.since)}) and has let go since: resume to drive again`;
}

/** Who drives an incident now, if anyone (an expired lease is nobody). */
export async function currentDriver(link: Link, incidentId: string): Promise<Holder | undefined> {
  const row = (await link.run((c) => c.query<Row>("SELECT holder, holder_id, since, expires_at, expires_at > now() AS live FROM handrail_leases WHERE incident_id = $1", [incidentId]))).rows[0];
  return row?.live ? { holder: row.holder, since: row.since, expiresAt: row.expires_at } : undefined;
}

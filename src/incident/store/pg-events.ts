/**
 * Events in PostgreSQL: one row per event. Appending inserts max(seq)+1 and retries when another
 * writer took that seq (the primary key refuses it), so seq stays contiguous with several writers;
 * an event id seen before inserts nothing (a replay after an outage). The NOTIFY goes out on commit.
 */
import type { Client } from "pg";
import type { IncidentEvent } from "../events.js";

export const CHANNEL = "handrail_incident";

/** An event on its way to the store. */
export interface Outgoing {
  eventId: string;
  incidentId: string;
  ts: string;
  type: string;
  actor: string;
  /** The event without seq and ts (they are columns). */
  body: Record<string, unknown>;
}

export function outgoingOf(event: IncidentEvent, incidentId: string, eventId: string, actor: string): Outgoing {
  const { seq: _seq, ts, eid: _eid, ...body } = event;
  const own = (body as { actor?: unknown }).actor;
  return { eventId, incidentId, ts, type: event.type, actor: typeof own === "string" && own ? own : actor, body };
}

const INSERT = `
  WITH next AS (SELECT coalesce(max(seq), 0) + 1 AS seq FROM handrail_events WHERE incident_id = $1),
  ins AS (
    INSERT INTO handrail_events (incident_id, seq, ts, type, actor, body, event_id)
    SELECT $1, next.seq, $2, $3, $4, $5, $6 FROM next
    ON CONFLICT (event_id) DO NOTHING
    RETURNING seq
  )
  SELECT seq::int AS seq, pg_notify('${CHANNEL}', $1 || ':' || seq) FROM ins`;

/** How often a seq taken by another writer is tried again before giving up (each try takes the new max). */
const MAX_TRIES = 200;

function seqTaken(e: unknown): boolean {
  const err = e as { code?: string; constraint?: string };
  return err.code === "23505" && err.constraint === "handrail_events_pkey";
}

/** Insert one event; returns its seq in the store, or undefined when its event id was already there. */
export async function insertEvent(client: Client, o: Outgoing): Promise<number | undefined> {
  for (let tries = 1; ; tries++) {
    try {
      return await insertOnce(client, o);
    } catch (e) {
      if (!seqTaken(e) || tries >= MAX_TRIES) throw e;
    }
  }
}

export interface LeaseRow {
  holder: string;
  holder_id: string;
  since: Date;
  expires_at: Date;
  live: boolean;
}

/**
 * Insert a step.started and judge the lease in one transaction: the lease row is locked while the
 * event goes in, so a take-over is either before (the step is refused) or after (it sees the start).
 */
export async function insertGated(client: Client, o: Outgoing, holderId: string): Promise<{ seq: number | undefined; lease: LeaseRow | undefined; driving: boolean }> {
  for (let tries = 1; ; tries++) {
    await client.query("BEGIN");
    try {
      const lease = (await client.query<LeaseRow>("SELECT holder, holder_id, since, expires_at, expires_at > now() AS live FROM handrail_leases WHERE incident_id = $1 FOR UPDATE", [o.incidentId])).rows[0];
      const seq = await insertOnce(client, o);
      await client.query("COMMIT");
      return { seq, lease, driving: lease !== undefined && lease.holder_id === holderId && lease.live };
    } catch (e) {
      await client.query("ROLLBACK").catch(() => undefined);
      if (!seqTaken(e) || tries >= MAX_TRIES) throw e;
    }
  }
}

async function insertOnce(client: Client, o: Outgoing): Promise<number | undefined> {
  const r = await client.query<{ seq: number }>(INSERT, [o.incidentId, o.ts, o.type, o.actor, JSON.stringify(o.body), o.eventId]);
  return r.rows[0]?.seq;
}

/** An event as the store holds it: with who wrote it (every row has an actor, not every event body). */
export interface StoredEvent {
  event: IncidentEvent;
  actor: string;
}

/** An incident's events in the store after a seq, in order, as incident-file events. */
export async function fetchEvents(client: Client, incidentId: string, afterSeq = 0, limit = 10_000, types?: readonly string[]): Promise<StoredEvent[]> {
  const only = types ? " AND type = ANY($4)" : "";
  const r = await client.query<{ seq: number; ts: Date; actor: string; body: Record<string, unknown>; event_id: string }>(`SELECT seq::int AS seq, ts, actor, body, event_id FROM handrail_events WHERE incident_id = $1 AND seq > $2${only} ORDER BY seq LIMIT $3`, types ? [incidentId, afterSeq, limit, types] : [incidentId, afterSeq, limit]);
  return r.rows.map((row) => ({ event: { seq: row.seq, ts: row.ts.toISOString(), ...row.body, eid: row.event_id } as IncidentEvent, actor: row.actor }));
}

/** The ids of an incident's events in the store, each with its type (to find what a local file holds that the store lacks, and who drove since). */
export async function storedIds(client: Client, incidentId: string): Promise<Map<string, string>> {
  const r = await client.query<{ event_id: string; type: string }>("SELECT event_id, type FROM handrail_events WHERE incident_id = $1", [incidentId]);
  return new Map(r.rows.map((row) => [row.event_id, row.type]));
}

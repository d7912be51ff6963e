/** The store's incidents with their driver and status, newest first (`handrail incidents --store`). */
import type { Client } from "pg";
import { FOLLOW_TAG, incidentKey } from "./follow.js";

export interface StoreIncident {
  id: string;
  runbook: string;
  title: string;
  /** The last severity set (opened, or changed since). */
  severity: string;
  status: "open" | "resolved";
  /** Who drives now (a live lease); absent when nobody does. */
  driver?: string;
  /** Who follows it now (connected followers), each once. */
  followers: string[];
  driverSince?: string;
  openedAt: string;
  lastEventAt: string;
  events: number;
}

const LIST = `
  SELECT o.incident_id AS id,
         o.body->'runbook'->>'id' AS runbook,
         o.body->'runbook'->>'title' AS title,
         coalesce((SELECT s.body->>'to' FROM handrail_events s WHERE s.incident_id = o.incident_id AND s.type = 'severity.changed' ORDER BY s.seq DESC LIMIT 1), o.body->>'severity') AS severity,
         EXISTS (SELECT 1 FROM handrail_events r WHERE r.incident_id = o.incident_id AND r.type = 'incident.resolved') AS resolved,
         last.seq::int AS events, last.ts AS last_at, o.ts AS opened_at,
         CASE WHEN l.expires_at > now() THEN l.holder END AS driver,
         CASE WHEN l.expires_at > now() THEN l.since END AS driver_since
  FROM handrail_events o
  CROSS JOIN LATERAL (SELECT e.seq, e.ts FROM handrail_events e WHERE e.incident_id = o.incident_id ORDER BY e.seq DESC LIMIT 1) last
  LEFT JOIN handrail_leases l ON l.incident_id = o.incident_id
  WHERE o.type = 'incident.opened'
  ORDER BY o.ts DESC
  LIMIT $1`;

interface Row {
  id: string;
  runbook: string;
  title: string;
  severity: string;
  resolved: boolean;
  events: number;
  last_at: Date;
  opened_at: Date;
  driver: string | null;
  driver_since: Date | null;
}

/** Followers connected now, by incident key (follow.ts names each LISTEN connection after its incident and follower). */
async function followersByKey(client: Client): Promise<Map<string, string[]>> {
  const r = await client.query<{ name: string }>("SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE application_name LIKE $1", [`${FOLLOW_TAG}%`]);
  const by = new Map<string, string[]>();
  for (const { name } of r.rows) {
    const [key, ...who] = name.slice(FOLLOW_TAG.length).split(":");
    const actor = who.join(":");
    if (!key || actor === "") continue;
    const list = by.get(key) ?? [];
    if (!list.includes(actor)) list.push(actor);
    by.set(key, list);
  }
  return by;
}

export async function listIncidents(client: Client, limit = 500): Promise<StoreIncident[]> {
  const r = await client.query<Row>(LIST, [limit]);
  const followers = await followersByKey(client);
  return r.rows.map((row) => ({
    id: row.id,
    runbook: row.runbook,
    title: row.title,
    severity: row.severity,
    status: row.resolved ? "resolved" : "open",
    ...(row.driver ? { driver: row.driver } : {}),
    ...(row.driver_since ? { driverSince: row.driver_since.toISOString() } : {}),
    followers: (followers.get(incidentKey(row.id)) ?? []).sort(),
    openedAt: row.opened_at.toISOString(),
    lastEventAt: row.last_at.toISOString(),
    events: row.events,
  }));
}

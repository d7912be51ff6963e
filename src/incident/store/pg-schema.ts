/**
 * The shared store's schema, versioned in handrail_schema. `handrail store init` migrates in one
 * transaction under an advisory lock (idempotent: running it twice changes nothing); opening a
 * store only checks the version and never migrates on its own.
 */
import type { Client } from "pg";
import { StoreError, type PostgresTarget } from "./url.js";

export const SCHEMA_VERSION = 1;

/** An arbitrary constant: two `store init` at once take turns. */
const INIT_LOCK = 7_320_411_020;

const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE handrail_events (
        incident_id text NOT NULL,
        seq bigint NOT NULL CHECK (seq > 0),
        ts timestamptz NOT NULL,
        type text NOT NULL,
        actor text NOT NULL,
        body jsonb NOT NULL,
        -- Who wrote it and its local seq there: a replay after an outage inserts nothing twice.
        event_id text NOT NULL UNIQUE,
        stored_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (incident_id, seq)
      );
      CREATE INDEX handrail_events_opened ON handrail_events (ts) WHERE type = 'incident.opened';
      CREATE TABLE handrail_leases (
        incident_id text PRIMARY KEY,
        holder text NOT NULL,
        holder_id text NOT NULL,
        since timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        -- Someone asking the driver to hand over (pg-handover.ts): cleared by the driver's answer.
        request_by text,
        request_by_id text,
        request_at timestamptz
      );`,
  },
];

/** Create or migrate the schema; returns the version found and the version now. */
export async function initSchema(client: Client, target: PostgresTarget): Promise<{ from: number; to: number }> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [INIT_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS handrail_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now(), handrail text NOT NULL)");
    const from = Number((await client.query<{ v: number }>("SELECT coalesce(max(version), 0) AS v FROM handrail_schema")).rows[0]?.v ?? 0);
    if (from > SCHEMA_VERSION) throw newerSchema(from, target);
    for (const m of MIGRATIONS.filter((x) => x.version > from)) {
      await client.query(m.sql);
      await client.query("INSERT INTO handrail_schema (version, handrail) VALUES ($1, $2)", [m.version, versionOfHandrail()]);
    }
    await client.query("COMMIT");
    return { from, to: Math.max(from, SCHEMA_VERSION) };
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  }
}

declare const HANDRAIL_VERSION: string | undefined;
function versionOfHandrail(): string {
  return typeof HANDRAIL_VERSION === "string" ? HANDRAIL_VERSION : "0.0.0-dev";
}

function newerSchema(found: number, target: PostgresTarget): StoreError {
  return new StoreError(`the store at ${target.where} has schema version ${found}, newer than this handrail knows (${SCHEMA_VERSION}): upgrade handrail`, "schema");
}

/** Refuse a store whose schema is missing, older or newer than this binary's: never a silent migration. */
export async function checkSchema(client: Client, target: PostgresTarget): Promise<void> {
  let found: number;
  try {
    found = Number((await client.query<{ v: number }>("SELECT coalesce(max(version), 0) AS v FROM handrail_schema")).rows[0]?.v ?? 0);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "42P01") {
      // Missing, or only out of this role's sight (another schema, no USAGE, not on search_path): say which.
      const elsewhere = (await client.query<{ nspname: string }>("SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'handrail_schema' LIMIT 1")).rows[0];
      if (elsewhere) throw new StoreError(`the store at ${target.where} has handrail's tables in schema "${elsewhere.nspname}", which this role cannot use: grant USAGE on it and put it on the role's search_path (README, Working as a team)`, "refused");
      found = 0;
    } else if (code === "42501") throw new StoreError(`the store at ${target.where} does not let this role read handrail_schema: grant it as the README says (Working as a team)`, "refused");
    else throw e;
  }
  const init = `run handrail store init --store '${target.shown}'`;
  if (found === 0) throw new StoreError(`the store at ${target.where} has no handrail schema: ${init}`, "schema");
  if (found < SCHEMA_VERSION) throw new StoreError(`the store at ${target.where} has schema version ${found}, this handrail needs ${SCHEMA_VERSION}: ${init}`, "schema");
  if (found > SCHEMA_VERSION) throw newerSchema(found, target);
}

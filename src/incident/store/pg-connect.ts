/**
 * Connecting to the shared store with the maintained `pg` client, loaded lazily (its own chunk in
 * the bundle: the local-file store never parses it). Every failure becomes one masked line.
 */
import { readFileSync } from "node:fs";
import type { Client, ClientConfig } from "pg";
import type { ConnectionOptions } from "node:tls";
import { maskSecrets, StoreError, type PostgresTarget } from "./url.js";

type PgModule = typeof import("pg");
let loaded: Promise<PgModule> | undefined;

/** The pg module (CommonJS: its API is the default export once bundled). */
export function loadPg(): Promise<PgModule> {
  loaded ??= import("pg").then((m) => ((m as unknown as { default?: PgModule }).default ?? m) as PgModule);
  return loaded;
}

function readPem(target: PostgresTarget, param: "sslrootcert" | "sslcert" | "sslkey"): string | undefined {
  const file = target[param];
  if (!file) return undefined;
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new StoreError(`store URL ${target.shown}: ${param} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, "usage");
  }
}

/** TLS options for the URL's sslmode, with libpq's meanings (require with a root certificate verifies it, as libpq does). */
function sslOf(target: PostgresTarget): ClientConfig["ssl"] {
  if (target.sslmode === "disable") {
    if (target.sslcert || target.sslkey || target.sslrootcert) throw new StoreError(`store URL ${target.shown}: certificates given but sslmode=disable`, "usage");
    return false;
  }
  const ca = readPem(target, "sslrootcert");
  const cert = readPem(target, "sslcert");
  const key = readPem(target, "sslkey");
  const tls: ConnectionOptions = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  const mode = target.sslmode === "require" && ca ? "verify-ca" : target.sslmode;
  if (mode === "require") return { ...tls, rejectUnauthorized: false };
  if (mode === "verify-ca") return { ...tls, rejectUnauthorized: true, checkServerIdentity: () => undefined };
  return { ...tls, rejectUnauthorized: true };
}

export function clientConfig(target: PostgresTarget, applicationName = "handrail"): ClientConfig {
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    ...(target.user ? { user: target.user } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    ssl: sslOf(target),
    connectionTimeoutMillis: target.connectTimeoutMs,
    // A network that drops packets silently must not hang an append: the query fails, the store goes offline.
    query_timeout: 10_000,
    keepAlive: true,
    application_name: applicationName,
  };
}

/** Connection-level codes: the link is gone or was never there (go offline, retry later). */
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "57P01", "57P02", "57P03"]);

/** Whether an error means the connection is unusable (as opposed to the server refusing one statement). */
export function isConnectionError(e: unknown): boolean {
  const err = e as { code?: string; message?: string; errors?: unknown[] };
  if (err.code && (CONNECTION_CODES.has(err.code) || err.code.startsWith("08"))) return true;
  if (Array.isArray(err.errors) && err.errors.some(isConnectionError)) return true;
  return /Connection terminated|connection timeout|Query read timeout|Client has encountered a connection error|not queryable|ended/i.test(err.message ?? "");
}

/** One line for an error: the server's own message or the system's, the password masked. */
export function errorText(e: unknown, target: PostgresTarget): string {
  const err = e as { message?: string; code?: string; errors?: Array<{ message?: string }> };
  // Node's happy-eyeballs connect fails with an AggregateError whose own message is empty.
  const text = err.message || err.errors?.map((x) => x.message).filter(Boolean).join("; ") || err.code || String(e);
  return maskSecrets(text.split("\n")[0]!, target.secrets);
}

/** Why a connection attempt failed, as the one line the operator reads (exit 2 at start). */
export function connectFailure(e: unknown, target: PostgresTarget): StoreError {
  const text = errorText(e, target);
  const code = (e as { code?: string }).code ?? "";
  // 28xxx: invalid authorization (wrong password, no such role, pg_hba); 3D000: no such database; 42501: no privilege.
  if (code.startsWith("28") || code === "3D000" || code === "42501") return new StoreError(`the store at ${target.where} refused the connection: ${text} (${target.shown})`, "refused");
  if (!isConnectionError(e) && /SSL|certificate|self.signed|TLS/i.test(text)) return new StoreError(`the store at ${target.where}: TLS failed: ${text} (${target.shown})`, "refused");
  return new StoreError(`cannot reach the store at ${target.host}:${target.port}: ${text} (${target.shown})`, "unreachable");
}

/** A connected client; errors after connecting are reported to onLost instead of crashing the process. */
export async function connectClient(target: PostgresTarget, onLost: (e: Error) => void, applicationName?: string): Promise<Client> {
  const pg = await loadPg();
  const client = new pg.Client(clientConfig(target, applicationName));
  // pg emits 'error' on an idle client when the server goes away; without a listener that would throw.
  client.on("error", onLost);
  try {
    await client.connect();
  } catch (e) {
    client.removeListener("error", onLost);
    client.on("error", () => undefined);
    void client.end().catch(() => undefined);
    throw connectFailure(e, target);
  }
  return client;
}

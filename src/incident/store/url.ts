/**
 * Store URLs: `postgres://user:password@host:port/database?sslmode=…`. The password never reaches
 * the screen, a log or an error: every message about a store goes through maskSecrets().
 */
export class StoreError extends Error {
  constructor(
    message: string,
    /** unreachable: network; refused: the server said no (login, permissions); schema: store init needed; usage: a bad URL. */
    readonly kind: "unreachable" | "refused" | "schema" | "usage",
  ) {
    super(message);
    this.name = "StoreError";
  }
}

export const SSL_MODES = ["disable", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface PostgresTarget {
  kind: "postgres";
  host: string;
  port: number;
  database: string;
  user?: string;
  password?: string;
  sslmode: SslMode;
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  connectTimeoutMs: number;
  /** The URL with its password masked: the only form ever shown. */
  shown: string;
  /** host:port/database, for one-line messages. */
  where: string;
  /** Values to mask in any text about this store (the password, raw and URL-encoded). */
  secrets: string[];
}

export const MASKED = "***";
const PARAMS = ["sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout"];

/** Every occurrence of a secret in text replaced by ***: the one masking function for store messages. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first: an encoded form may contain the raw one.
  for (const s of [...secrets].filter((x) => x.length > 0).sort((a, b) => b.length - a.length)) out = out.split(s).join(MASKED);
  return out;
}

/**
 * A URL's password replaced by *** (what `handrail config` and every message show). Works on text
 * that is not a valid URL too: everything between the user name and the last @ is the password
 * (a raw @ or / in it included), and a `password=` parameter is masked as well.
 */
export function maskUrl(raw: string): string {
  const out = raw.replace(/([?&]password=)[^&#]*/gi, `$1${MASKED}`);
  const scheme = out.indexOf("://");
  if (scheme < 0) return out;
  const rest = out.slice(scheme + 3);
  const at = rest.lastIndexOf("@");
  const colon = rest.indexOf(":");
  if (at < 0 || colon < 0 || colon > at) return out;
  return `${out.slice(0, scheme + 3)}${rest.slice(0, colon)}:${MASKED}@${rest.slice(at + 1)}`;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parse a postgres:// URL; anything unclear is a StoreError("usage") naming the URL with its password masked. */
export function parseStoreUrl(raw: string, env: Readonly<Record<string, string | undefined>> = {}): PostgresTarget {
  const shown = maskUrl(raw);
  const bad = (why: string) => new StoreError(`store URL ${shown}: ${why}`, "usage");
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw bad("not a URL (expected postgres://user:password@host:5432/database)");
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") throw bad(`unknown scheme ${u.protocol.replace(/:$/, "")}: (handrail stores: postgres://…, or no URL for the local file)`);
  for (const key of u.searchParams.keys()) if (!PARAMS.includes(key)) throw bad(`unknown parameter ${key} (handrail reads ${PARAMS.join(", ")})`);
  const mode = u.searchParams.get("sslmode") ?? "disable";
  if (mode === "prefer" || mode === "allow") throw bad(`sslmode=${mode} may fall back to an unencrypted connection; say sslmode=require (or verify-full) or sslmode=disable`);
  if (!(SSL_MODES as readonly string[]).includes(mode)) throw bad(`sslmode=${mode}: expected ${SSL_MODES.join(" | ")}`);
  const timeout = u.searchParams.get("connect_timeout");
  if (timeout !== null && !/^[1-9][0-9]*$/.test(timeout)) throw bad(`connect_timeout=${timeout}: expected whole seconds`);
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost";
  const port = u.port ? Number(u.port) : 5432;
  const database = decode(u.pathname.replace(/^\//, "")) || "postgres";
  if (database.includes("/")) throw bad("the path must be one database name");
  const password = u.password ? decode(u.password) : undefined;
  const fromEnv = env.PGPASSWORD;
  const secrets = [password, u.password, fromEnv].filter((s): s is string => s !== undefined && s !== "");
  const opt = (k: string) => u.searchParams.get(k) ?? undefined;
  return {
    kind: "postgres",
    host,
    port,
    database,
    ...(u.username ? { user: decode(u.username) } : {}),
    ...(password !== undefined ? { password } : {}),
    sslmode: mode as SslMode,
    ...(opt("sslrootcert") ? { sslrootcert: opt("sslrootcert")! } : {}),
    ...(opt("sslcert") ? { sslcert: opt("sslcert")! } : {}),
    ...(opt("sslkey") ? { sslkey: opt("sslkey")! } : {}),
    connectTimeoutMs: timeout ? Number(timeout) * 1000 : 5000,
    shown: maskSecrets(shown, secrets),
    where: `${host.includes(":") ? `[${host}]` : host}:${port}/${database}`,
    secrets,
  };
}

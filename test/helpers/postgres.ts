/**
 * A private PostgreSQL server for tests (ENVIRONMENT.md): initdb into a temp directory owned by the
 * postgres user (initdb and postgres refuse root), password auth over TCP, 127.0.0.1 and a free
 * port only, the socket inside the temp directory. stop() and start() again for outage tests;
 * destroy() in afterAll stops it and removes the directory. A test file takes one through
 * sharedPostgres(), which registers those hooks; the benchmarks call startPostgres() themselves.
 */
import { execa } from "execa";
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, type TestContext } from "vitest";
import { SharedStore } from "../../src/incident/store/pg-store.js";

export const PG_PASSWORD = "hr-test-Secret-42";

export interface PgServer {
  /** postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  dir: string;
  /** A URL for another database or user on this server. */
  urlFor(opts: { user?: string; password?: string; database?: string }): string;
  /** Run SQL as the superuser through psql (for setting up roles and databases). */
  psql(sql: string, database?: string): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export type PgStart = { server: PgServer } | { skip: string };

function pgBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin/initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : undefined;
}

/** A port nobody listens on right now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface PgOptions {
  /** Serve TLS with these PEM files (copied in, the key made the postgres user's own, mode 0600). */
  tls?: { cert: string; key: string; ca: string };
  /** pg_hba.conf lines put before the default ones (first match wins), e.g. client-certificate auth. */
  hba?: string[];
  /** More than the default 100 connections (each follower holds two). */
  maxConnections?: number;
}

/** Start the server, or say why it cannot start here; under CI=true not starting is a failure. */
export async function startPostgres(opts: PgOptions = {}): Promise<PgStart> {
  const why = (reason: string): PgStart => {
    if (process.env.CI === "true") throw new Error(`CI needs PostgreSQL for these tests, but ${reason}`);
    return { skip: reason };
  };
  const bin = pgBin();
  if (!bin) return why("PostgreSQL is not installed (apt-get install postgresql)");
  if (process.getuid?.() !== 0) return why("starting a private PostgreSQL as the postgres user needs root here");
  const ids = await execa("id", ["-u", "postgres"], { reject: false });
  if (ids.exitCode !== 0) return why("there is no postgres user");
  const uid = Number(ids.stdout.trim());
  const gid = Number((await execa("id", ["-g", "postgres"])).stdout.trim());

  // Short path: the socket path must fit in 107 bytes.
  const dir = mkdtempSync("/tmp/hrpg-");
  chownSync(dir, uid, gid);
  const data = path.join(dir, "data");
  const pwfile = path.join(dir, "pw");
  writeFileSync(pwfile, `${PG_PASSWORD}\n`, { mode: 0o600 });
  chownSync(pwfile, uid, gid);
  const asPostgres = (cmd: string, args: string[]) => execa("runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args], { cwd: dir, reject: false, stdin: "ignore" });
  const init = await asPostgres("initdb", ["-D", data, "-U", "postgres", "--pwfile", pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8", "--locale=C"]);
  rmSync(pwfile, { force: true });
  if (init.exitCode !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return why(`initdb failed: ${init.stderr.split("\n").slice(-3).join(" ")}`);
  }
  if (opts.hba) {
    const hba = path.join(data, "pg_hba.conf");
    writeFileSync(hba, `${opts.hba.join("\n")}\n${readFileSync(hba, "utf8")}`);
  }
  let tlsFlags = "";
  if (opts.tls) {
    for (const [name, from] of Object.entries(opts.tls)) {
      const to = path.join(dir, `tls-${name}.pem`);
      copyFileSync(from, to);
      chmodSync(to, 0o600);
      chownSync(to, uid, gid);
    }
    tlsFlags = ` -c ssl=on -c ssl_cert_file=${dir}/tls-cert.pem -c ssl_key_file=${dir}/tls-key.pem -c ssl_ca_file=${dir}/tls-ca.pem`;
  }
  const port = await freePort();
  const ctl = (args: string[]) => asPostgres("pg_ctl", ["-D", data, ...args]);
  let running = false;
  const start = async () => {
    const r = await ctl(["-l", path.join(dir, "server.log"), "-o", `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off${opts.maxConnections ? ` -c max_connections=${opts.maxConnections}` : ""}${tlsFlags}`, "-w", "-t", "30", "start"]);
    if (r.exitCode !== 0) throw new Error(`pg_ctl start failed: ${r.stderr || r.stdout}`);
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    const r = await ctl(["-m", "fast", "-w", "-t", "30", "stop"]);
    if (r.exitCode !== 0) throw new Error(`pg_ctl stop failed: ${r.stderr || r.stdout}`);
    running = false;
  };
  try {
    await start();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return why((e as Error).message);
  }
  const urlFor = (o: { user?: string; password?: string; database?: string }) =>
    `postgres://${encodeURIComponent(o.user ?? "postgres")}:${encodeURIComponent(o.password ?? PG_PASSWORD)}@127.0.0.1:${port}/${encodeURIComponent(o.database ?? "postgres")}`;
  const psql = async (sql: string, database = "postgres") => {
    const r = await execa("runuser", ["-u", "postgres", "--", path.join(bin, "psql"), "-h", dir, "-p", String(port), "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql], { cwd: dir, reject: false, stdin: "ignore" });
    if (r.exitCode !== 0) throw new Error(`psql failed: ${r.stderr}`);
    return r.stdout;
  };
  return {
    server: {
      url: urlFor({}),
      port,
      dir,
      urlFor,
      psql,
      start,
      stop,
      destroy: async () => {
        try {
          await stop();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
  };
}

export interface SharedPostgres {
  /** The server for the calling test, or the test skipped with why there is none. */
  need(t: Pick<TestContext, "skip">): PgServer;
  /** The server, for a helper called from a test that already has it; throws when there is none. */
  readonly server: PgServer;
}

/**
 * One private server for the whole test file: started in beforeAll (with `store init` on its
 * default database unless `init: false`, then `setup`), destroyed in afterAll. `options` is called
 * in beforeAll, so it may make the files it names (a test PKI).
 */
export function sharedPostgres(opts: { init?: boolean; options?: () => PgOptions | Promise<PgOptions>; setup?: (server: PgServer) => Promise<void> } = {}): SharedPostgres {
  let server: PgServer | undefined;
  let skip = "PostgreSQL has not started (beforeAll failed)";
  beforeAll(async () => {
    const s = await startPostgres(await opts.options?.());
    if ("skip" in s) {
      skip = s.skip;
      return;
    }
    server = s.server;
    if (opts.init !== false) await SharedStore.init(server.url);
    await opts.setup?.(server);
  });
  afterAll(async () => server?.destroy());
  return {
    need: (t) => server ?? t.skip(skip),
    get server() {
      if (!server) throw new Error(`no PostgreSQL: ${skip}`);
      return server;
    },
  };
}

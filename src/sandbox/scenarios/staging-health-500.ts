/**
 * deployment-failure drill: a staging deploy whose health check answers 500. Postgres was
 * restarted under the freshly deployed api, whose connection pool kept the dead connections;
 * /health stays 500 until the api process is restarted (the runbook's `restart` or `restart-all`;
 * the manual rollback's down and up restarts it too, though its own check fails: same image).
 * Rolling a migration back breaks the schema the api needs; checking dependencies or reading logs
 * changes nothing. The staging server is the drill's simulated host, its database answers psql
 * as PostgreSQL would what reached it (psql.ts), so a command mangled by ssh shows.
 */
import { writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { ComposeProject, type ServiceState } from "./compose-project.js";
import { answerPsql, psqlTable } from "./psql.js";
import type { HostReply } from "./simulated-host.js";
import { startSimulatedHost } from "./simulated-host.js";
import type { DrillHealth, DrillWorld, Scenario } from "./types.js";

const HOST = "deploy@staging.drill";
const SERVICE = "api";
const VERSION = "1.4.0";
const DEPLOYMENT = "deploy-staging-4711";
const DB = "azora_staging";
const MIGRATIONS = ["20261019_create_invoices", "20261102_add_orders_index", "20261128_add_invoice_status"];

interface StagingApi {
  compose: ComposeProject;
  /** The api process holds only dead connections (the incident). */
  poolDead: boolean;
  /** Still starting: answers 503 until the drill's next tick. */
  booting: boolean;
  applied: string[];
}

const worlds = new WeakMap<DrillWorld, StagingApi>();

/** What /health answers, from the state the operator's commands left. */
function healthOf(s: StagingApi): { status: number; error?: string } {
  const api = s.compose.service(SERVICE);
  if (!api.running) return { status: 502, error: "502 Bad Gateway: upstream api is not running" };
  if (s.booting) return { status: 503, error: "starting" };
  if (s.applied.length < MIGRATIONS.length) return { status: 500, error: `schema mismatch: migration ${MIGRATIONS[s.applied.length]} is not applied` };
  if (s.poolDead) return { status: 500, error: "database connection pool exhausted (0/20 connections usable)" };
  return { status: 200 };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(`${JSON.stringify(body)}\n`);
}

function apiHandler(s: StagingApi) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const h = healthOf(s);
    const ts = new Date().toISOString();
    if (url.pathname === "/health") {
      if (h.status !== 200 && s.compose.service(SERVICE).running) s.compose.log(SERVICE, `${ts} ERROR GET /health ${h.status}: ${h.error ?? ""}`);
      return json(res, h.status, h.status === 200 ? { status: "ok", version: VERSION, database: "ok", redis: "ok" } : { status: "error", error: h.error });
    }
    if (url.pathname === "/version") {
      return s.compose.service(SERVICE).running ? json(res, 200, { version: VERSION, deployment: DEPLOYMENT }) : json(res, 502, { error: h.error });
    }
    json(res, 404, { error: "not found" });
  };
}

function npm(s: StagingApi, script: string): HostReply {
  const out = (stdout: string, exitCode = 0): HostReply => ({ stdout: `\n> azora-api@${VERSION} ${script}\n\n${stdout}`, exitCode });
  switch (script) {
    case "migrate:status":
      return out(MIGRATIONS.map((m) => `${s.applied.includes(m) ? "up  " : "down"}  ${m}`).join("\n") + "\n");
    case "migrate:up": {
      const pending = MIGRATIONS.filter((m) => !s.applied.includes(m));
      s.applied = [...MIGRATIONS];
      return out(pending.length ? pending.map((m) => `migrated ${m}`).join("\n") + "\n" : "No pending migrations.\n");
    }
    case "migrate:down": {
      const last = s.applied.pop();
      return out(last ? `reverted ${last}\n` : "Nothing to revert.\n");
    }
    // A fresh process with a fresh connection: these pass even while the running api's pool is dead.
    case "check:db":
      return out(`postgres staging-db:5432/${DB}: connected in 4 ms\n`);
    case "check:redis":
      return out("redis staging-redis:6379: PONG\n");
    case "check:external-services":
    case "check:services":
      return out("payments-sandbox: 200 in 81 ms\nmailer: 200 in 42 ms\n");
    default:
      return { stderr: `npm ERR! Missing script: "${script}"\n`, exitCode: 1 };
  }
}

/** The staging database's answers to the SQL the runbook sends (psql.ts turns anything else into a syntax error). */
function query(s: StagingApi, sql: string): string | undefined {
  if (sql === "\\dt") return psqlTable(["Schema", "Name", "Type", "Owner"], ["invoices", "migrations", "orders"].map((t) => ["public", t, "table", "postgres"])).replace(/^/, "           List of relations\n");
  if (/^SELECT \* FROM pg_stat_activity;?$/i.test(sql)) {
    return psqlTable(["datid", "datname", "pid", "usename", "application_name", "state", "query"], [
      ["16384", DB, "412", "azora", "azora-api", "idle", "COMMIT"],
      ["16384", DB, "977", "postgres", "psql", "active", "SELECT * FROM pg_stat_activity;"],
    ]);
  }
  const limit = /^SELECT \* FROM migrations ORDER BY executed_at DESC LIMIT (\d+);?$/i.exec(sql);
  if (limit) return psqlTable(["id", "name", "status", "executed_at"], s.applied.map((m, i) => [String(i + 1), m, "completed", `${m.slice(0, 4)}-${m.slice(4, 6)}-${m.slice(6, 8)} 10:0${i}:00+00`]).reverse().slice(0, Number(limit[1])));
  if (/^SELECT pg_size_pretty\(pg_database_size\(current_database\(\)\)\);?$/i.test(sql)) return psqlTable(["pg_size_pretty"], [["48 MB"]]);
  if (/^SELECT 1;?$/i.test(sql)) return psqlTable(["?column?"], [["1"]]);
  return undefined;
}

function exec(s: StagingApi) {
  return (svc: ServiceState, argv: string[]): HostReply | undefined => {
    const [cmd, ...args] = argv;
    if (svc.name === SERVICE && cmd === "npm" && args[0] === "run" && args[1]) return npm(s, args[1]);
    if (svc.name === SERVICE && cmd === "env") return { stdout: `NODE_ENV=staging\nDATABASE_URL=postgres://azora@staging-db:5432/${DB}\nDATABASE_POOL_SIZE=20\nREDIS_URL=redis://staging-redis:6379\n` };
    if (svc.name === "postgres" && cmd === "pg_isready") return { stdout: "/var/run/postgresql:5432 - accepting connections\n" };
    if (svc.name === "postgres" && cmd === "psql") return answerPsql(args, (sql) => query(s, sql));
    if (svc.name === "redis" && cmd === "redis-cli") return { stdout: args[0]?.toLowerCase() === "ping" ? "PONG\n" : "# Stats\ntotal_connections_received:212\n" };
    return undefined;
  };
}

function state(world: DrillWorld): StagingApi {
  const s = worlds.get(world);
  if (!s) throw new Error("the staging-health-500 drill was not set up");
  return s;
}

export const stagingHealth500: Scenario = {
  id: "staging-health-500",
  runbook: "deployment-failure",
  title: "staging api answers 500 after deploy",
  briefing:
    `GitHub Actions: deploy-staging ${DEPLOYMENT} failed at "Health checks" — ${SERVICE} ${VERSION} on ${HOST} answers /health with 500. ` +
    "Staging only; QA is blocked. Diagnose on the staging server and get the service healthy. (The staging server is simulated by the drill: ssh and docker-compose on the drill's PATH.)",
  severity: "medium",
  remedy: { diagnose: "staging-health", remediate: "restart" },
  // Restarting every service restarts the api too: heavier than needed, and it heals.
  // The manual rollback restarts the api too (healthy), but its verification fails: the image is the same one.
  alsoFixes: [{ remediate: "restart-all" }, { remediate: "rollback" }],
  async setup(world) {
    // The hooks run only once the operator's commands arrive, after `s` below exists.
    const compose: ComposeProject = new ComposeProject("azora", [
      { name: "postgres", image: "postgres:16-alpine", container: "staging-db", ports: "5432/tcp" },
      { name: "redis", image: "redis:7-alpine", container: "staging-redis", ports: "6379/tcp" },
      { name: SERVICE, image: `azora-api:${VERSION}`, container: "staging-api", ports: "127.0.0.1:3000->3000/tcp" },
    ], {
      onStart: (svc) => {
        if (svc.name !== SERVICE) return;
        s.poolDead = false;
        s.booting = true;
        s.compose.log(SERVICE, `${new Date().toISOString()} INFO azora-api ${VERSION} starting (NODE_ENV=staging)`);
        const off = world.kube.store.onTick(() => {
          off();
          s.booting = false;
          const h = healthOf(s);
          s.compose.log(SERVICE, h.status === 200 ? `${new Date().toISOString()} INFO connected to postgres staging-db:5432/${DB} (pool 20); listening on :3000` : `${new Date().toISOString()} ERROR ${h.error ?? ""}; refusing to serve`);
        });
      },
      onStop: (svc) => {
        // Postgres going away under a running api is how this incident started.
        if (svc.name === "postgres" && s.compose.service(SERVICE).running) s.poolDead = true;
        if (svc.name === SERVICE) s.compose.log(SERVICE, `${new Date().toISOString()} INFO SIGTERM received, draining connections`);
      },
      exec: (svc, argv) => exec(s)(svc, argv),
      health: (svc) => (svc.name !== SERVICE ? "healthy" : s.booting ? "health: starting" : healthOf(s).status === 200 ? "healthy" : "unhealthy"),
    });
    const s: StagingApi = { compose, poolDead: true, booting: false, applied: [...MIGRATIONS] };
    const deployedAt = Date.now() - 9 * 60_000;
    s.compose.bootstrap(["postgres", "redis", SERVICE], deployedAt);
    const at = (min: number) => new Date(deployedAt + min * 60_000).toISOString();
    s.compose.log(SERVICE, `${at(0)} INFO azora-api ${VERSION} starting (NODE_ENV=staging)`);
    s.compose.log(SERVICE, `${at(0.1)} INFO connected to postgres staging-db:5432/${DB} (pool 20); listening on :3000`);
    s.compose.log("postgres", `${at(0.3)} LOG:  received fast shutdown request (minor upgrade by the deploy)`);
    s.compose.log("postgres", `${at(0.5)} LOG:  database system is ready to accept connections`);
    for (let i = 1; i <= 6; i++) {
      s.compose.log(SERVICE, `${at(0.3 + i)} ERROR pg: Connection terminated unexpectedly (pool client ${i})`);
      s.compose.log(SERVICE, `${at(0.4 + i)} ERROR GET /health 500: database connection pool exhausted (0/20 connections usable)`);
    }
    worlds.set(world, s);
    const host = await startSimulatedHost(world, { sshHosts: [HOST], run: (cmd) => s.compose.run(cmd) });
    await writeFile(path.join(host.home, ".env"), `NODE_ENV=staging\nDATABASE_URL=postgres://azora@staging-db:5432/${DB}\nREDIS_URL=redis://staging-redis:6379\n`);
    await writeFile(path.join(host.home, "docker-compose.yml"), `services:\n  postgres: { image: postgres:16-alpine, container_name: staging-db }\n  redis: { image: redis:7-alpine, container_name: staging-redis }\n  api: { image: azora-api:${VERSION}, container_name: staging-api, ports: ["127.0.0.1:3000:3000"] }\n`);
    const api = await world.serve("staging-api", apiHandler(s));
    return {
      environment: "staging",
      host: HOST,
      service: SERVICE,
      deployment_id: DEPLOYMENT,
      db_container: "staging-db",
      db_name: DB,
      health_url: `${api}/health`,
      version_url: `${api}/version`,
    };
  },
  health(world): DrillHealth {
    const s = state(world);
    const h = healthOf(s);
    const restarts = s.compose.service(SERVICE).starts - 1;
    return h.status === 200
      ? { healthy: true, detail: `${SERVICE} /health 200 on ${HOST} (restarted ${restarts}×)` }
      : { healthy: false, detail: `${SERVICE} /health ${h.status}: ${h.error ?? ""}` };
  },
};

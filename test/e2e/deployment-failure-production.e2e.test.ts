/**
 * deployment-failure on a production migration failure, walked headless through the built binary
 * (`handrail run`, not a drill) against a simulated production host: the drill's own ssh stand-in
 * (it runs the remote command with `sh -c "$*"`, as OpenSSH does) and docker host, real gzip files
 * as backups. The backup gate decides what the remediation offers; the production targets are
 * checked before anything reaches the server.
 */
import { readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { startDrill, type Drill } from "../../src/sandbox/drill.js";
import { ComposeProject } from "../../src/sandbox/scenarios/compose-project.js";
import { answerPsql, parsePsql, psqlTable } from "../../src/sandbox/scenarios/psql.js";
import { startSimulatedHost, type HostCommand, type HostReply } from "../../src/sandbox/scenarios/simulated-host.js";
import type { Scenario } from "../../src/sandbox/scenarios/types.js";
import { runCli, scratchDir, type CliResult } from "../helpers/cli.js";

const HOST = "deploy@prod.drill";
const GOOD = ["20261019_create_invoices", "20261102_add_orders_index"];
const FAILED = "20261203_split_invoice_status";

/** The production host as the runbook's commands leave it. */
interface Prod {
  compose: ComposeProject;
  applied: string[];
  /** The migration that failed half-way and left the database unusable (the incident). */
  failed?: string;
  log: HostCommand[];
  home: string;
  api: string;
}

let prod: Prod | undefined;
let drill: Drill | undefined;
afterEach(async () => {
  await drill?.stop();
  drill = undefined;
  prod = undefined;
});

function healthOf(p: Prod): { status: number; error?: string } {
  if (!p.compose.service("api").running) return { status: 502, error: "upstream api is not running" };
  if (!p.compose.service("postgres").running) return { status: 500, error: "database unreachable" };
  if (p.failed) return { status: 500, error: `migration ${p.failed} failed: relation "invoices" is locked` };
  return { status: 200 };
}

function query(p: Prod, sql: string): string | undefined {
  if (/^SELECT \* FROM pg_stat_activity;?$/i.test(sql)) return psqlTable(["pid", "usename", "state", "wait_event_type", "query"], [["88", "azora", "idle in transaction", "Lock", `ALTER TABLE invoices … (${p.failed ?? "none"})`]]);
  if (/^SELECT \* FROM migrations ORDER BY executed_at DESC LIMIT \d+;?$/i.test(sql)) {
    return psqlTable(["name", "status"], [...(p.failed ? [[p.failed, "failed"]] : []), ...[...p.applied].reverse().map((m) => [m, "completed"])]);
  }
  if (/^SELECT pg_size_pretty\(pg_database_size\(current_database\(\)\)\);?$/i.test(sql)) return psqlTable(["pg_size_pretty"], [["1204 MB"]]);
  return undefined;
}

/** `gunzip < dump | docker exec -i prod-db psql …`: a plain-SQL dump restores the migrations it names. */
function restore(p: Prod, cmd: HostCommand): HostReply {
  const call = parsePsql(cmd.argv.slice(cmd.argv.indexOf("psql") + 1));
  const dump = cmd.stdin ?? "";
  if (!dump.startsWith("--\n-- PostgreSQL database dump")) return { stderr: 'ERROR:  syntax error at or near "\x1f"\n', exitCode: 3 };
  p.applied = [...dump.matchAll(/^-- migration: (\S+)$/gm)].map((m) => m[1]!);
  delete p.failed;
  return { stdout: `SET\nSET\nCREATE TABLE\nCOPY ${p.applied.length}\n${call.singleTransaction ? "COMMIT\n" : ""}` };
}

/** A plain-SQL dump as pg_dump writes it, its completion trailer last (bk-integrity requires it). */
function dumpOf(migrations: string[]): Buffer {
  return gzipSync(`--\n-- PostgreSQL database dump\n--\n\n${migrations.map((m) => `-- migration: ${m}\n`).join("")}CREATE TABLE invoices (id bigint);\n\n--\n-- PostgreSQL database dump complete\n--\n\n`);
}

const productionHost: Scenario = {
  id: "deployment-failure-production-test",
  runbook: "deployment-failure",
  title: "a production migration failed",
  briefing: "",
  severity: "critical",
  remedy: {},
  async setup(world) {
    const compose = new ComposeProject("azora", [
      { name: "postgres", image: "postgres:16-alpine", container: "prod-db" },
      { name: "redis", image: "redis:7-alpine", container: "prod-redis" },
      { name: "api", image: "azora-api:1.5.0", container: "prod-api" },
    ], {
      exec: (svc, argv) => (svc.name === "postgres" && argv[0] === "psql" ? answerPsql(argv.slice(1), (sql) => query(p, sql)) : undefined),
      health: (svc) => (svc.name === "api" && healthOf(p).status !== 200 ? "unhealthy" : "healthy"),
    });
    compose.bootstrap(["postgres", "redis", "api"]);
    const host = await startSimulatedHost(world, {
      sshHosts: [HOST],
      run: (cmd) => {
        // Only a running database container takes a restore; anything else is compose's to answer.
        const into = cmd.argv[0] === "exec" && cmd.stdin !== undefined && cmd.argv.includes("prod-db") && compose.service("postgres").created && compose.service("postgres").running;
        return into ? restore(p, cmd) : compose.run(cmd);
      },
    });
    const api = await world.serve("prod-api", (_req: IncomingMessage, res: ServerResponse) => {
      const h = healthOf(p);
      res.writeHead(h.status, { "content-type": "application/json" });
      res.end(JSON.stringify(h.status === 200 ? { status: "ok" } : { status: "error", error: h.error }));
    });
    const p: Prod = { compose, applied: [...GOOD], failed: FAILED, log: host.log, home: host.home, api };
    prod = p;
    await mkdir(path.join(host.home, "backups"));
    writeFileSync(path.join(host.home, "backups", "azora_prod_20261201.sql.gz"), dumpOf(GOOD.slice(0, 1)));
    writeFileSync(path.join(host.home, "backups", "azora_prod_latest.sql.gz"), dumpOf(GOOD));
    writeFileSync(path.join(host.home, "docker-compose.yml"), "services: {}\n");
    return {};
  },
  health: () => ({ healthy: prod !== undefined && healthOf(prod).status === 200, detail: "" }),
};

interface Walk {
  run: CliResult;
  events: IncidentEvent[];
}

/** `handrail run deployment-failure --yes` on the production host, with these inputs and options. */
async function walk(d: Drill, p: Prod, sets: Record<string, string>, options: Record<string, string>): Promise<Walk> {
  const incidents = scratchDir(onTestFinished);
  const inputs: Record<string, string> = {
    environment: "production", host: HOST, service: "api", deployment_id: "deploy-production-88", db_container: "prod-db", db_name: "azora_prod",
    health_url: `${p.api}/health`, version_url: `${p.api}/version`, public_health_url: `${p.api}/health`, backup_dir: path.join(p.home, "backups"), ...sets,
  };
  const args = ["run", "deployment-failure", "--yes", "--severity", "critical", "--incidents", incidents, ...Object.entries(inputs).flatMap(([k, v]) => (v === "" ? [] : ["--set", `${k}=${v}`])), ...Object.entries(options).flatMap(([k, v]) => ["--option", `${k}=${v}`])];
  // Notifications go to the drill's inbox on 127.0.0.1, never to a real channel.
  const notify = { HANDRAIL_SLACK_WEBHOOK_URL: `${d.inbox.url}/slack/drill-webhook`, HANDRAIL_PAGERDUTY_ROUTING_KEY: "drill-routing-key", HANDRAIL_PAGERDUTY_URL: `${d.inbox.url}/pagerduty/v2/enqueue` };
  const run = await runCli(args, { cwd: d.world.dir, env: { ...d.world.env, ...notify, KUBECONFIG: path.join(incidents, "no-kubeconfig") }, timeoutMs: 50_000 });
  const name = readdirSync(incidents).find((f) => f.endsWith(".jsonl"));
  if (!name) throw new Error(`no incident file:\n${run.stdout}\n${run.stderr}`);
  const events = readFileSync(path.join(incidents, name), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
  return { run, events };
}

const statusOf = (w: Walk, step: string) => w.events.flatMap((e) => (e.type === "step.finished" && e.step === step ? [e.status] : e.type === "step.skipped" && e.step === step ? ["skipped"] : []));
const outputOf = (w: Walk, step: string) => w.events.flatMap((e) => (e.type === "step.output" && e.step === step ? e.lines : [])).join("\n");
/** The commands that reached the server's docker, as `tool argv…`. */
const sent = (p: Prod) => p.log.map((c) => `${c.tool} ${c.argv.join(" ")}`);

describe("deployment-failure: a production migration failure, headless", () => {
  it("a recent, intact backup: the restore is offered, reaches the running database through ssh, and the verification passes", async () => {
    drill = await startDrill(productionHost, { tickMs: 0 });
    const p = prod!;
    const w = await walk(drill, p, {}, { diagnose: "prod-migration", remediate: "restore-backup" });
    expect(w.run.stderr).not.toContain("stopped at");
    // Production: the on-call engineer is paged (the seed's "tag on-call engineer if production").
    expect(statusOf(w, "notify-oncall")).toEqual(["passed"]);
    expect(drill.inbox.received.some((m) => m.path.startsWith("/pagerduty/"))).toBe(true);
    // The production queries reach psql intact (the seed's forms globbed or broke the remote shell).
    expect(outputOf(w, "pm-activity")).toContain("idle in transaction");
    expect(outputOf(w, "pm-migrations")).toMatch(/20261203_split_invoice_status +\| failed/);
    expect(outputOf(w, "pm-size")).toContain("1204 MB");
    expect(outputOf(w, "bk-list")).toMatch(/✓ .*azora_prod_latest\.sql\.gz was written 0 minutes ago/);
    expect(statusOf(w, "bk-integrity")).toEqual(["passed"]);
    // The database is started alone before the restore (the seed piped into the container down had removed).
    expect(sent(p).filter((c) => /^compose (down|up)|^docker exec -i/.test(c))).toEqual([
      "compose down",
      "compose up -d postgres",
      "docker exec -i prod-db psql -v ON_ERROR_STOP=1 --single-transaction -U postgres -d azora_prod",
      "compose up -d",
    ]);
    expect(p.log.find((c) => c.stdin !== undefined)?.stdin).toContain("-- migration: 20261102_add_orders_index");
    expect(p.failed).toBeUndefined();
    for (const step of ["rs-restore", "rs-health", "v-health", "v-public-health", "v-ps"]) expect(statusOf(w, step), step).toEqual(["passed"]);
    expect(w.run.exitCode, w.run.stderr).toBe(0);
  }, 60_000);

  it.each([
    ["corrupt", (file: string) => writeFileSync(file, Buffer.from("this is not gzip")), "bk-integrity"],
    // pg_dump died half-way; gzip closed cleanly (gunzip -t passes).
    ["cut short", (file: string) => writeFileSync(file, gzipSync(gunzipSync(readFileSync(file)).subarray(0, 60))), "bk-integrity"],
    ["three days old", (file: string) => utimesSync(file, new Date(Date.now() - 72 * 3600_000), new Date(Date.now() - 72 * 3600_000)), "bk-list"],
    ["missing", (file: string) => rmSync(file), "bk-list"],
  ])("a %s backup: the restore is not offered, only 'do not proceed'; nothing touches the database and verification fails", async (_what, spoil, failing) => {
    drill = await startDrill(productionHost, { tickMs: 0 });
    const p = prod!;
    spoil(path.join(p.home, "backups", "azora_prod_latest.sql.gz"));
    const refused = await walk(drill, p, {}, { diagnose: "prod-migration", remediate: "restore-backup" });
    expect(refused.run.exitCode).toBe(1);
    expect(refused.run.stderr).toContain("remediate has no option restore-backup now (no-backup)");
    expect(statusOf(refused, failing)).toEqual(["failed"]);
    p.log.length = 0;
    // Without a choice the one option left is taken: escalate; the walk goes on to a verification that fails.
    const w = await walk(drill, p, {}, { diagnose: "prod-migration" });
    expect(w.events.filter((e) => e.type === "option.chosen").map((e) => `${e.phase}=${e.option}`)).toEqual(["diagnose=prod-migration", "remediate=no-backup"]);
    expect(statusOf(w, "v-health")).toEqual(["failed"]);
    expect(w.run.exitCode).toBe(1);
    expect(sent(p).filter((c) => /down|restart|up -d|exec -i|migrate/.test(c))).toEqual([]);
    expect(p.failed).toBe(FAILED);
  }, 90_000);

  it("staging targets for a production incident, or no public health URL: stopped before anything reaches the server", async () => {
    drill = await startDrill(productionHost, { tickMs: 0 });
    const p = prod!;
    const staging = await walk(drill, p, { db_name: "azora_staging", db_container: "staging-db" }, { diagnose: "prod-migration" });
    expect(staging.run.exitCode).toBe(1);
    expect(staging.run.stderr).toContain("stopped at targets (failed)");
    expect(outputOf(staging, "targets")).toMatch(/db_container +staging-db\n +✗ names staging, and this is a production incident/);
    const unverifiable = await walk(drill, p, { public_health_url: "" }, { diagnose: "prod-migration" });
    expect(unverifiable.run.stderr).toContain("stopped at targets (failed)");
    expect(outputOf(unverifiable, "targets")).toContain("✗ a production incident needs public_health_url");
    expect(p.log).toEqual([]);
  }, 60_000);
});

/**
 * deployment-failure's checks that must not pass while what they check is broken. Each test runs the
 * step's own script as shipped, through handrail's executor (real bash, the step's own `expect`),
 * against a real broken state and a real healthy one: gzip files made by a real pg_dump (one killed
 * half-way), a symlink to a dump `touch -d` made old, real curl against a server answering 500.
 * The server is this machine: an `ssh` stand-in runs the remote command here with bash, as sshd's
 * shell would; `docker-compose` is a stand-in whose `exec` runs the command in a directory playing
 * the container (a real `npm run migrate:status` printing what each migration tool prints).
 */
import { execa } from "execa";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { execute } from "../../src/executors/execute.js";
import type { StepResult } from "../../src/executors/types.js";
import { loadRunbookFile } from "../../src/runbooks/load.js";
import { formatProblem } from "../../src/runbooks/problems.js";
import type { Step } from "../../src/runbooks/schema.js";
import { stepById } from "../helpers/drill-incident.js";
import { sharedPostgres } from "../helpers/postgres.js";

const RUNBOOK = path.resolve(import.meta.dirname, "../../runbooks/deployment-failure.yaml");
const loaded = await loadRunbookFile(RUNBOOK, "runbooks/deployment-failure.yaml");
expect(loaded.problems.map(formatProblem)).toEqual([]);
const runbook = loaded.runbook!;

/** One of the runbook's steps, as shipped. */
function step(id: string): Step {
  const found = stepById(runbook, id);
  if (found.run === undefined) throw new Error(`no run step ${id} in deployment-failure`);
  return found;
}

/** A scratch directory: the working directory, the "server" and the stand-ins on PATH. */
function scratch(): { dir: string; bin: string; app: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "handrail-verify-df-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const bin = path.join(dir, "bin");
  const app = path.join(dir, "app");
  mkdirSync(bin);
  mkdirSync(app);
  const shim = (name: string, text: string) => {
    writeFileSync(path.join(bin, name), text);
    chmodSync(path.join(bin, name), 0o755);
  };
  // OpenSSH joins the words after the host with spaces; the server's shell runs the result.
  shim("ssh", `#!/bin/sh\nshift\n[ "$1" = "--" ] && shift\nexec bash -c "$*"\n`);
  // `images` as docker-compose 1.29 prints it (from the file the test writes); `exec -T SERVICE CMD…` runs CMD in the "container".
  shim(
    "docker-compose",
    `#!/bin/sh
case "$1" in
  images) cat ${JSON.stringify(path.join(dir, "images"))} ;;
  exec) shift; [ "$1" = "-T" ] && shift; shift; cd ${JSON.stringify(app)} && exec "$@" ;;
  *) echo "docker-compose stand-in: $1 is not modelled" >&2; exit 1 ;;
esac
`,
  );
  return { dir, bin, app };
}

interface Ran {
  status: StepResult["status"];
  stdout: string;
  stderr: string;
  /** Why the step's checks failed, in handrail's words. */
  reasons: string[];
}

/** Run a step the way handrail does, with these inputs, the stand-ins first on PATH. */
async function run(id: string, where: { dir: string; bin: string }, vars: Record<string, string>): Promise<Ran> {
  const out = { stdout: "", stderr: "" };
  const r = await execute(
    step(id),
    { vars: { host: "deploy@prod.test", service: "api", deployment_id: "deploy-production-88", db_name: "azora_prod", ...vars }, env: { ...process.env, PATH: `${where.bin}:${process.env.PATH ?? "/usr/bin:/bin"}` }, cwd: where.dir, defaultTimeoutMs: 60_000 },
    { onEvent: (e) => void (e.type === "data" && (out[e.stream === "stderr" ? "stderr" : "stdout"] += e.chunk.toString("utf8"))) },
  );
  return { status: r.status, ...out, reasons: r.expectations.filter((e) => !e.passed).map((e) => e.reason ?? e.check) };
}

describe("bk-integrity: a dump pg_dump did not finish is not a backup to restore from", () => {
  const pg = sharedPostgres({
    init: false,
    setup: async (server) => {
      await server.psql("create table invoices (id bigint primary key, customer text, total numeric); insert into invoices select i, 'customer ' || i, i * 1.5 from generate_series(1, 20000) i");
    },
  });

  /** `pg_dump | gzip > file` as a backup job writes it; `cut` bytes lets pg_dump die of SIGPIPE half-way while gzip closes cleanly. */
  async function backup(url: string, file: string, cut?: number): Promise<void> {
    await execa("bash", ["-c", `pg_dump --no-password "$1" ${cut ? `| head -c ${cut}` : ""} | gzip > "$2"`, "backup", url, file]);
  }

  it("a complete dump passes; one cut short by its pg_dump, in a gzip that tests intact, fails and says why", async (t) => {
    const server = pg.need(t);
    const s = scratch();
    const backups = path.join(s.dir, "backups");
    mkdirSync(backups);
    const latest = path.join(backups, "azora_prod_latest.sql.gz");
    const vars = { backup_dir: backups };

    await backup(server.url, latest);
    const complete = await run("bk-integrity", s, vars);
    expect(complete.status, complete.stdout + complete.stderr).toBe("passed");
    expect(complete.stdout).toContain("gzip intact");

    await backup(server.url, latest, 300_000);
    expect((await execa("gunzip", ["-t", latest], { reject: false })).exitCode).toBe(0);
    const partial = await run("bk-integrity", s, vars);
    expect(partial.status, partial.stdout + partial.stderr).toBe("failed");
    expect(partial.stderr).toContain("ends before pg_dump's completion trailer");
  }, 60_000);

  it("a gzip file cut short fails, saying so", async () => {
    const s = scratch();
    const backups = path.join(s.dir, "backups");
    mkdirSync(backups);
    const latest = path.join(backups, "azora_prod_latest.sql.gz");
    await execa("bash", ["-c", `{ printf -- '--\\n-- PostgreSQL database dump\\n--\\n'; seq 1 200000; } | gzip | head -c 20000 > "$1"`, "cut", latest]);
    const r = await run("bk-integrity", s, { backup_dir: backups });
    expect(r.status, r.stdout + r.stderr).toBe("failed");
    expect(r.stderr).toContain("is not an intact gzip file");
  });
});

describe("bk-list: the age of the dump _latest points at, not of the link", () => {
  /** A dated dump whose mtime `touch -d` sets, and `_latest` a symlink to it made just now. */
  async function backups(age: string): Promise<{ s: ReturnType<typeof scratch>; dir: string; target: string }> {
    const s = scratch();
    const dir = path.join(s.dir, "backups");
    mkdirSync(dir);
    const target = path.join(dir, "azora_prod_20261201.sql.gz");
    await execa("bash", ["-c", `printf -- '--\\n-- PostgreSQL database dump\\n' | gzip > "$1"`, "dump", target]);
    await execa("touch", ["-d", age, target]);
    symlinkSync("azora_prod_20261201.sql.gz", path.join(dir, "azora_prod_latest.sql.gz"));
    return { s, dir, target };
  }

  it("_latest re-pointed today at an 8-day-old dump fails", async () => {
    const { s, dir } = await backups("8 days ago");
    const r = await run("bk-list", s, { backup_dir: dir, backup_max_age_hours: "24" });
    expect(r.status, r.stdout + r.stderr).toBe("failed");
    expect(r.stderr).toContain("azora_prod_latest.sql.gz is missing or older than 24 h");
  });

  it("_latest pointing at a dump written 2 hours ago passes, and says the dump's age", async () => {
    const { s, dir } = await backups("2 hours ago");
    const r = await run("bk-list", s, { backup_dir: dir, backup_max_age_hours: "24" });
    expect(r.status, r.stdout + r.stderr).toBe("passed");
    expect(r.stdout).toMatch(/✓ .*azora_prod_latest\.sql\.gz was written 1[12]\d minutes ago/);
  });

  it("_latest pointing at a dump that is gone fails, however new the link", async () => {
    const { s, dir, target } = await backups("2 hours ago");
    rmSync(target);
    await execa("bash", ["-c", `printf -- '--\\n' | gzip > "$1"`, "other", path.join(dir, "azora_prod_20261130.sql.gz")]);
    const r = await run("bk-list", s, { backup_dir: dir, backup_max_age_hours: "24" });
    expect(r.status, r.stdout + r.stderr).toBe("failed");
    expect(r.stderr).toContain("azora_prod_latest.sql.gz is missing or older than 24 h");
  });
});

describe("v-rolled-back: without the image noted before the rollback there is nothing to compare", () => {
  const images = (tag: string) => `Container   Repository   Tag     Image Id       Size\n--------------------------------------------------------\nprod-api    azora-api    ${tag}   3c1b7e0d9f2a   142 MB\n`;
  const record = (dir: string, text: string) => {
    mkdirSync(path.join(dir, "incident-logs"), { recursive: true });
    writeFileSync(path.join(dir, "incident-logs", "deploy-production-88.before-rollback"), text);
  };

  it("no record, the same image running: fails, saying the record is missing", async () => {
    const s = scratch();
    writeFileSync(path.join(s.dir, "images"), images("1.5.0"));
    const r = await run("v-rolled-back", s, {});
    expect(r.status, r.stdout + r.stderr).toBe("failed");
    expect(r.stderr).toContain("incident-logs/deploy-production-88.before-rollback is missing");
  });

  it("an empty record: fails, saying it is empty", async () => {
    const s = scratch();
    writeFileSync(path.join(s.dir, "images"), images("1.5.0"));
    record(s.dir, "");
    const r = await run("v-rolled-back", s, {});
    expect(r.status, r.stdout + r.stderr).toBe("failed");
    expect(r.stderr).toContain("before-rollback is empty");
  });

  it("noted 1.5.0, 1.4.0 running now: passes; 1.5.0 still running: fails", async () => {
    const s = scratch();
    record(s.dir, "prod-api    azora-api    1.5.0   3c1b7e0d9f2a   142 MB\n");
    writeFileSync(path.join(s.dir, "images"), images("1.4.0"));
    const other = await run("v-rolled-back", s, {});
    expect(other.status, other.stdout + other.stderr).toBe("passed");
    writeFileSync(path.join(s.dir, "images"), images("1.5.0"));
    const same = await run("v-rolled-back", s, {});
    expect(same.status, same.stdout + same.stderr).toBe("failed");
    expect(same.stderr).toContain("does not run another image than before the rollback");
  });
});

/**
 * `npm run migrate:status` as each tool prints it: one migration not applied (`pending`), all applied
 * (`applied`). Forms from the tools' own output code: knex's migration lister, TypeORM's
 * MigrationExecutor.showMigrations, sequelize-cli's db:migrate:status, prisma migrate status; `seed`
 * is a project script over the seed's migrations table (status 'completed' or 'failed').
 */
const STATUS: Record<string, { applied: string; pending: string }> = {
  knex: {
    applied: "Using environment: production\nFound 3 Completed Migration file/files.\n20261019_create_invoices.js \n20261102_add_orders_index.js \n20261128_add_invoice_status.js \nNo Pending Migration files Found.\n",
    pending: "Using environment: production\nFound 2 Completed Migration file/files.\n20261019_create_invoices.js \n20261102_add_orders_index.js \nFound 1 Pending Migration file/files.\n20261128_add_invoice_status.js \n",
  },
  typeorm: {
    applied: "query: SELECT * FROM current_schema()\n [X] 1 CreateInvoices1729300000000\n [X] 2 AddOrdersIndex1730500000000\n [X] 3 AddInvoiceStatus1732800000000\n",
    pending: "query: SELECT * FROM current_schema()\n [X] 1 CreateInvoices1729300000000\n [X] 2 AddOrdersIndex1730500000000\n [ ] AddInvoiceStatus1732800000000\n",
  },
  sequelize: {
    applied: 'Sequelize CLI [Node: 20.18.0, CLI: 6.6.2, ORM: 6.37.5]\n\nLoaded configuration file "config/config.js".\nUsing environment "production".\nup 20261019-create-invoices.js\nup 20261102-add-orders-index.js\nup 20261128-add-invoice-status.js\n',
    pending: 'Sequelize CLI [Node: 20.18.0, CLI: 6.6.2, ORM: 6.37.5]\n\nLoaded configuration file "config/config.js".\nUsing environment "production".\nup 20261019-create-invoices.js\nup 20261102-add-orders-index.js\ndown 20261128-add-invoice-status.js\n',
  },
  prisma: {
    applied: 'Prisma schema loaded from prisma/schema.prisma\nDatasource "db": PostgreSQL database "azora_prod"\n\n3 migrations found in prisma/migrations\n\nDatabase schema is up to date!\n',
    pending: 'Prisma schema loaded from prisma/schema.prisma\nDatasource "db": PostgreSQL database "azora_prod"\n\n3 migrations found in prisma/migrations\nFollowing migration have not yet been applied:\n20261128_add_invoice_status\n\nTo apply migrations in production run prisma migrate deploy.\n',
  },
  seed: {
    applied: " id | name                         | status    | executed_at\n  3 | 20261128_add_invoice_status  | completed | 2026-11-28 10:02:00+00\n  2 | 20261102_add_orders_index    | completed | 2026-11-02 10:01:00+00\n",
    pending: " id | name                         | status    | executed_at\n  2 | 20261102_add_orders_index    | completed | 2026-11-02 10:01:00+00\n  - | 20261128_add_invoice_status  | pending   |\n",
  },
};
const FAILED_ROW = " id | name                           | status    | executed_at\n  4 | 20261203_split_invoice_status  | failed    | 2026-12-03 10:04:00+00\n  - | 20261128_add_invoice_status    | pending   |\n";

/** The service's "container": a real `npm run migrate:status` that prints `text` (npm's own banner lines included). */
function migrateStatus(app: string, text: string): void {
  writeFileSync(path.join(app, "status.txt"), text);
  writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "azora-api", version: "1.5.0", private: true, scripts: { "migrate:status": "cat status.txt" } }));
}

describe("rm-status: a migration not applied or failed fails the retry's verification", () => {
  it.each(Object.keys(STATUS))("%s: every migration applied passes, one pending fails", async (tool) => {
    const s = scratch();
    migrateStatus(s.app, STATUS[tool]!.applied);
    const applied = await run("rm-status", s, {});
    expect(applied.status, applied.stdout + applied.stderr).toBe("passed");
    expect(applied.stdout).toContain("> azora-api@1.5.0 migrate:status");
    expect(applied.reasons).toEqual([]);
    migrateStatus(s.app, STATUS[tool]!.pending);
    const pending = await run("rm-status", s, {});
    expect(pending.status, pending.stdout + pending.stderr).toBe("failed");
    expect(pending.reasons.join("\n")).toMatch(/stdout matches/);
  });

  it("a migration whose status is failed fails it", async () => {
    const s = scratch();
    migrateStatus(s.app, FAILED_ROW.replace(/\n.*pending.*\n$/, "\n"));
    const r = await run("rm-status", s, {});
    expect(r.status, r.stdout + r.stderr).toBe("failed");
    expect(r.reasons).toEqual([expect.stringMatching(/^stdout matches \/.*\/: .*failed/)]);
  });
});

describe("rb-status: the rollback is verified only when the status shows a migration reverted and none failed", () => {
  it.each(Object.keys(STATUS))("%s: one migration not applied (the one rolled back) passes; all still applied fails", async (tool) => {
    const s = scratch();
    migrateStatus(s.app, STATUS[tool]!.pending);
    const reverted = await run("rb-status", s, {});
    expect(reverted.status, reverted.stdout + reverted.stderr).toBe("passed");
    expect(reverted.reasons).toEqual([]);
    migrateStatus(s.app, STATUS[tool]!.applied);
    const nothing = await run("rb-status", s, {});
    expect(nothing.status, nothing.stdout + nothing.stderr).toBe("failed");
    expect(nothing.reasons.join("\n")).toMatch(/stdout does not match/);
  });

  it("a migration left failed fails it, even with another one reverted", async () => {
    const s = scratch();
    migrateStatus(s.app, FAILED_ROW);
    const r = await run("rb-status", s, {});
    // The reverted one matched; the failed one fails it.
    expect(r.status, r.stdout + r.stderr).toBe("failed");
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]).toMatch(/^stdout matches \/.*\/: .*failed/);
  });
});

describe("v-version: the version endpoint must answer 2xx", () => {
  async function versionServer(status: number): Promise<string> {
    const server = createServer((_req, res) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(status === 200 ? '{"version":"1.4.0"}\n' : '{"error":"internal"}\n');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/version`;
  }

  it("an HTTP 500 fails (real curl exits 0 on it); a 200 passes", async () => {
    const s = scratch();
    const broken = await run("v-version", s, { version_url: await versionServer(500) });
    expect(broken.status, broken.stdout + broken.stderr).toBe("failed");
    expect(broken.stdout).toMatch(/^HTTP status 500$/m);
    const healthy = await run("v-version", s, { version_url: await versionServer(200) });
    expect(healthy.status, healthy.stdout + healthy.stderr).toBe("passed");
    expect(healthy.stdout).toContain('"version":"1.4.0"');
  });
});

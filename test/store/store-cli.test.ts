/**
 * The shared store from the built binary (dist/handrail.js, `npm run build` first) against a real
 * PostgreSQL: store init, run with --store / HANDRAIL_STORE_URL / store.url, and bad input at start
 * as one line and exit 2 with nothing run (execa strips the last newline of what is read).
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readIncidentFile } from "../../src/incident/log.js";
import { SharedStore } from "../../src/incident/store/pg-store.js";
import { runCli, scratchDir } from "../helpers/cli.js";
import { freePort, PG_PASSWORD, sharedPostgres } from "../helpers/postgres.js";
import { RUNBOOK_TEXT } from "./fixtures.js";

const pg = sharedPostgres({ init: false });

function workdir(t: { onTestFinished: (fn: () => void) => void }): { dir: string; runbook: string; incidents: string } {
  const dir = scratchDir(t.onTestFinished);
  const runbook = path.join(dir, "shared-drill.yaml");
  writeFileSync(runbook, RUNBOOK_TEXT);
  return { dir, runbook, incidents: path.join(dir, "incidents") };
}

const incidentFiles = (dir: string) => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(".jsonl"));
  } catch {
    return [];
  }
};

describe("handrail store init", () => {
  it("creates the schema, then says there is nothing to do; the password is never printed", async (t) => {
    const server = pg.need(t);
    await server.psql("create database cli_init");
    const url = server.urlFor({ database: "cli_init" });
    const first = await runCli(["store", "init", "--store", url]);
    expect(first.stderr).toBe("");
    expect(first.stdout).toBe(`store postgres://postgres:***@127.0.0.1:${server.port}/cli_init: schema created (version 1)`);
    const again = await runCli(["store", "init"], { env: { HANDRAIL_STORE_URL: url } });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain("schema already at version 1: nothing to do");
    expect(first.stdout + again.stdout).not.toContain(PG_PASSWORD);
  });

  it("without a URL: exit 2 and what to give", async () => {
    const r = await runCli(["store", "init"], { env: { HANDRAIL_STORE_URL: undefined } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("handrail: store init needs a store: --store postgres://");
  });
});

describe("handrail run on a shared store", () => {
  it("every event of the walk is in the store, in the local file's order, seq contiguous", async (t) => {
    const server = pg.need(t);
    await server.psql("create database cli_run");
    const url = server.urlFor({ database: "cli_run" });
    expect((await runCli(["store", "init", "--store", url])).exitCode).toBe(0);
    const w = workdir(t);
    const r = await runCli(["--incidents", w.incidents, "run", w.runbook, "--yes", "--store", url], { env: { HANDRAIL_OPERATOR: "alice" } });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`store    postgres://postgres:***@127.0.0.1:${server.port}/cli_run (driving as alice)`);
    const [file] = incidentFiles(w.incidents);
    const local = readIncidentFile(path.join(w.incidents, file!)).events;
    const id = local[0]!.type === "incident.opened" ? local[0]!.incident : "";
    const store = await SharedStore.open(url);
    try {
      const stored = await store.events(id);
      expect(stored.map((e) => e.seq)).toEqual(local.map((_, i) => i + 1));
      expect(stored.map((e) => `${e.type}:${"step" in e ? e.step : ""}`)).toEqual(local.map((e) => `${e.type}:${"step" in e ? e.step : ""}`));
      expect(await server.psql(`select distinct actor from handrail_events where incident_id = '${id}'`, "cli_run")).toBe("alice");
      // The lease was given back when the run ended: the next driver need not wait for it to expire.
      expect(await store.driver(id)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("a walk that stops says how to continue with the same store, its password masked", async (t) => {
    const server = pg.need(t);
    await SharedStore.init(server.url);
    const w = workdir(t);
    writeFileSync(w.runbook, RUNBOOK_TEXT.replace("run: echo later", "run: exit 3"));
    const r = await runCli(["--incidents", w.incidents, "--store", server.url, "run", w.runbook, "--yes"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`Continue with: handrail run --resume \\S+\\.jsonl --store 'postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${server.port}/postgres' --yes`));
    expect(r.stderr + r.stdout).not.toContain(PG_PASSWORD);
  });

  it("the store URL may come from HANDRAIL_STORE_URL or the config file's store.url; a wrong password is the server's message, masked", async (t) => {
    const server = pg.need(t);
    const w = workdir(t);
    const bad = server.urlFor({ password: "Not-The-Pw-9" });
    const fromEnv = await runCli(["--incidents", w.incidents, "run", w.runbook, "--yes"], { env: { HANDRAIL_STORE_URL: bad } });
    const config = path.join(w.dir, "config");
    mkdirSync(path.join(config, "handrail"), { recursive: true });
    writeFileSync(path.join(config, "handrail", "config.yaml"), `store:\n  url: ${bad}\n`);
    const fromConfig = await runCli(["--incidents", w.incidents, "run", w.runbook, "--yes"], { env: { XDG_CONFIG_HOME: config } });
    for (const r of [fromEnv, fromConfig]) {
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toBe(`handrail: the store at 127.0.0.1:${server.port}/postgres refused the connection: password authentication failed for user "postgres" (postgres://postgres:***@127.0.0.1:${server.port}/postgres)`);
      expect(r.stdout).toBe("");
    }
    expect(incidentFiles(w.incidents)).toEqual([]);
    // handrail config shows where it came from, masked.
    const shown = await runCli(["config"], { env: { XDG_CONFIG_HOME: config } });
    expect(shown.stdout).toMatch(/store\.url\s+postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres/);
    expect(shown.stdout).not.toContain("Not-The-Pw-9");
  });

  it("an unreachable store: one line with host, port and the error, exit 2, nothing run; --store-optional goes on with the local file", async (t) => {
    pg.need(t);
    const w = workdir(t);
    const port = await freePort();
    const url = `postgres://bob:Hush-77@127.0.0.1:${port}/team`;
    const refused = await runCli(["--incidents", w.incidents, "run", w.runbook, "--yes", "--store", url]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(`handrail: cannot reach the store at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (postgres://bob:***@127.0.0.1:${port}/team)`);
    expect(incidentFiles(w.incidents)).toEqual([]);
    const optional = await runCli(["--incidents", w.incidents, "run", w.runbook, "--yes", "--store", url, "--store-optional"]);
    expect(optional.exitCode).toBe(0);
    expect(optional.stderr).toContain(`warning: cannot reach the store at 127.0.0.1:${port}`);
    expect(optional.stderr).toContain("going on with the local incident file alone (--store-optional)");
    expect(optional.stderr).not.toContain("Hush-77");
    expect(incidentFiles(w.incidents)).toHaveLength(1);
  });

  it("a store without the schema: 'run handrail store init', exit 2, and opening it did not migrate it", async (t) => {
    const server = pg.need(t);
    await server.psql("create database cli_bare");
    const w = workdir(t);
    const r = await runCli(["--incidents", w.incidents, "run", w.runbook, "--yes", "--store", server.urlFor({ database: "cli_bare" })]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`handrail: the store at 127.0.0.1:${server.port}/cli_bare has no handrail schema: run handrail store init --store 'postgres://postgres:***@127.0.0.1:${server.port}/cli_bare'`);
    expect(await server.psql("select count(*) from pg_tables where tablename like 'handrail_%'", "cli_bare")).toBe("0");
  });
});

/**
 * The database stopped in the middle of a `handrail run` (the built binary) and started again:
 * the walk goes on, says it is offline with its queue, and every event reaches the store once,
 * in the local file's order, seq contiguous. And a driver whose lease expired (it crashed) is
 * replaced by a resume, logged as driver.changed.
 */
import { execa } from "execa";
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readIncidentFile } from "../../src/incident/log.js";
import { SharedStore } from "../../src/incident/store/pg-store.js";
import { BIN, NO_NOTIFY_ENV, ROOT, runCli, scratchDir } from "../helpers/cli.js";
import { sharedPostgres } from "../helpers/postgres.js";
import { waitFor } from "../helpers/steps.js";

const pg = sharedPostgres();

// The walk pauses twice on files the test creates: once the server is down, once it is back.
const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: outage
title: Walk through an outage
summary: Steps around a database outage.
phases:
  - id: diagnose
    kind: diagnose
    title: Diagnose
    steps:
      - { id: before, title: Before, run: 'echo before; while [ ! -e "$HR_DIR/down" ]; do sleep 0.02; done' }
      - { id: during1, title: During one, run: 'echo during one' }
      - { id: during2, title: During two, run: 'echo during two; while [ ! -e "$HR_DIR/up" ]; do sleep 0.02; done' }
      - { id: after, title: After, run: 'echo after' }
`;

describe("a run through a database outage", () => {
  it("goes on offline, then every event is in the store once, in order, seq contiguous", async (t) => {
    const server = pg.need(t);
    const dir = scratchDir(t.onTestFinished);
    writeFileSync(path.join(dir, "outage.yaml"), RUNBOOK);
    const incidents = path.join(dir, "incidents");
    const run = execa(process.execPath, [BIN, "--incidents", incidents, "run", path.join(dir, "outage.yaml"), "--yes"], {
      cwd: ROOT,
      env: { HANDRAIL_PATH: undefined, ...NO_NOTIFY_ENV, HANDRAIL_STORE_URL: server.url, HANDRAIL_OPERATOR: "alice", HR_DIR: dir },
      reject: false,
      timeout: 60_000,
    });
    let stdout = "";
    run.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    await waitFor(() => stdout.includes("before"), "the first step to run");
    await server.stop();
    try {
      writeFileSync(path.join(dir, "down"), "");
      await waitFor(() => stdout.includes("during two"), "the walk to go on while the store is down", 20_000);
    } finally {
      await server.start();
    }
    writeFileSync(path.join(dir, "up"), "");
    const done = await run;
    expect(done.exitCode).toBe(0);
    expect(done.stderr).toMatch(/^store: offline \(\d+ events? queued\): .+; going on, the events are in the local file$/m);
    expect(done.stderr).toMatch(/^store: online again, sending \d+ events? queued$/m);
    expect(done.stderr).toMatch(/^store: caught up, every event is in the store$/m);
    expect(done.stderr).not.toContain("are not in the store");

    const file = path.join(incidents, readdirSync(incidents).find((f) => f.endsWith(".jsonl"))!);
    const local = readIncidentFile(file).events;
    const id = local[0]!.type === "incident.opened" ? local[0]!.incident : "";
    const store = await SharedStore.open(server.url);
    try {
      const stored = await store.events(id);
      expect(stored.map((e) => e.seq)).toEqual(local.map((_, i) => i + 1));
      const shape = (e: (typeof local)[number]) => `${e.type}:${"step" in e ? e.step : ""}:${e.ts}`;
      expect(stored.map(shape)).toEqual(local.map(shape));
      expect(local.filter((e) => e.type === "step.finished").map((e) => (e.type === "step.finished" ? `${e.step}:${e.status}` : ""))).toEqual(["before:passed", "during1:passed", "during2:passed", "after:passed"]);
    } finally {
      await store.close();
    }
  });
});

describe("a run that ends while the store is still down", () => {
  it("waits a moment, then says how many events are only in the local file; the next resume sends them", async (t) => {
    const server = pg.need(t);
    const dir = scratchDir(t.onTestFinished);
    writeFileSync(path.join(dir, "outage.yaml"), RUNBOOK);
    const incidents = path.join(dir, "incidents");
    const env = { HANDRAIL_PATH: undefined, ...NO_NOTIFY_ENV, HANDRAIL_STORE_URL: server.url, HANDRAIL_OPERATOR: "alice", HR_DIR: dir };
    const run = execa(process.execPath, [BIN, "--incidents", incidents, "run", path.join(dir, "outage.yaml"), "--yes"], { cwd: ROOT, env, reject: false, timeout: 60_000 });
    let stdout = "";
    run.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    await waitFor(() => stdout.includes("before"), "the first step to run");
    await server.stop();
    let done: Awaited<typeof run>;
    try {
      writeFileSync(path.join(dir, "down"), "");
      writeFileSync(path.join(dir, "up"), "");
      done = await run;
    } finally {
      await server.start();
    }
    expect(done.exitCode).toBe(0);
    const file = path.join(incidents, readdirSync(incidents).find((f) => f.endsWith(".jsonl"))!);
    const m = new RegExp(`^warning: (\\d+) events not in the store 127\\.0\\.0\\.1:${server.port}/postgres \\(unreachable\\); they are in ${file.replace(/[.]/g, "\\.")}$`, "m").exec(done.stderr);
    expect(m).not.toBeNull();
    const local = readIncidentFile(file).events;
    const id = local[0]!.type === "incident.opened" ? local[0]!.incident : "";
    const store = await SharedStore.open(server.url);
    try {
      expect((await store.events(id)).length).toBe(local.length - Number(m![1]));
      // Her handrail could not give its lease back while the store was away: it lapses by itself, or she takes it.
      const refused = await runCli(["--incidents", incidents, "run", "--resume", id, "--yes"], { env: { HANDRAIL_STORE_URL: server.url, HANDRAIL_OPERATOR: "alice" } });
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toMatch(/^handrail: alice is driving \(since .*\n {2}If that is a handrail of yours that has ended, its lease lapses at \d\d:\d\d:\d\d UTC; or take it now with --take-over$/);
      const resumed = await runCli(["--incidents", incidents, "run", "--resume", id, "--yes", "--take-over"], { env: { HANDRAIL_STORE_URL: server.url, HANDRAIL_OPERATOR: "alice" } });
      expect(resumed.exitCode).toBe(0);
      expect(resumed.stderr).toContain(`sent ${m![1]} event(s) of ${file} that the store did not have`);
      const stored = await store.events(id);
      expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
      expect(stored.map((e) => e.eid)).toEqual(readIncidentFile(file).events.map((e) => e.eid));
    } finally {
      await store.close();
    }
  });
});

describe("a driver that crashed", () => {
  it("its expired lease is taken by a resume, logged as driver.changed in the file and the store", async (t) => {
    const server = pg.need(t);
    const dir = scratchDir(t.onTestFinished);
    writeFileSync(path.join(dir, "outage.yaml"), RUNBOOK);
    writeFileSync(path.join(dir, "down"), "");
    writeFileSync(path.join(dir, "up"), "");
    const incidents = path.join(dir, "incidents");
    const env = { HANDRAIL_STORE_URL: server.url, HR_DIR: dir };
    const first = await runCli(["--incidents", incidents, "run", path.join(dir, "outage.yaml"), "--yes", "--dry-run"], { env: { ...env, HANDRAIL_OPERATOR: "alice" } });
    expect(first.exitCode).toBe(0);
    const id = /^incident (\S+)$/m.exec(first.stdout)![1]!;
    // Alice's handrail takes the lease again and dies without renewing or releasing it.
    const store = await SharedStore.open(server.url);
    try {
      const crashed = await store.drive(id, "alice", { ttlMs: 150 });
      if (!crashed.ok) throw new Error(crashed.message);
      (crashed.lease as unknown as { stop(): void }).stop();
      await waitFor(() => Date.now() > crashed.lease.localExpiry + 200, "alice's lease to expire");
      const resumed = await runCli(["--incidents", incidents, "run", "--resume", id, "--yes"], { env: { ...env, HANDRAIL_OPERATOR: "carol" } });
      expect(resumed.stderr).toBe("");
      expect(resumed.exitCode).toBe(0);
      const changed = { type: "driver.changed", from: "alice", to: "carol", reason: "expired" };
      const local = readIncidentFile(path.join(incidents, `${id}.jsonl`)).events;
      expect(local.find((e) => e.type === "driver.changed")).toMatchObject(changed);
      expect((await store.events(id)).find((e) => e.type === "driver.changed")).toMatchObject(changed);
    } finally {
      await store.close();
    }
  });
});

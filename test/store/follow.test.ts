/**
 * Two processes on one incident (the built binary against a real PostgreSQL): a `run` drives,
 * a `follow` in another process prints every event, in seq order, each within a second of its
 * writing; a second would-be driver is told who drives.
 */
import { execa, type ResultPromise } from "execa";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MASK } from "../../src/incident/redact.js";
import { SharedStore } from "../../src/incident/store/pg-store.js";
import { BIN, NO_NOTIFY_ENV, ROOT, runCli, scratchDir } from "../helpers/cli.js";
import { sharedPostgres } from "../helpers/postgres.js";
import { waitFor } from "../helpers/steps.js";

const pg = sharedPostgres();

// The first step waits for the test to say go, so the follower is listening before the walk goes on.
const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: followed
title: Followed walk
summary: Steps for the follow test.
phases:
  - id: diagnose
    kind: diagnose
    title: Diagnose
    steps:
      - { id: wait, title: Wait for the follower, run: 'while [ ! -e "$HR_GO" ]; do sleep 0.02; done; echo go' }
      - { id: one, title: One, run: 'echo one; sleep 0.2' }
      - { id: two, title: Two, run: 'echo two; sleep 0.2' }
      - { id: three, title: Three, run: 'echo three' }
`;

/** Lines of a child's stream as they arrive, each with when it arrived. */
function lines(child: ResultPromise, stream: "stdout" | "stderr"): Array<{ at: number; text: string }> {
  const got: Array<{ at: number; text: string }> = [];
  let carry = "";
  child[stream]!.on("data", (d: Buffer) => {
    const parts = (carry + d.toString()).split("\n");
    carry = parts.pop()!;
    for (const text of parts) got.push({ at: Date.now(), text });
  });
  return got;
}

describe("handrail follow", () => {
  it("a follower in another process sees every event of a run in order, each within a second", async (t) => {
    const server = pg.need(t);
    const dir = scratchDir(t.onTestFinished);
    const runbook = path.join(dir, "followed.yaml");
    writeFileSync(runbook, RUNBOOK);
    const go = path.join(dir, "go");
    const env = { HANDRAIL_PATH: undefined, ...NO_NOTIFY_ENV, HANDRAIL_STORE_URL: server.url, HR_GO: go };
    const run = execa(process.execPath, [BIN, "--incidents", path.join(dir, "incidents"), "run", runbook, "--yes"], { cwd: ROOT, env: { ...env, HANDRAIL_OPERATOR: "alice" }, reject: false, timeout: 30_000 });
    const runOut = lines(run, "stdout");
    await waitFor(() => runOut.some((l) => l.text.startsWith("incident ")), "the run to name its incident");
    const id = runOut.find((l) => l.text.startsWith("incident "))!.text.slice("incident ".length);

    // A second would-be driver of the same incident is told who drives.
    const second = await runCli(["--incidents", path.join(dir, "incidents"), "run", "--resume", id, "--yes"], { env: { HANDRAIL_STORE_URL: server.url, HANDRAIL_OPERATOR: "carol" } });
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`^handrail: alice is driving \\(since \\d\\d:\\d\\d:\\d\\d UTC, lease until \\d\\d:\\d\\d:\\d\\d UTC\\): this handrail cannot drive it\n  Watch it with: handrail follow ${id}; or, once they agree, take over with --take-over$`));

    const follow = execa(process.execPath, [BIN, "follow", id, "--json"], { cwd: ROOT, env: { ...env, HANDRAIL_OPERATOR: "bob" }, reject: false, timeout: 30_000 });
    t.onTestFinished(() => void follow.kill("SIGKILL"));
    const seen = lines(follow, "stdout");
    const said = lines(follow, "stderr");
    await waitFor(() => said.some((l) => l.text.startsWith(`following ${id} on postgres://postgres:***@127.0.0.1:`)), "the follower to be listening");
    expect(said[0]!.text).toContain("alice drives");
    const readyAt = Date.now();
    writeFileSync(go, "");
    const done = await run;
    expect(done.exitCode).toBe(0);

    const store = await SharedStore.open(server.url);
    let stored: Awaited<ReturnType<SharedStore["events"]>> = [];
    try {
      stored = await store.events(id);
    } finally {
      await store.close();
    }
    await waitFor(() => seen.length >= stored.length, `the follower to print all ${stored.length} events`, 5_000);
    follow.kill("SIGINT");
    const ended = await follow;
    expect(ended.exitCode).toBe(0);

    const printed = seen.map((l) => ({ at: l.at, e: JSON.parse(l.text) as { seq: number; ts: string; type: string; actor: string } }));
    // Every event once, in seq order, exactly as the store holds them.
    expect(printed.map((p) => p.e.seq)).toEqual(stored.map((e) => e.seq));
    expect(printed.map((p) => p.e.type)).toEqual(stored.map((e) => e.type));
    expect(printed.map((p) => p.e.type)).toContain("step.finished");
    expect(new Set(printed.map((p) => p.e.actor))).toEqual(new Set(["alice"]));
    // Written after the follower was listening: printed within a second of being written.
    const live = printed.filter((p) => Date.parse(p.e.ts) >= readyAt);
    expect(live.length).toBeGreaterThanOrEqual(10);
    const lags = live.map((p) => p.at - Date.parse(p.e.ts));
    expect(Math.max(...lags)).toBeLessThan(1_000);
    expect(existsSync(go)).toBe(true);
    process.stdout.write(`follow lag over ${lags.length} live events: max ${Math.max(...lags)} ms, median ${lags.sort((a, b) => a - b)[Math.floor(lags.length / 2)]} ms\n`);
  });

  it("a follower's typed line is a note in the store, seen live by every follower; incidents lists the store's incidents with their driver and who follows", async (t) => {
    const server = pg.need(t);
    const dir = scratchDir(t.onTestFinished);
    const runbook = path.join(dir, "followed.yaml");
    writeFileSync(runbook, RUNBOOK);
    writeFileSync(path.join(dir, "go"), "");
    const opened = await runCli(["--incidents", path.join(dir, "incidents"), "run", runbook, "--yes", "--severity", "critical"], { env: { HANDRAIL_STORE_URL: server.url, HANDRAIL_OPERATOR: "alice", HR_GO: path.join(dir, "go") } });
    expect(opened.exitCode).toBe(0);
    const id = /^incident (\S+)$/m.exec(opened.stdout)![1]!;
    const env = { HANDRAIL_PATH: undefined, ...NO_NOTIFY_ENV, HANDRAIL_STORE_URL: server.url, HANDRAIL_OPERATOR: "bob" };
    const follow = execa(process.execPath, [BIN, "follow", id], { cwd: ROOT, env, reject: false, timeout: 30_000 });
    t.onTestFinished(() => void follow.kill("SIGKILL"));
    const seen = lines(follow, "stdout");
    const said = lines(follow, "stderr");
    await waitFor(() => said.some((l) => l.text.startsWith(`following ${id}`)), "the follower to be listening");
    const before = seen.length;
    follow.stdin!.write("db failover looks done, password=hunter2\n");
    await waitFor(() => seen.length > before, "the note to come back through the store");
    expect(seen.at(-1)!.text).toMatch(new RegExp(`^#${before + 1} \\d\\d:\\d\\d:\\d\\d bob  note\\.added db failover looks done, password=${MASK}$`));
    expect(said.map((l) => l.text)).toContain(`note added (#${before + 1})`);
    // While bob follows, the team's list says so; once he stops, it does not.
    const followers = async () => ((JSON.parse((await runCli(["incidents", "--json"], { env: { HANDRAIL_STORE_URL: server.url } })).stdout) as Array<{ id: string; followers: string[] }>).find((r) => r.id === id)?.followers);
    expect(await followers()).toEqual(["bob"]);
    follow.kill("SIGINT");
    expect((await follow).exitCode).toBe(0);
    for (const deadline = Date.now() + 10_000; (await followers())?.length !== 0; await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > deadline) throw new Error("bob is still listed as following after his follow ended");
    }

    // The report from the store has the follower's note, which the driver's local file does not.
    const report = await runCli(["report", id, "--format", "json"], { env: { HANDRAIL_STORE_URL: server.url } });
    expect(report.exitCode).toBe(0);
    const notes = (JSON.parse(report.stdout) as { notes: Array<{ text: string }> }).notes.map((n) => n.text);
    expect(notes).toEqual([`db failover looks done, password=${MASK}`]);
    const fromFile = await runCli(["--incidents", path.join(dir, "incidents"), "report", id, "--format", "json"]);
    expect((JSON.parse(fromFile.stdout) as { notes: unknown[] }).notes).toEqual([]);

    const listed = await runCli(["incidents", "--json"], { env: { HANDRAIL_STORE_URL: server.url } });
    expect(listed.exitCode).toBe(0);
    const row = (JSON.parse(listed.stdout) as Array<Record<string, unknown>>).find((r) => r.id === id);
    expect(row).toMatchObject({ id, runbook: "followed", severity: "critical", status: "open", events: before + 1 });
    expect(row!.driver).toBeUndefined();
    const store = await SharedStore.open(server.url);
    try {
      const lease = await store.drive(id, "carol");
      expect(lease.ok).toBe(true);
      const text = await runCli(["incidents", "--store", server.url]);
      expect(text.stdout).toMatch(new RegExp(`^${id}\\s+followed\\s+critical\\s+open\\s+carol \\(since \\d\\d:\\d\\d:\\d\\d UTC\\)\\s+-\\s+${before + 1}\\s+\\d+s ago\\s+\\d+s ago$`, "m"));
    } finally {
      await store.close();
    }
  });

  it("an incident the store does not have: exit 2", async (t) => {
    const server = pg.need(t);
    const r = await runCli(["follow", "no-such-incident", "--store", server.url]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`handrail: no incident no-such-incident in the store at 127.0.0.1:${server.port}/postgres\n  handrail incidents --store … lists them`);
  });
});

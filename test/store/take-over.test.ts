/**
 * Taking over a shared incident (the built binary, a real PostgreSQL): while alice's run waits in
 * a step, carol resolves the incident from another laptop with --take-over. The take-over is logged
 * as driver.changed, alice's handrail runs no further step (its next start is refused in the
 * transaction that checks the lease), and the store stays contiguous.
 */
import { execa } from "execa";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SharedStore } from "../../src/incident/store/pg-store.js";
import { BIN, NO_NOTIFY_ENV, ROOT, runCli, scratchDir } from "../helpers/cli.js";
import { sharedPostgres } from "../helpers/postgres.js";
import { waitFor } from "../helpers/steps.js";

const pg = sharedPostgres();

const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: taken
title: Taken over
summary: A walk another responder takes over.
phases:
  - id: remediate
    kind: remediate
    title: Remediate
    steps:
      - { id: slow, title: Slow step, run: 'echo waiting; while [ ! -e "$HR_DIR/go" ]; do sleep 0.02; done' }
      - { id: next, title: Next step, run: 'echo next > "$HR_DIR/next-ran"' }
`;

describe("taking over", () => {
  it("carol resolves with --take-over while alice's step runs: driver.changed, alice runs nothing more", async (t) => {
    const server = pg.need(t);
    const dir = scratchDir(t.onTestFinished);
    writeFileSync(path.join(dir, "taken.yaml"), RUNBOOK);
    const env = { HANDRAIL_PATH: undefined, ...NO_NOTIFY_ENV, HANDRAIL_STORE_URL: server.url, HR_DIR: dir };
    const alice = execa(process.execPath, [BIN, "--incidents", path.join(dir, "a"), "run", path.join(dir, "taken.yaml"), "--yes"], { cwd: ROOT, env: { ...env, HANDRAIL_OPERATOR: "alice" }, reject: false, timeout: 30_000 });
    let out = "";
    alice.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes("waiting"), "alice's slow step to start");
    const id = /^incident (\S+)$/m.exec(out)![1]!;

    const refused = await runCli(["--incidents", path.join(dir, "b"), "resolve", id, "--root-cause", "bad deploy"], { env: { HANDRAIL_STORE_URL: server.url, HANDRAIL_OPERATOR: "carol" } });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("alice is driving (since");
    expect(refused.stderr).toContain("take over with --take-over");
    const carol = await runCli(["--incidents", path.join(dir, "b"), "resolve", id, "--root-cause", "bad deploy", "--take-over"], { env: { HANDRAIL_STORE_URL: server.url, HANDRAIL_OPERATOR: "carol" } });
    expect(carol.exitCode).toBe(0);
    expect(carol.stdout).toContain(`resolved ${id}`);

    writeFileSync(path.join(dir, "go"), "");
    const done = await alice;
    expect(done.exitCode).not.toBe(0);
    // Carol's resolve gave the lease back when it ended: alice is told who took it.
    expect(done.stdout).toMatch(/✗ cancelled \(0ms\): not run: carol took over driving \(since \d\d:\d\d:\d\d UTC\) and has let go since: resume to drive again/);

    const store = await SharedStore.open(server.url);
    try {
      const events = await store.events(id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      const changed = events.findIndex((e) => e.type === "driver.changed");
      expect(events[changed]).toMatchObject({ type: "driver.changed", from: "alice", to: "carol", reason: "taken over" });
      expect(events[changed + 1]).toMatchObject({ type: "incident.resolved", rootCause: "bad deploy", actor: "carol" });
      const finished = events.filter((e) => e.type === "step.finished").map((e) => (e.type === "step.finished" ? `${e.step}:${e.status}` : ""));
      expect(finished).toEqual(["slow:passed", "next:cancelled"]);
    } finally {
      await store.close();
    }
    // The next step's command never ran.
    expect(existsSync(path.join(dir, "next-ran"))).toBe(false);
  });
});

describe("two would-be drivers", () => {
  it("two processes resume one incident at once on two laptops: exactly one drives, the other is told who", async (t) => {
    const server = pg.need(t);
    const dir = scratchDir(t.onTestFinished);
    writeFileSync(path.join(dir, "taken.yaml"), RUNBOOK);
    const env = { HANDRAIL_PATH: undefined, ...NO_NOTIFY_ENV, HANDRAIL_STORE_URL: server.url, HR_DIR: dir };
    // Opened and left at its first step by a run that is stopped (its lease given back).
    const first = execa(process.execPath, [BIN, "--incidents", path.join(dir, "a"), "run", path.join(dir, "taken.yaml"), "--yes"], { cwd: ROOT, env: { ...env, HANDRAIL_OPERATOR: "alice" }, reject: false, timeout: 30_000 });
    let out = "";
    first.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes("waiting"), "the first step to start");
    first.kill("SIGINT");
    expect((await first).exitCode).toBe(130);
    const id = /^incident (\S+)$/m.exec(out)![1]!;

    const resume = (who: string, laptop: string) =>
      execa(process.execPath, [BIN, "--incidents", path.join(dir, laptop), "--runbooks", dir, "run", "--resume", id, "--yes"], { cwd: ROOT, env: { ...env, HANDRAIL_OPERATOR: who }, reject: false, timeout: 30_000 });
    const both = [resume("bob", "b"), resume("carol", "c")];
    // The winner waits in the slow step (offered again after the interrupt), so the loser is refused while it drives.
    const loser = await Promise.race(both);
    expect(loser.exitCode).toBe(2);
    const [loserName, winnerName] = loser.stderr.includes("bob is driving") ? ["carol", "bob"] : ["bob", "carol"];
    expect(loser.stderr).toMatch(new RegExp(`^handrail: ${winnerName} is driving \\(since \\d\\d:\\d\\d:\\d\\d UTC, lease until \\d\\d:\\d\\d:\\d\\d UTC\\): this handrail cannot drive it`));
    // The loser wrote nothing: no local file on its laptop.
    expect(existsSync(path.join(dir, loserName === "bob" ? "b" : "c", `${id}.jsonl`))).toBe(false);
    writeFileSync(path.join(dir, "go"), "");
    const winner = await both[loserName === "bob" ? 1 : 0]!;
    expect(winner.exitCode).toBe(0);
    const store = await SharedStore.open(server.url);
    try {
      const events = await store.events(id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === "incident.resumed").map((e) => (e.type === "incident.resumed" ? e.actor : ""))).toEqual([winnerName]);
    } finally {
      await store.close();
    }
  });
});

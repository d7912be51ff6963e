/**
 * Issue 20's "Done when", in two real terminals on one machine with two incident directories and
 * one PostgreSQL: alice drives a drill, bob follows it live from home and asks to drive it, alice consents, bob runs a step in
 * the drill's world (which alice's handrail keeps running) while the database is down, and resolves; the drill is judged once,
 * by bob's handrail asking alice's for the verdict; the report names both. Alice is warned that
 * leaving would end the world under bob.
 */
import { execa } from "execa";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SharedStore } from "../../src/incident/store/pg-store.js";
import { findDrill } from "../../src/sandbox/drill-attach.js";
import { BIN, scratchDir } from "../helpers/cli.js";
import { sharedPostgres } from "../helpers/postgres.js";
import { startTerminal } from "../helpers/tmux.js";

const hasTmux = (await execa("tmux", ["-V"], { reject: false })).exitCode === 0;
const pg = sharedPostgres();

describe.skipIf(!hasTmux)("a drill on a shared store, handed over", () => {
  it("alice drives a drill, hands it to bob with consent, bob finishes it in her drill's world; judged once, the report names both", async (t) => {
    const server = pg.need(t);
    const dir = scratchDir(t.onTestFinished);
    // One machine, one user: the same HOME and temp directory (where the drill's world says where it is); two incident directories.
    const env = { HOME: dir, KUBECONFIG: path.join(dir, "none"), HANDRAIL_STORE_URL: server.url };
    const alice = await startTerminal(`node ${BIN} --incidents ${path.join(dir, "a")} drill stuck-rollout`, { cwd: dir, env: { ...env, HANDRAIL_OPERATOR: "alice" }, width: 140, height: 50 });
    t.onTestFinished(() => alice.kill());
    await alice.waitFor("Immediate assessment › Check service health", 30_000);
    await alice.waitFor("store: online");
    await alice.act("r");
    await alice.waitFor("Immediate assessment › Check error rates", 30_000);
    const drills = path.join(dir, "a", "drills");
    const id = readdirSync(drills).find((f) => f.endsWith(".jsonl"))!.replace(/\.jsonl$/, "");

    // Bob, at home: the team's incident, alice driving; Enter follows it live.
    const bob = await startTerminal(`node ${BIN} --incidents ${path.join(dir, "b")}`, { cwd: dir, env: { ...env, HANDRAIL_OPERATOR: "bob" }, width: 140, height: 50 });
    t.onTestFinished(() => bob.kill());
    await bob.waitFor(`${id} · opened`, 20_000);
    await bob.keys("Enter");
    await bob.waitFor(`following ${id} — read-only, live · alice drives`);
    await bob.waitFor(/alice {2}step\.finished pods-not-running: found \(exit 0\)/);
    // Halfway, he asks to drive; alice consents.
    await bob.type("t");
    await bob.waitFor("asked alice to hand over");
    await alice.waitFor("bob asks to drive this incident — press a to hand over", 20_000);
    await alice.type("a");
    await alice.waitFor("handed over to bob");

    // Bob's console is on the drill, in its world: DRILL, the drill's cluster, the next step.
    const opened = await bob.waitFor("Immediate assessment › Check error rates", 30_000);
    expect(opened).toContain(" DRILL ");
    expect(opened).toContain("⎈ drill-stuck-rollout / shop");
    // The database goes away mid-walk: the drill goes on, its events queue, and reach the store when it is back.
    await server.stop();
    // His KUBECONFIG names no file: the step reaches the drill's cluster only through alice's world.
    await bob.act("r");
    await bob.waitFor(/[✓◆] Check error rates — (passed|found)/, 30_000);
    await bob.waitFor(/store: offline \(\d+ events? queued\)/, 20_000);
    await server.start();
    await bob.waitUntil((s) => s.includes("store: online") && !s.includes("store: offline"), "the store back online", 30_000);

    // Quitting would end the world under bob: said before it happens; alice stays.
    await alice.type("q");
    await alice.waitFor("Quit handrail? bob drives this drill in the world this handrail runs: quitting ends it under them. y / n");
    await alice.type("n");
    await alice.waitUntil((s) => !s.includes("Quit handrail?"), "the question to close");

    await bob.type("x");
    await bob.waitFor("Resolve the incident anyway? y / n");
    await bob.type("y");
    await bob.waitFor("Root cause:");
    await bob.type("rollout of 1.5.1 stuck");
    await bob.waitFor("Root cause: rollout of 1.5.1 stuck");
    await bob.keys("Enter");
    await bob.waitFor("…more (empty to finish):");
    await bob.keys("Enter");
    await bob.waitFor("Action item 1");
    await bob.keys("Enter");
    await bob.waitFor("Impact:");
    await bob.keys("Enter");
    // Judged by alice's handrail (the world is there): the rollout is still stuck.
    const closing = await bob.waitFor("DRILL stuck-rollout: STILL BROKEN", 45_000);
    expect(closing).toContain("1 Running (still on shop/api:1.5.1)");
    await bob.type("q");
    await bob.waitFor("y / n");
    await bob.type("y");
    await bob.waitFor("[exited 0]");
    // Alice leaves now: her handrail judges nothing more (bob drove it to its end) and stops the world.
    await alice.type("q");
    await alice.waitFor("quitting ends it under them. y / n");
    await alice.type("y");
    await alice.waitFor("[exited 0]");

    const shared = await SharedStore.open(server.url);
    try {
      const events = await shared.events(id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      // Nothing twice: every event's id once (the replay after the outage is idempotent).
      expect(new Set(events.map((e) => e.eid)).size).toBe(events.length);
      expect(events[0]).toMatchObject({ type: "incident.opened", mode: "drill", scenario: "stuck-rollout" });
      expect(events.find((e) => e.type === "driver.changed")).toMatchObject({ from: "alice", to: "bob", reason: "handed over" });
      const order = events.map((e) => (e.type === "step.finished" ? `finished ${e.step}` : e.type));
      // Each present, in this order (an index of -1 would pass a bare comparison).
      const at = ["finished pods-not-running", "driver.changed", "finished error-count", "incident.resolved", "drill.finished"].map((x) => order.indexOf(x));
      expect(at.every((i) => i >= 0), order.join(", ")).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      // Judged once, after the resolve, not healthy.
      const judged = events.filter((e) => e.type === "drill.finished");
      expect(judged).toHaveLength(1);
      expect(judged[0]).toMatchObject({ scenario: "stuck-rollout", healthy: false });
    } finally {
      await shared.close();
    }
    // The world went with alice's handrail: nothing on this machine offers it any more.
    expect(findDrill(id)).toBeUndefined();
    const report = await execa(process.execPath, [BIN, "--incidents", path.join(dir, "b"), "report", id], { env: { ...process.env, ...env }, reject: false });
    expect(report.exitCode, report.stderr).toBe(0);
    expect(report.stdout).toContain("driven by alice, then bob");
    expect(report.stdout).toContain("## Drill");
  }, 150_000);
});

/**
 * The console on a shared store (issue 20), in a real terminal against a private PostgreSQL: an
 * incident opened there is driven through the store (the lease, every event in it), the header
 * says where the store stands, the database stopped mid-walk is `store: offline (N events
 * queued)` on the first line while the walk goes on, and once it is back every event is there,
 * once, in order. A second console cannot drive the same incident: it is told who does.
 */
import { execa } from "execa";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readIncidentFile } from "../../src/incident/log.js";
import { SharedStore } from "../../src/incident/store/pg-store.js";
import { BIN, scratchDir } from "../helpers/cli.js";
import { sharedPostgres } from "../helpers/postgres.js";
import { startTerminal } from "../helpers/tmux.js";
import { RUNBOOK_TEXT } from "./fixtures.js";

const hasTmux = (await execa("tmux", ["-V"], { reject: false })).exitCode === 0;
const pg = sharedPostgres();

describe.skipIf(!hasTmux)("the console on a shared store", () => {
  it("drives through the store, shows offline with its queue on the first line, and loses nothing", async (t) => {
    const server = pg.need(t);
    const dir = scratchDir(t.onTestFinished);
    writeFileSync(path.join(dir, "shared-drill.yaml"), RUNBOOK_TEXT);
    const incidents = path.join(dir, "incidents");
    const env = { HOME: dir, KUBECONFIG: path.join(dir, "none"), HANDRAIL_STORE_URL: server.url, HANDRAIL_OPERATOR: "alice" };
    const term = await startTerminal(`node ${BIN} --runbooks ${dir} --incidents ${incidents} open shared-drill --severity low`, { cwd: dir, env, width: 140, height: 40 });
    t.onTestFinished(() => term.kill());
    const walk = await term.waitFor("store: online at");
    // The password never reaches the screen.
    expect(walk).not.toContain("hr-test-Secret-42");
    await term.act("r");
    await term.waitFor("✓ Say hello");
    const id = readdirSync(incidents).find((f) => f.endsWith(".jsonl"))!.replace(/\.jsonl$/, "");

    // A second console cannot drive it while alice does: it is told who does.
    const other = await startTerminal(`node ${BIN} --incidents ${path.join(dir, "other")} resume ${id}`, { cwd: dir, env: { ...env, HANDRAIL_OPERATOR: "bob" }, width: 140, height: 40 });
    t.onTestFinished(() => other.kill());
    const refused = await other.waitFor(/alice is driving/);
    expect(refused).toContain("alice is driving");

    await server.stop();
    await term.act("r");
    await term.waitFor("✓ Say later");
    const offline = await term.waitFor(/store: offline \(\d+ events? queued\)/);
    // The first line, which every size of terminal shows.
    expect(offline.split("\n").find((l) => l.includes("store: offline"))).toMatch(/LOW/);
    await server.start();
    await term.waitFor("store: online at", 30_000);
    await term.keys("C-c");
    await term.waitFor("y / n");
    await term.type("y");
    await term.waitFor("[exited 0]");

    const local = readIncidentFile(path.join(incidents, `${id}.jsonl`)).events;
    const shared = await SharedStore.open(server.url);
    try {
      let stored = await shared.events(id);
      for (let i = 0; i < 100 && stored.length < local.length; i++) {
        await new Promise((r) => setTimeout(r, 100));
        stored = await shared.events(id);
      }
      expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
      expect(stored.map((e) => e.type)).toEqual(local.map((e) => e.type));
      expect(stored.filter((e) => e.type === "step.finished").map((e) => (e as { step: string }).step)).toEqual(["hello", "later"]);
    } finally {
      await shared.close();
    }
  }, 90_000);

  it("one console drives, another asks to take over, the first consents, the second finishes; the report names both", async (t) => {
    const server = pg.need(t);
    const dir = scratchDir(t.onTestFinished);
    writeFileSync(path.join(dir, "shared-drill.yaml"), RUNBOOK_TEXT);
    const env = { HOME: dir, KUBECONFIG: path.join(dir, "none"), HANDRAIL_STORE_URL: server.url };
    const alice = await startTerminal(`node ${BIN} --runbooks ${dir} --incidents ${path.join(dir, "a")} open shared-drill --severity low`, { cwd: dir, env: { ...env, HANDRAIL_OPERATOR: "alice" }, width: 140, height: 40 });
    t.onTestFinished(() => alice.kill());
    await alice.waitFor("store: online at");
    await alice.act("r");
    await alice.waitFor("✓ Say hello");
    const id = readdirSync(path.join(dir, "a")).find((f) => f.endsWith(".jsonl"))!.replace(/\.jsonl$/, "");

    // Bob, on another laptop (no local file), asks; alice's console asks her.
    const bob = await startTerminal(`node ${BIN} --runbooks ${dir} --incidents ${path.join(dir, "b")} resume ${id} --ask`, { cwd: dir, env: { ...env, HANDRAIL_OPERATOR: "bob" }, width: 140, height: 40 });
    t.onTestFinished(() => bob.kill());
    await bob.waitFor("waiting up to 60 s for their answer");
    await alice.waitFor("bob asks to drive this incident — press a to hand over");
    await alice.type("a");
    const handed = await alice.waitFor("handed over to bob");
    expect(handed).toContain("store: bob drives now");

    // Bob's console opens on the incident where alice left it, and finishes the walk.
    await bob.waitFor("Diagnose › Say later", 20_000);
    await bob.act("r");
    await bob.waitFor("✓ Say later");
    await bob.keys("C-c");
    await bob.waitFor("y / n");
    await bob.type("y");
    await bob.waitFor("[exited 0]");

    const shared = await SharedStore.open(server.url);
    try {
      const events = await shared.events(id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.find((e) => e.type === "driver.changed")).toMatchObject({ from: "alice", to: "bob", reason: "handed over" });
      // Before the change alice ran hello; after it bob ran later, from his own laptop's copy.
      const types = events.map((e) => (e.type === "step.finished" ? `finished ${(e as { step: string }).step}` : e.type));
      const at = ["finished hello", "driver.changed", "finished later"].map((x) => types.indexOf(x));
      expect(at.every((i) => i >= 0), types.join(", ")).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    } finally {
      await shared.close();
    }
    const report = await execa(process.execPath, [BIN, "--incidents", path.join(dir, "b"), "report", id], { env: { ...process.env, ...env }, reject: false });
    expect(report.exitCode).toBe(0);
    expect(report.stdout).toContain("driven by alice, then bob");
    expect(report.stdout).toContain("bob drives from here (alice handed over)");
  }, 90_000);

  it("home lists the team's open incidents with who drives; Enter follows one alice drives (live, a note), and picks up one nobody drives", async (t) => {
    const server = pg.need(t);
    const dir = scratchDir(t.onTestFinished);
    writeFileSync(path.join(dir, "shared-drill.yaml"), RUNBOOK_TEXT);
    const env = { HOME: dir, KUBECONFIG: path.join(dir, "none"), HANDRAIL_STORE_URL: server.url };
    const alice = await startTerminal(`node ${BIN} --runbooks ${dir} --incidents ${path.join(dir, "a")} open shared-drill --severity high`, { cwd: dir, env: { ...env, HANDRAIL_OPERATOR: "alice" }, width: 140, height: 40 });
    t.onTestFinished(() => alice.kill());
    await alice.waitFor("store: online at");
    await alice.act("r");
    await alice.waitFor("✓ Say hello");
    const id = readdirSync(path.join(dir, "a")).find((f) => f.endsWith(".jsonl"))!.replace(/\.jsonl$/, "");

    const home = (who: string) => startTerminal(`node ${BIN} --runbooks ${dir} --incidents ${path.join(dir, "b")}`, { cwd: dir, env: { ...env, HANDRAIL_OPERATOR: who }, width: 140, height: 40 });
    const bob = await home("bob");
    t.onTestFinished(() => bob.kill());
    const listed = await bob.waitFor(`${id} · opened`);
    expect(listed).toMatch(new RegExp(`${id} · opened .* ago · alice drives · in the shared store`));
    // Its clock too: high, 15 minutes from when alice opened it (the default), counting down on bob's machine.
    expect(listed).toMatch(/⏱ 1[45]m left {2}high {2}shared-drill/);
    // Enter on it: alice drives, so bob follows it, read-only and live; his note reaches the store; nothing is written on his side.
    await bob.keys("Enter");
    const following = await bob.waitFor(`following ${id} — read-only, live · alice drives`);
    expect(following).toMatch(/alice {2}step\.finished hello: passed \(exit 0\)/);
    await bob.type("n");
    await bob.waitFor("Note:");
    await bob.type("watching the error rate");
    await bob.keys("Enter");
    await bob.waitFor("note added");
    await bob.waitFor(/bob {2}note\.added watching the error rate/);
    // Alice's next step appears on bob's screen as it happens.
    await alice.act("r");
    await bob.waitFor(/alice {2}step\.finished later: passed/);
    expect(existsSync(path.join(dir, "b", `${id}.jsonl`))).toBe(false);
    await bob.type("q");
    await bob.waitFor(`${id} · opened`);
    await bob.keys("C-c");
    await bob.waitFor("[exited 0]");

    // Alice leaves; her lease goes with her. Bob's home lists the incident with nobody driving, and Enter picks it up.
    await alice.keys("C-c");
    await alice.waitFor("y / n");
    await alice.type("y");
    await alice.waitFor("[exited 0]");
    // A terminal of its own, each killed by its own callback (a reassigned variable would leave the first running).
    const bobAgain = await home("bob");
    t.onTestFinished(() => bobAgain.kill());
    const free = await bobAgain.waitFor(`${id} · opened`);
    expect(free).not.toContain("alice drives");
    await bobAgain.keys("Enter");
    await bobAgain.waitFor("Every step is done", 20_000);
    expect(existsSync(path.join(dir, "b", `${id}.jsonl`))).toBe(true);
  }, 90_000);
});

const ESCALATING = `apiVersion: handrail/v1
kind: Runbook
id: escalating
title: Escalating
summary: An escalation raised at once, for a follower to acknowledge.
escalations:
  - { after: 0s, severities: [high], to: Duty manager, reason: Paged at once for the test }
phases:
  - id: diagnose
    kind: diagnose
    title: Diagnose
    steps:
      - { id: look, title: Look, run: echo looking }
`;

describe.skipIf(!hasTmux)("a follower's part", () => {
  it("bob, following, acknowledges the escalation alice's console shows: her banner goes, her history has his note", async (t) => {
    const server = pg.need(t);
    const dir = scratchDir(t.onTestFinished);
    writeFileSync(path.join(dir, "escalating.yaml"), ESCALATING);
    // A database of its own: bob's home lists the team's incidents, and this one must be the only one.
    await server.psql("create database follower_part");
    const url = server.urlFor({ database: "follower_part" });
    await SharedStore.init(url);
    const env = { HOME: dir, KUBECONFIG: path.join(dir, "none"), HANDRAIL_STORE_URL: url };
    const alice = await startTerminal(`node ${BIN} --runbooks ${dir} --incidents ${path.join(dir, "a")} open escalating --severity high`, { cwd: dir, env: { ...env, HANDRAIL_OPERATOR: "alice" }, width: 140, height: 40 });
    t.onTestFinished(() => alice.kill());
    await alice.waitFor("ESCALATE: ", 20_000);
    const id = readdirSync(path.join(dir, "a")).find((f) => f.endsWith(".jsonl"))!.replace(/\.jsonl$/, "");

    const bob = await startTerminal(`node ${BIN} --runbooks ${dir} --incidents ${path.join(dir, "b")}`, { cwd: dir, env: { ...env, HANDRAIL_OPERATOR: "bob" }, width: 140, height: 40 });
    t.onTestFinished(() => bob.kill());
    await bob.waitFor(`${id} · opened`);
    await bob.keys("Enter");
    await bob.waitFor("ESCALATE: to Duty manager — press a to acknowledge");
    await bob.type("n");
    await bob.waitFor("Note:");
    await bob.type("I called the duty manager");
    await bob.keys("Enter");
    await bob.waitFor("note added");
    await bob.type("a");
    await bob.waitFor("acknowledged: escalate to Duty manager");
    await bob.waitUntil((s) => !s.includes("ESCALATE:"), "the escalation to leave bob's screen");
    // Alice's console records both as they arrive: the banner goes, the note is in her history, by bob.
    await alice.waitUntil((s) => !s.includes("ESCALATE:"), "the escalation banner to leave alice's screen", 15_000);
    await alice.waitFor("note (bob): I called the duty manager");
    const local = readIncidentFile(path.join(dir, "a", `${id}.jsonl`)).events;
    expect(local.find((e) => e.type === "escalation.acknowledged")).toMatchObject({ actor: "bob" });
  }, 60_000);
});

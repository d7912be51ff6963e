/**
 * The console on a shared store (issue 20), in a real terminal against a private PostgreSQL: an
 * incident opened there is driven through the store (the lease, every event in it), the header
 * says where the store stands, the database stopped mid-walk is `store: offline (N events
 * queued)` on the first line while the walk goes on, and once it is back every event is there,
 * once, in order. A second console cannot drive the same incident: it is told who does.
 */
import { execa } from "execa";
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readIncidentFile } from "../../src/incident/log.js";
import { SharedStore } from "../../src/incident/store/pg-store.js";
import { BIN, scratchDir } from "../helpers/cli.js";
import { startPostgres, type PgServer } from "../helpers/postgres.js";
import { startTerminal } from "../helpers/tmux.js";
import { RUNBOOK_TEXT } from "./fixtures.js";

const hasTmux = (await execa("tmux", ["-V"], { reject: false })).exitCode === 0;
let server: PgServer | undefined;
let skip = "";
beforeAll(async () => {
  const s = await startPostgres();
  if ("skip" in s) skip = s.skip;
  else {
    server = s.server;
    await SharedStore.init(server.url);
  }
});
afterAll(async () => server?.destroy());

describe.skipIf(!hasTmux)("the console on a shared store", () => {
  it("drives through the store, shows offline with its queue on the first line, and loses nothing", async (t) => {
    if (!server) return t.skip(skip);
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
});

/** The built console in tmux: the target on screen is the target the commands use, and the header survives a flood on a small terminal. */
import { execa } from "execa";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { BIN, scratchDir } from "../helpers/cli.js";
import { startTerminal } from "../helpers/tmux.js";

const hasTmux = (await execa("tmux", ["-V"], { reject: false })).exitCode === 0;

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: prod-eu
clusters:
- name: eu
  cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true }
users:
- name: me
  user: { token: not-a-real-token }
contexts:
- name: prod-eu
  context: { cluster: eu, user: me, namespace: shop }
`;

describe.skipIf(!hasTmux)("the console's target and header", () => {
  it("open on a context whose namespace is shop: the inputs screen offers shop, the command reads -n \"shop\", the header says shop", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "kubeconfig"), KUBECONFIG);
    const term = await startTerminal(`node ${BIN} --kubeconfig ${path.join(dir, "kubeconfig")} open emergency-rollback`, { cwd: dir, width: 120, height: 40 });
    onTestFinished(() => term.kill());
    // open asks what it was not given: the severity first, then each input.
    await term.waitFor("Emergency Rollback: how severe is it?");
    await term.type("2");
    await term.waitFor("Service to roll back (name): api");
    await term.keys("Enter");
    await term.waitFor("Namespace (name): shop");
    for (let i = 0; i < 10; i++) {
      const screen = await term.screen();
      if (screen.includes("Check service health")) break;
      if (/Release train[^\n]*:\s*$/m.test(screen)) await term.type("t1");
      await term.keys("Enter");
      await term.waitUntil((s) => s !== screen, "the next prompt");
    }
    const walk = await term.waitFor("Immediate assessment › Check service health");
    expect(walk).toContain('$ kubectl get pods -l app="api" -n "shop"');
    expect(walk).toMatch(/ PRODUCTION .*⎈ prod-eu \/ shop/);
    const store = path.join(dir, "incidents");
    const evs = readFileSync(path.join(store, readdirSync(store).find((f) => f.endsWith(".jsonl"))!), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
    expect(evs.find((e) => e.type === "input.set" && e.name === "namespace")).toMatchObject({ value: "shop" });
  }, 60_000);

  it("at 60×20 the header's first line still says DRILL after 500 lines of output", async () => {
    const dir = scratchDir(onTestFinished);
    const term = await startTerminal(`node ${BIN} drill crashloop-rollback`, { cwd: dir, width: 60, height: 20, env: { HOME: dir, KUBECONFIG: path.join(dir, "none") } });
    onTestFinished(() => term.kill());
    await term.waitFor("Immediate assessment › Check service health");
    // Edit the step's command for this run: 500 numbered lines (the runbook's script starts selected: typing replaces it).
    await term.keys("e");
    await term.waitFor('$ kubectl get pods -l app="$service"');
    await term.type("seq 1 500");
    await term.waitFor("$ seq 1 500");
    await term.keys("Enter");
    const screen = await term.waitFor(/│\s+500\s*│/, 20_000);
    const lines = screen.split("\n");
    expect(lines[0]).toContain(" DRILL ");
    expect(lines[0]).toContain("MEDIUM");
    expect(lines[0]).toMatch(/⎈ drill-\S* \/ shop/);
    expect(screen).toContain("? keys");
  }, 60_000);
});

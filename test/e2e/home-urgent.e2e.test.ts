/**
 * Home in a real 80×24 terminal with no cluster: the open incidents stay on screen above the
 * drills and the shipped runbooks. A frame taller than the terminal scrolls its top away, and
 * the top is where the breached incident is.
 */
import { execa } from "execa";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { shippedScenarios } from "../helpers/scenarios.js";
import { BIN, scratchDir } from "../helpers/cli.js";
import { startTerminal } from "../helpers/tmux.js";
import { runIncident, urgentRunbooks } from "../helpers/urgent-incidents.js";

const hasTmux = (await execa("tmux", ["-V"], { reject: false })).exitCode === 0;

describe.skipIf(!hasTmux)("home at 80×24", () => {
  it("breached incidents on the first lines, the drills folded to one line, the footer still on screen", async () => {
    const dir = scratchDir(onTestFinished);
    const runbooks = urgentRunbooks(dir);
    const store = path.join(dir, "incidents");
    await runIncident(dir, store, runbooks, "calm-check", ["--severity", "high"]);
    for (let i = 0; i < 4; i++) await runIncident(dir, store, runbooks, "breach-fast", ["--severity", "critical"]);
    // No kubeconfig: the drills come before the runbooks, as on a laptop far from the cluster.
    const term = await startTerminal(`node ${BIN} --runbooks ${runbooks} --incidents ${store}`, { cwd: dir, width: 80, height: 24, env: { HOME: dir, KUBECONFIG: path.join(dir, "no-such-kubeconfig") } });
    onTestFinished(() => term.kill());
    // The whole frame drawn, and its first line still on screen.
    const screen = await term.waitUntil((s) => s.includes("ctrl-c quit") && s.startsWith("open incidents"), "home, from its first line to its footer");
    const lines = screen.split("\n");
    expect(lines[0]).toBe("open incidents — most urgent first");
    expect(lines.slice(1, 5).every((l) => /^. \d\. !! BREACHED \d+s ago {2}critical {2}breach-fast/.test(l)), lines.slice(1, 5).join("\n")).toBe(true);
    expect(lines[5]).toMatch(/^ {2}5\. ⏱ 5\dm left {2}high {2}calm-check/);
    expect(screen).toContain(`Drills — ${(await shippedScenarios()).length} scenarios (tab to list them)`);
    expect(screen).toContain("No cluster is reachable (no kubeconfig)");
    expect(screen.indexOf("Drills")).toBeLessThan(screen.indexOf("handrail — runbooks"));
  }, 60_000);
});

/**
 * Issue 14, items 15 and 16, through the built binary: what a passing step leaves running is
 * ended and counted (unless it says `detach`), and k8s steps honour `timeout:` and the first
 * Ctrl-C against an API server that accepts and never answers.
 */
import { execa } from "execa";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { isAlive } from "../../src/executors/process-group.js";
import type { IncidentEvent } from "../../src/incident/events.js";
import { BIN, NO_NOTIFY_ENV, runCli, scratchDir } from "../helpers/cli.js";
import { silentServer, writeKubeconfig } from "../helpers/kube.js";
import { waitFor } from "../helpers/steps.js";

function runbook(dir: string, steps: string): string {
  const file = path.join(dir, "procs.yaml");
  writeFileSync(file, ["apiVersion: handrail/v1", "kind: Runbook", "id: procs", "title: Procs", "summary: Processes and a silent cluster.", "phases:", "  - id: work", "    kind: diagnose", "    title: Work", "    steps:", steps, ""].join("\n"));
  return file;
}

function incidentEvents(dir: string): IncidentEvent[] {
  const store = path.join(dir, "incidents");
  const file = existsSync(store) ? readdirSync(store).find((f) => f.endsWith(".jsonl")) : undefined;
  if (!file) return [];
  return readFileSync(path.join(store, file), "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as IncidentEvent);
}

const finished = (evs: IncidentEvent[]) => evs.filter((e) => e.type === "step.finished") as Array<IncidentEvent & { status: string; details?: Record<string, unknown>; error?: string }>;

/** The background pid a step printed as `bg=N`; ended after the test if it still runs. */
function backgroundPid(stdout: string): number {
  const pid = Number(/bg=(\d+)/.exec(stdout)?.[1]);
  expect(pid).toBeGreaterThan(0);
  onTestFinished(() => {
    if (isAlive(pid)) process.kill(pid, "SIGKILL");
  });
  return pid;
}

describe("background processes of a step that passed", () => {
  it("are ended when the step ends, and step.finished counts them (details.reaped)", async () => {
    const dir = scratchDir(onTestFinished);
    const file = runbook(dir, `      - { id: bg, title: Leaves a sleeper, run: 'sleep 1000 >/dev/null 2>&1 & echo "bg=$!"' }`);
    const r = await runCli(["run", file], { cwd: dir });
    const pid = backgroundPid(r.stdout);
    expect(r.exitCode).toBe(0);
    expect(isAlive(pid)).toBe(false);
    expect(finished(incidentEvents(dir))).toMatchObject([{ step: "bg", status: "passed", details: { reaped: 1 } }]);
  });

  it("detach: true leaves the daemon running and records its group", async () => {
    const dir = scratchDir(onTestFinished);
    const file = runbook(dir, `      - { id: daemon, title: Starts a daemon, detach: true, run: 'sleep 1000 >/dev/null 2>&1 & echo "bg=$!"' }`);
    const r = await runCli(["run", file], { cwd: dir });
    const pid = backgroundPid(r.stdout);
    expect(r.exitCode).toBe(0);
    expect(isAlive(pid)).toBe(true);
    expect(finished(incidentEvents(dir))).toMatchObject([{ step: "daemon", status: "passed", details: { detached: { processes: 1 } } }]);
  });

  it("detach on a step that is not a run step is refused with file:line:col, exit 2", async () => {
    const dir = scratchDir(onTestFinished);
    const file = runbook(dir, ["      - id: pods", "        title: Pods", "        k8s: { action: pods, selector: app=api }", "        detach: true"].join("\n"));
    const r = await runCli(["validate", file], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stdout + r.stderr).toContain(`procs.yaml:14:9 phases[0].steps[0].detach: detach applies to run steps, not k8s`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("k8s steps against an API server that accepts and never answers", () => {
  async function silentCluster(dir: string): Promise<string> {
    const silent = await silentServer();
    onTestFinished(() => silent.close());
    return writeKubeconfig(dir, `http://127.0.0.1:${silent.port}`);
  }
  const pods = (extra = "") => `      - { id: pods, title: Pods, k8s: { action: pods, selector: app=api }${extra} }`;

  it("timeout: ends the step as timeout, exit 1, recorded in the incident file", async () => {
    const dir = scratchDir(onTestFinished);
    const kubeconfig = await silentCluster(dir);
    const r = await runCli(["run", runbook(dir, pods(", timeout: 2s")), "--kubeconfig", kubeconfig], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(finished(incidentEvents(dir))).toMatchObject([{ step: "pods", status: "timeout", error: "timed out after 2s: the Kubernetes API server did not answer" }]);
  });

  it("the first Ctrl-C cancels the waiting step: exit 130, recorded as cancelled", async () => {
    const dir = scratchDir(onTestFinished);
    const kubeconfig = await silentCluster(dir);
    const child = execa(process.execPath, [BIN, "run", runbook(dir, pods()), "--kubeconfig", kubeconfig], { cwd: dir, env: { HANDRAIL_PATH: undefined, ...NO_NOTIFY_ENV }, reject: false, timeout: 60_000 });
    onTestFinished(() => {
      child.kill("SIGKILL");
    });
    await waitFor(() => incidentEvents(dir).some((e) => e.type === "step.started"), "the k8s step to start");
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(finished(incidentEvents(dir))).toMatchObject([{ step: "pods", status: "cancelled" }]);
  });
});

/**
 * A drill's incident resumed once the handrail that ran its world is gone: refused, exit 2, with
 * why (the world went with that handrail) and how to drill again. While a handrail on this machine
 * runs the world (it left its note), the headless resume points to the console, where the drill's
 * end is judged.
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { IncidentSession } from "../../src/incident/session.js";
import { loadRunbookFile } from "../../src/runbooks/load.js";
import { publishDrill } from "../../src/sandbox/drill-attach.js";
import { drillsRoot } from "../../src/sandbox/drill.js";
import { ROOT, runCli, scratchDir } from "../helpers/cli.js";

async function drillIncident(dir: string): Promise<IncidentSession> {
  const { runbook } = await loadRunbookFile(path.join(ROOT, "runbooks/emergency-rollback.yaml"));
  const session = IncidentSession.open({ dir: path.join(dir, "incidents"), runbook: runbook!, severity: "medium", inputs: { service: "api", namespace: "shop" }, mode: "drill", scenario: "stuck-rollout", dryRun: false });
  onTestFinished(() => session.close());
  return session;
}

describe("resuming a drill", () => {
  it("its world gone with its handrail: exit 2, why, and how to drill again", async () => {
    const dir = scratchDir(onTestFinished);
    const session = await drillIncident(dir);
    session.close();
    const r = await runCli(["run", "--resume", session.file], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("is a drill; its simulated world ended with the handrail that ran it (a drill can be handed over only while that handrail runs, on the same machine)");
    expect(r.stderr).toContain("handrail drill stuck-rollout");
  });

  it("a live handrail on this machine runs its world: headless is refused, the console is named", async () => {
    const dir = scratchDir(onTestFinished);
    const session = await drillIncident(dir);
    session.close();
    // This test process stands in for the handrail that runs the world: its note, its pid.
    const root = path.join(drillsRoot(), `drill-${process.pid}-stuck-rollout-test${path.basename(dir)}`);
    mkdirSync(root, { recursive: true });
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    publishDrill(root, { incident: session.id, scenario: "stuck-rollout", pid: process.pid, server: "https://127.0.0.1:1", kubeconfig: path.join(root, "kubeconfig"), context: "drill-stuck-rollout", namespace: "shop", cwd: root, env: {}, inbox: { url: "http://127.0.0.1:1", smtpUrl: "smtp://127.0.0.1:1" }, judgeUrl: "http://127.0.0.1:1" });
    const r = await runCli(["run", "--resume", session.file], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`a drill whose world another handrail runs (pid ${process.pid}) is continued in the console`);
    expect(r.stderr).toContain(`handrail resume ${session.id} --ask`);
  });
});

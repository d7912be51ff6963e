/**
 * The release-train drill headless through the built binary: `run release-train --drill
 * train-backtesting-crash --yes`. backtesting fails its rollout, the walk jumps to the rollback,
 * the participants are undone in reverse order, and the drill ends healthy; a walk that releases
 * nothing (a dry run) does not count as a handled train.
 */
import { execa } from "execa";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { EventOf } from "../../src/incident/events.js";
import { BIN, runCli, scratchDir } from "../helpers/cli.js";
import { walkDrillInConsole } from "../helpers/console-drill.js";
import { eventSteps, finishedSteps, incidentIsWhole, planKeys, readDrillIncident, shippedRunbook, timelineSteps } from "../helpers/drill-incident.js";
import { startTerminal } from "../helpers/tmux.js";

const PARTICIPANTS = ["curve", "backtesting", "scenario"];
const noCluster = (dir: string) => ({ HOME: dir, KUBECONFIG: path.join(dir, "no-such-kubeconfig") });

describe("handrail run release-train --drill train-backtesting-crash", () => {
  it("backtesting fails its health check, the train is rolled back in reverse order, the drill ends healthy", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["run", "release-train", "--drill", "train-backtesting-crash", "--yes"], { cwd: dir, env: noCluster(dir), timeoutMs: 110_000 });
    expect(r.stdout).toContain("DRILL train-backtesting-crash: HEALTHY — every participant back on its old version, all pods ready (curve 1.8.0, backtesting 1.6.3, scenario 1.5.1); rolled back backtesting → curve");
    expect(r.stdout).toMatch(/walk {16}complete/);
    // The platform's scripts are not in a drill: those steps fail with the diagnosis and the walk goes on.
    expect(r.stderr).toContain("this step expects scripts/plan_release_train.py, which is not here");
    expect(r.stderr).toContain('deployment "backtesting" exceeded its progress deadline');
    expect(r.stdout).toContain("scenario runs registry.254carbon.local/platform/scenario:1.5.1, not 2.0.0: not released by this train, nothing to roll back");
    expect(r.exitCode).toBe(0);

    const { file, events } = readDrillIncident(dir);
    expect(incidentIsWhole(events)).toBe(true);
    const opened = events[0] as EventOf<"incident.opened">;
    expect(opened).toMatchObject({ mode: "drill", scenario: "train-backtesting-crash", severity: "high", kube: { context: "drill-train-backtesting-crash" } });
    // Every step of the plan up to backtesting's failed rollout, then the whole rollback, nothing else.
    const runbook = await shippedRunbook("release-train");
    const plan = planKeys(runbook, "high", { participants: PARTICIPANTS }, {});
    const failedAt = plan.indexOf("release-rollout[backtesting]");
    const expected = [...plan.slice(0, failedAt + 1), ...plan.slice(plan.indexOf("rollback-assess"))];
    expect(finishedSteps(events)).toEqual(expected);
    expect(finishedSteps(events).filter((k) => k.startsWith("rollback-undo["))).toEqual(["rollback-undo[scenario]", "rollback-undo[backtesting]", "rollback-undo[curve]"]);
    const status = (key: string) => (events.find((e) => e.type === "step.finished" && e.step === key) as EventOf<"step.finished">).status;
    expect(status("release-rollout[curve]")).toBe("passed");
    expect(status("release-rollout[backtesting]")).toBe("failed");
    for (const p of PARTICIPANTS) expect([status(`rollback-undo[${p}]`), status(`rollback-pods[${p}]`), status(`rollback-health[${p}]`)]).toEqual(["passed", "passed", "passed"]);
    expect(events.filter((e) => e.type === "phase.entered").map((e) => (e as EventOf<"phase.entered">).phase)).toEqual(["planning", "validation", "staging", "execution", "rollback", "rollback-verification", "rollback-documentation"]);
    expect(events.at(-1)).toMatchObject({ type: "drill.finished", healthy: true, walkComplete: true });

    const report = await runCli(["report", file], { cwd: dir });
    expect(report.exitCode).toBe(0);
    expect(timelineSteps(report.stdout)).toEqual(eventSteps(events));
    expect(report.stdout).toContain("- Outcome: healthy — every participant back on its old version");
  }, 120_000);

  it("a walk that releases nothing is not a handled train: a dry run ends still broken", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["run", "release-train", "--drill", "train-backtesting-crash", "--dry-run"], { cwd: dir, env: noCluster(dir), timeoutMs: 60_000 });
    expect(r.stdout).toContain("DRILL train-backtesting-crash: STILL BROKEN — train q4-curve-upgrade was never released: nothing was tried, nothing rolled back");
    expect(r.exitCode).toBe(1);
    const { events } = readDrillIncident(dir);
    expect(events.filter((e) => e.type === "step.started")).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: "drill.finished", healthy: false });
  }, 70_000);
});

const hasTmux = (await execa("tmux", ["-V"], { reject: false })).exitCode === 0;

describe.skipIf(!hasTmux)("the release-train drill in the console", () => {
  it("from home with no cluster: pick the drill, walk it, the failed health check leads to the rollback, resolve; healthy, every action in the file and the report", async () => {
    const dir = scratchDir(onTestFinished);
    const term = await startTerminal(`node ${BIN}`, { cwd: dir, env: noCluster(dir), height: 50 });
    onTestFinished(() => term.kill());
    const closing = await walkDrillInConsole(term, dir, { scenario: "train-backtesting-crash", rootCause: "backtesting 2.0.0 calls the renamed curve endpoint" });
    // The closing screen shows the summary and the report; the verdict is read from the incident file below.
    expect(closing).toMatch(/DRILL \S+: HEALTHY|the full report: handrail report/);

    const { file, events } = readDrillIncident(dir);
    expect(incidentIsWhole(events)).toBe(true);
    const runbook = await shippedRunbook("release-train");
    const plan = planKeys(runbook, "high", { participants: PARTICIPANTS }, {});
    expect(finishedSteps(events)).toEqual([...plan.slice(0, plan.indexOf("release-rollout[backtesting]") + 1), ...plan.slice(plan.indexOf("rollback-assess"))]);
    expect(events.find((e) => e.type === "incident.resolved")).toMatchObject({ rootCause: "backtesting 2.0.0 calls the renamed curve endpoint" });
    expect(events.find((e) => e.type === "drill.finished")).toMatchObject({ healthy: true, walkComplete: true });
    const report = await runCli(["report", file], { cwd: dir });
    expect(timelineSteps(report.stdout)).toEqual(eventSteps(events));
    expect(report.stdout).toContain("- Outcome: healthy");
  }, 150_000);

  it("skipping the rollback leaves the train broken: the summary says which participants are not back", async () => {
    const dir = scratchDir(onTestFinished);
    const term = await startTerminal(`node ${BIN}`, { cwd: dir, env: noCluster(dir), height: 50 });
    onTestFinished(() => term.kill());
    const reason = "fix forward instead";
    await walkDrillInConsole(term, dir, {
      scenario: "train-backtesting-crash",
      skip: { "Execution: roll back the participant": reason, "Verify rollback success": reason, "Check service health after rollback": reason },
      rootCause: "not rolled back",
    });
    const { events } = readDrillIncident(dir);
    expect(incidentIsWhole(events)).toBe(true);
    expect(events.filter((e) => e.type === "step.skipped").map((e) => (e as EventOf<"step.skipped">).step).filter((k) => k.startsWith("rollback-undo["))).toEqual(["rollback-undo[scenario]", "rollback-undo[backtesting]", "rollback-undo[curve]"]);
    const finished = events.find((e) => e.type === "drill.finished") as EventOf<"drill.finished">;
    expect(finished).toMatchObject({ healthy: false, skipped: 9 });
    expect(finished.detail).toMatch(/^train q4-curve-upgrade not rolled back: curve still on 2\.0\.0; backtesting 0\/3 ready on registry\.254carbon\.local\/platform\/backtesting:2\.0\.0, 1 (CrashLoopBackOff|Error|NotReady) \(3 pods still on 1\.6\.3\)$/);
  }, 150_000);
});

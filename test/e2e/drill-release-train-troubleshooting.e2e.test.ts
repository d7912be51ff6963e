/**
 * The stuck-train drill headless through the built binary: `run release-train-troubleshooting
 * --drill train-stuck-pull`. The deployment-failure resolution applies the fixed manifest and the
 * drill ends healthy with every step of the plan in the incident; tuning resources instead leaves
 * the rollout stuck, the walk stops at the recovery check and the summary names the right fix.
 */
import { execa } from "execa";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { EventOf } from "../../src/incident/events.js";
import { BIN, runCli, scratchDir } from "../helpers/cli.js";
import { walkDrillInConsole } from "../helpers/console-drill.js";
import { eventSteps, finishedSteps, incidentIsWhole, planKeys, readDrillIncident, shippedRunbook, timelineSteps } from "../helpers/drill-incident.js";
import { startTerminal } from "../helpers/tmux.js";

const noCluster = (dir: string) => ({ HOME: dir, KUBECONFIG: path.join(dir, "no-such-kubeconfig") });
const RIGHT = { diagnose: "deployment-failures", remediate: "deployment-failures", rollback: "not-needed" };
const options = (chosen: Record<string, string>) => Object.entries(chosen).flatMap(([phase, option]) => ["--option", `${phase}=${option}`]);

describe("handrail run release-train-troubleshooting --drill train-stuck-pull", () => {
  it("the deployment-failure resolution: exit 0, healthy, every step of the plan in the incident and the report", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["run", "release-train-troubleshooting", "--drill", "train-stuck-pull", "--yes", ...options(RIGHT)], { cwd: dir, env: noCluster(dir), timeoutMs: 110_000 });
    expect(r.stdout).toContain("DRILL train-stuck-pull: HEALTHY — backtesting 3/3 ready on registry.254carbon.local/platform/backtesting:2.0.0; the train can go on");
    // The assessment sees the symptom: the new pod cannot pull its image.
    expect(r.stderr).toMatch(/1 of 4 pods not ready \(backtesting-[a-z0-9-]+: (ImagePullBackOff|ErrImagePull)\)/);
    expect(r.stdout).toContain('deployment "backtesting" successfully rolled out');
    expect(r.stdout).toMatch(/\{"status":"ok","pod":"backtesting-/);
    expect(r.exitCode).toBe(0);

    const { file, events } = readDrillIncident(dir);
    expect(incidentIsWhole(events)).toBe(true);
    expect(events[0]).toMatchObject({ type: "incident.opened", mode: "drill", scenario: "train-stuck-pull", severity: "high" });
    const runbook = await shippedRunbook("release-train-troubleshooting");
    expect(finishedSteps(events)).toEqual(planKeys(runbook, "high", { participants: ["curve", "backtesting", "scenario"] }, RIGHT));
    const status = (key: string) => (events.find((e) => e.type === "step.finished" && e.step === key) as EventOf<"step.finished">).status;
    for (const key of ["sd-scale-down", "sd-apply", "sd-restart", "sd-rollout", "rc-rollout", "rc-health", "rc-participants[backtesting]"]) expect([key, status(key)]).toEqual([key, "passed"]);
    expect(events.filter((e) => e.type === "option.chosen").map((e) => (e as EventOf<"option.chosen">).option)).toEqual(["deployment-failures", "deployment-failures", "not-needed"]);
    expect(events.at(-1)).toMatchObject({ type: "drill.finished", healthy: true, walkComplete: true, skipped: 0 });

    const report = await runCli(["report", file], { cwd: dir });
    expect(report.exitCode).toBe(0);
    expect(timelineSteps(report.stdout)).toEqual(eventSteps(events));
    expect(report.stdout).toContain("Chose option **deployment-failures** in remediate");
  }, 120_000);

  it("scaling up resources instead: the rollout stays stuck, exit 1, and the summary names the fix", async () => {
    const dir = scratchDir(onTestFinished);
    const wrong = { ...RIGHT, remediate: "performance-degradation" };
    const r = await runCli(["run", "release-train-troubleshooting", "--drill", "train-stuck-pull", "--yes", ...options(wrong)], { cwd: dir, env: noCluster(dir), timeoutMs: 110_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/DRILL train-stuck-pull: STILL BROKEN — train q4-curve-upgrade still stuck: backtesting 0\/3 ready on registry\.254carbon\.local\/platform\/backtesting:v2\.0\.0(, \d (ImagePullBackOff|ErrImagePull|Pending))? \(3 pods still on 1\.6\.3\)/);
    expect(r.stdout).toContain("what would have fixed it: remediate=deployment-failures (Fix the service deployment)");
    // The recovery check finds it still stuck; or, when the two restarts fall in the same second, kubectl refuses the second one first.
    expect(r.stderr).toMatch(/stopped at (rc-rollout|rc-restart) \(failed\)/);
    expect(r.stderr).toMatch(/deployment "backtesting" exceeded its progress deadline|if restart has already been triggered within the past second/);
    const { events } = readDrillIncident(dir);
    expect(incidentIsWhole(events)).toBe(true);
    expect(finishedSteps(events)).toEqual(expect.arrayContaining(["pd-scale-up", "pd-optimize", "pd-restart", "rc-restart"]));
    expect(events.at(-1)).toMatchObject({ type: "drill.finished", healthy: false, walkComplete: false });
  }, 120_000);
});

const hasTmux = (await execa("tmux", ["-V"], { reject: false })).exitCode === 0;

describe.skipIf(!hasTmux)("the stuck-train drill in the console", () => {
  it("from home with no cluster: pick the drill, walk it with the right options, resolve; healthy, every action in the file and the report", async () => {
    const dir = scratchDir(onTestFinished);
    const term = await startTerminal(`node ${BIN}`, { cwd: dir, env: noCluster(dir), height: 50 });
    onTestFinished(() => term.kill());
    const closing = await walkDrillInConsole(term, dir, { scenario: "train-stuck-pull", choose: { Diagnose: "3", Resolve: "3", Rollback: "1" }, rootCause: "tag v2.0.0 never pushed" });
    // The closing screen shows the summary and the report; the verdict is read from the incident file below.
    expect(closing).toMatch(/DRILL \S+: HEALTHY|the full report: handrail report/);

    const { file, events } = readDrillIncident(dir);
    expect(incidentIsWhole(events)).toBe(true);
    const runbook = await shippedRunbook("release-train-troubleshooting");
    expect(finishedSteps(events)).toEqual(planKeys(runbook, "high", { participants: ["curve", "backtesting", "scenario"] }, RIGHT));
    expect(events.filter((e) => e.type === "option.chosen").map((e) => [(e as EventOf<"option.chosen">).phase, (e as EventOf<"option.chosen">).option])).toEqual(Object.entries(RIGHT));
    expect(events.find((e) => e.type === "incident.resolved")).toMatchObject({ rootCause: "tag v2.0.0 never pushed" });
    expect(events.find((e) => e.type === "drill.finished")).toMatchObject({ healthy: true, walkComplete: true });
    const report = await runCli(["report", file], { cwd: dir });
    expect(timelineSteps(report.stdout)).toEqual(eventSteps(events));
    expect(report.stdout).toContain("tag v2.0.0 never pushed");
    expect(report.stdout).toContain("- Outcome: healthy");
  }, 150_000);
});

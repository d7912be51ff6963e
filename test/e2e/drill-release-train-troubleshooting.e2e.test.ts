/**
 * The stuck-train drill headless through the built binary: `run release-train-troubleshooting
 * --drill train-stuck-pull`. The documented fix applies the fixed manifest beside the serving pods
 * and the drill ends healthy, with every conditional step that did not apply passed over (no
 * restart after the resolution, none in verification) and none of them run. Wrong fixes end with
 * verification failing while the scenario says broken: resource tuning at the recovery verdict,
 * the previous version at the train's version check. Stopping every pod first is not offered for
 * an image pull failure; reached from another diagnosis it heals, and the summary names the outage.
 */
import { execa } from "execa";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { EventOf, IncidentEvent } from "../../src/incident/events.js";
import { BIN, runCli, scratchDir } from "../helpers/cli.js";
import { walkDrillInConsole } from "../helpers/console-drill.js";
import { eventSteps, finishedSteps, incidentIsWhole, planKeys, readDrillIncident, shippedRunbook, timelineSteps } from "../helpers/drill-incident.js";
import { startTerminal } from "../helpers/tmux.js";

const noCluster = (dir: string) => ({ HOME: dir, KUBECONFIG: path.join(dir, "no-such-kubeconfig") });
const RIGHT = { diagnose: "deployment-failures", remediate: "deployment-failures", rollback: "not-needed" };
const PARTICIPANTS = { participants: ["curve", "backtesting", "scenario"] };
const options = (chosen: Record<string, string>) => Object.entries(chosen).flatMap(([phase, option]) => ["--option", `${phase}=${option}`]);
/** The documented fix passes these over: no registry secret, the apply changed the deployment, the service was healthy, no database named. */
const PASSED_OVER = ["sd-pull-secret", "sd-restart", "rc-restart", "rc-rolled-back", "rc-db-restore", "rc-db-integrity", "rc-db-consistency"];

const drill = (dir: string, chosen: Record<string, string>) =>
  runCli(["run", "release-train-troubleshooting", "--drill", "train-stuck-pull", "--yes", ...options(chosen)], { cwd: dir, env: noCluster(dir), timeoutMs: 110_000 });
const statusOf = (events: readonly IncidentEvent[], key: string) => (events.find((e) => e.type === "step.finished" && e.step === key) as EventOf<"step.finished"> | undefined)?.status;
const skippedFor = (events: readonly IncidentEvent[], reason: string) => events.flatMap((e) => (e.type === "step.skipped" && e.reason === reason ? [e.step] : []));
const started = (events: readonly IncidentEvent[]) => new Set(events.flatMap((e) => (e.type === "step.started" ? [e.step] : [])));
/** The report's timeline helper reads confirmed … cancelled; a diagnose check that found its symptom is asserted on its own. */
const notFound = (steps: string[]) => steps.filter((s) => !s.endsWith(": found"));

describe("handrail run release-train-troubleshooting --drill train-stuck-pull", () => {
  it("the documented fix (rolling, no outage): exit 0, healthy; conditional steps that do not apply are passed over and never run", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await drill(dir, RIGHT);
    expect(r.stdout).toContain("DRILL train-stuck-pull: HEALTHY — backtesting 3/3 ready on registry.254carbon.local/platform/backtesting:2.0.0; the train can go on (curve 2.0.0, backtesting 2.0.0, scenario 1.5.1)\n");
    expect(r.stdout).not.toContain("served nothing");
    expect(r.stdout).toContain('deployment "backtesting" successfully rolled out');
    expect(r.stdout).toContain("verdict: on the train's version");
    expect(r.stdout).toMatch(/\{"status":"ok","pod":"backtesting-/);
    expect(r.exitCode).toBe(0);

    const { file, events } = readDrillIncident(dir);
    expect(incidentIsWhole(events)).toBe(true);
    expect(events[0]).toMatchObject({ type: "incident.opened", mode: "drill", scenario: "train-stuck-pull", severity: "high" });
    const runbook = await shippedRunbook("release-train-troubleshooting");
    expect(skippedFor(events, "condition")).toEqual(PASSED_OVER);
    const ran = started(events);
    for (const key of PASSED_OVER) expect([key, ran.has(key)]).toEqual([key, false]);
    expect(finishedSteps(events)).toEqual(planKeys(runbook, "high", PARTICIPANTS, RIGHT).filter((k) => !PASSED_OVER.includes(k)));
    // The symptom, found where the runbook looks for it: not failures of the walk.
    for (const key of ["participant-pods[backtesting]", "sd-pods"]) expect([key, statusOf(events, key)]).toEqual([key, "found"]);
    for (const key of ["sd-apply", "sd-rollout", "rb-check", "rc-check", "rc-rollout", "rc-ready", "rc-version", "rc-health", "rc-participants[backtesting]"]) {
      expect([key, statusOf(events, key)]).toEqual([key, "passed"]);
    }
    expect(events.filter((e) => e.type === "option.chosen").map((e) => (e as EventOf<"option.chosen">).option)).toEqual(["deployment-failures", "deployment-failures", "not-needed"]);
    expect(events.at(-1)).toMatchObject({ type: "drill.finished", healthy: true, walkComplete: true, skipped: 0 }); // PASSED_OVER are not needed, not gaps

    const report = await runCli(["report", file], { cwd: dir });
    expect(report.exitCode).toBe(0);
    expect(timelineSteps(report.stdout)).toEqual(notFound(eventSteps(events)));
    expect(report.stdout).toMatch(/ › .*: found, .* · `sd-pods`$/m);
    expect(report.stdout).toMatch(/Skipped .*: not needed — the condition saw: step rc-check is passed \(wanted found\) · `rc-restart`$/m);
    expect(report.stdout).toMatch(/Chose \*\*.*\*\* in .* · `remediate=deployment-failures`$/m);
  }, 120_000);

  it("scaling up resources instead: the rollout stays stuck, verification restarts only after its check found it unhealthy, and the verdict fails", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await drill(dir, { ...RIGHT, remediate: "performance-degradation" });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/DRILL train-stuck-pull: STILL BROKEN — train q4-curve-upgrade still stuck: backtesting 0\/3 ready on registry\.254carbon\.local\/platform\/backtesting:v2\.0\.0(, \d (ImagePullBackOff|ErrImagePull|Pending))? \(3 pods still on 1\.6\.3\)/);
    expect(r.stdout).toContain("what would have fixed it: remediate=deployment-failures (Fix the service deployment (rolling, no outage))");
    expect(r.stderr).toContain("stopped at rc-ready (failed)");
    expect(r.stderr).toContain('deployment "backtesting" exceeded its progress deadline');
    const { events } = readDrillIncident(dir);
    expect(incidentIsWhole(events)).toBe(true);
    expect(finishedSteps(events)).toEqual(expect.arrayContaining(["pd-scale-up", "pd-optimize", "pd-restart"]));
    // Checked before it restarted: the restart comes only after the check found the service unhealthy.
    expect(["rb-check", "rc-check", "rc-restart", "rc-rollout", "rc-ready"].map((k) => [k, statusOf(events, k)])).toEqual([
      ["rb-check", "found"],
      ["rc-check", "found"],
      ["rc-restart", "passed"],
      ["rc-rollout", "found"],
      ["rc-ready", "failed"],
    ]);
    expect(events.at(-1)).toMatchObject({ type: "drill.finished", healthy: false, walkComplete: false });
  }, 120_000);

  it("restoring the previous version: kubectl restores it with its registry and it serves, but the train is stuck and rc-version fails", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await drill(dir, { ...RIGHT, remediate: "immediate-rollback" });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("restoring registry.254carbon.local/platform/backtesting:1.6.3 (repository from a serving pod)");
    expect(r.stdout).toContain("DRILL train-stuck-pull: STILL BROKEN — train q4-curve-upgrade still stuck: backtesting runs registry.254carbon.local/platform/backtesting:1.6.3, not the train's 2.0.0");
    expect(r.stdout).toContain("verdict: NOT on the train's version");
    expect(r.stderr).toContain("stopped at rc-version (failed)");
    const { events } = readDrillIncident(dir);
    expect(incidentIsWhole(events)).toBe(true);
    // The platform's rollback script is not in the drill: kubectl is the fallback, and says so.
    expect(["ir-rollback", "ir-set-image", "rc-check", "rc-ready", "rc-version"].map((k) => [k, statusOf(events, k)])).toEqual([
      ["ir-rollback", "failed"],
      ["ir-set-image", "passed"],
      ["rc-check", "passed"],
      ["rc-ready", "passed"],
      ["rc-version", "failed"],
    ]);
    expect(skippedFor(events, "condition")).toContain("rc-restart");
    expect(events.at(-1)).toMatchObject({ type: "drill.finished", healthy: false, walkComplete: false });
  }, 120_000);

  it("stopping every pod first is not offered once the diagnosis found an image pull failure: nothing is stopped", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await drill(dir, { ...RIGHT, remediate: "deployment-recreate" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("remediate has no option deployment-recreate now");
    expect(r.stdout).toMatch(/STILL BROKEN — train q4-curve-upgrade still stuck: .*\(3 pods still on 1\.6\.3\)/);
    expect(r.stdout).not.toContain("served nothing");
    const { events } = readDrillIncident(dir);
    expect(statusOf(events, "sd-pods")).toBe("found");
    expect([...started(events)].filter((k) => k.startsWith("sr-"))).toEqual([]);
  }, 120_000);

  it("stopping every pod first after another diagnosis: healthy again, the replicas restored, and the summary names the outage", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await drill(dir, { diagnose: "quality-gates", remediate: "deployment-recreate", rollback: "not-needed" });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/HEALTHY — backtesting 3\/3 ready on registry\.254carbon\.local\/platform\/backtesting:2\.0\.0; .*; but backtesting served nothing from \d\d:\d\d:\d\d to \d\d:\d\d:\d\d UTC: every pod was stopped, an outage a rolling fix avoids/);
    const { events } = readDrillIncident(dir);
    expect(["sr-scale-down", "sr-apply", "sr-scale-up", "sr-rollout", "rc-ready", "rc-version"].map((k) => [k, statusOf(events, k)])).toEqual([
      ["sr-scale-down", "passed"],
      ["sr-apply", "passed"],
      ["sr-scale-up", "passed"],
      ["sr-rollout", "passed"],
      ["rc-ready", "passed"],
      ["rc-version", "passed"],
    ]);
    expect(skippedFor(events, "condition")).toEqual(expect.arrayContaining(["sr-restart", "rc-restart"]));
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
    // The console passes over the same conditional steps as the headless run, and runs none of them.
    expect(skippedFor(events, "condition")).toEqual(PASSED_OVER);
    expect(PASSED_OVER.filter((k) => started(events).has(k))).toEqual([]);
    expect(finishedSteps(events)).toEqual(planKeys(runbook, "high", PARTICIPANTS, RIGHT).filter((k) => !PASSED_OVER.includes(k)));
    expect(events.filter((e) => e.type === "option.chosen").map((e) => [(e as EventOf<"option.chosen">).phase, (e as EventOf<"option.chosen">).option])).toEqual(Object.entries(RIGHT));
    expect(events.find((e) => e.type === "incident.resolved")).toMatchObject({ rootCause: "tag v2.0.0 never pushed" });
    expect(events.find((e) => e.type === "drill.finished")).toMatchObject({ healthy: true, walkComplete: true });
    const report = await runCli(["report", file], { cwd: dir });
    expect(timelineSteps(report.stdout)).toEqual(notFound(eventSteps(events)));
    expect(report.stdout).toContain("tag v2.0.0 never pushed");
    expect(report.stdout).toContain("- Outcome: healthy");
  }, 150_000);
});

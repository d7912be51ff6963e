/**
 * The release-train runbook through the built binary. The drill (`run release-train --drill
 * train-backtesting-crash --yes --option train-decision=…`): backtesting fails its rollout, the walk
 * reaches the failure assessment and the train decision; rolling back through the platform's
 * rollback API heals it, holding leaves it broken and the verification after the decision fails. Two
 * worlds of the same train, walked with `run --kubeconfig` against the simulated cluster: a train
 * where no participant fails runs no rollback step with --yes (the rollback pre-chosen with --option
 * or not) and completes, and with the platform's rollback service down (the drill
 * train-rollback-service-down) the kubectl fallback rolls the train back.
 */
import { execa } from "execa";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { EventOf, IncidentEvent } from "../../src/incident/events.js";
import { startDrill } from "../../src/sandbox/drill.js";
import { trainApi, trainCleanRelease, trainRollbackServiceDown } from "../../src/sandbox/scenarios/train-backtesting-crash.js";
import type { Scenario } from "../../src/sandbox/scenarios/types.js";
import { BIN, runCli, scratchDir, type CliResult } from "../helpers/cli.js";
import { walkDrillInConsole } from "../helpers/console-drill.js";
import { eventSteps, finishedSteps, incidentIsWhole, planKeys, readDrillIncident, shippedRunbook, timelineSteps } from "../helpers/drill-incident.js";
import { startTerminal } from "../helpers/tmux.js";

const PARTICIPANTS = ["curve", "backtesting", "scenario"];
const noCluster = (dir: string) => ({ HOME: dir, KUBECONFIG: path.join(dir, "no-such-kubeconfig") });
/** Phases a train where nothing failed never walks, and the rollback's own steps. */
const FAILURE_PHASES = ["failure-assessment", "train-decision", "rollback-fallback", "decision-verification", "rollback-documentation"];

const startedSteps = (events: readonly IncidentEvent[]) => events.flatMap((e) => (e.type === "step.started" ? [e.step] : []));
const skippedBy = (events: readonly IncidentEvent[], reason: string) => events.flatMap((e) => (e.type === "step.skipped" && e.reason === reason ? [e.step] : []));
const statusOf = (events: readonly IncidentEvent[], key: string) => (events.find((e) => e.type === "step.finished" && e.step === key) as EventOf<"step.finished"> | undefined)?.status;
const outputOf = (events: readonly IncidentEvent[], key: string) =>
  events.flatMap((e) => (e.type === "step.output" && e.step === key ? (e as EventOf<"step.output">).lines : [])).join("\n");

describe("handrail run release-train --drill train-backtesting-crash", () => {
  it("the documented fix: backtesting fails its rollout, the train decision rolls it back through the platform's API in reverse order, the drill ends healthy", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["run", "release-train", "--drill", "train-backtesting-crash", "--yes", "--option", "train-decision=rollback"], { cwd: dir, env: noCluster(dir), timeoutMs: 110_000 });
    expect(r.stdout).toContain("DRILL train-backtesting-crash: HEALTHY — every participant back on its old version, all pods ready (curve 1.8.0, backtesting 1.6.3, scenario 1.5.1); rolled back backtesting → curve");
    expect(r.stdout).toMatch(/walk {16}complete/);
    // The platform's scripts are not in a drill: those steps fail with the diagnosis and the walk goes on.
    expect(r.stdout).toContain("this step expects scripts/plan_release_train.py, which is not here");
    expect(r.stderr).toContain('deployment "backtesting" exceeded its progress deadline');
    expect(r.exitCode).toBe(0);

    const { file, events } = readDrillIncident(dir);
    expect(incidentIsWhole(events)).toBe(true);
    const opened = events[0] as EventOf<"incident.opened">;
    expect(opened).toMatchObject({ mode: "drill", scenario: "train-backtesting-crash", severity: "high", kube: { context: "drill-train-backtesting-crash" } });
    // The seed's own train name is taken; the drill gives no rollback reason away.
    const inputs = events.filter((e): e is EventOf<"input.set"> => e.type === "input.set");
    expect(inputs.find((e) => e.name === "train")?.value).toBe("Q4-curve-upgrade");
    expect(inputs.map((e) => e.name)).not.toContain("rollback_reason");

    // Every step of the plan up to backtesting's failed rollout, then the failure path; the kubectl
    // fallback, the fix-forward check and the completion are passed over by their conditions.
    const runbook = await shippedRunbook("release-train");
    const plan = planKeys(runbook, "high", { participants: PARTICIPANTS }, { "train-decision": "rollback" });
    const byCondition = [...PARTICIPANTS.map((p) => `rollback-undo[${p}]`).reverse(), ...PARTICIPANTS.map((p) => `after-fixed[${p}]`), "mark-completed", "complete-docs", "complete-monitoring", "complete-audit", "complete-cleanup"];
    expect(skippedBy(events, "condition")).toEqual(byCondition);
    const expected = [...plan.slice(0, plan.indexOf("release-rollout[backtesting]") + 1), ...plan.slice(plan.indexOf("rollback-assess")).filter((k) => !byCondition.includes(k))];
    expect(finishedSteps(events)).toEqual(expected);
    expect(statusOf(events, "release-rollout[curve]")).toBe("passed");
    expect(statusOf(events, "release-rollout[backtesting]")).toBe("failed");
    expect(events.filter((e) => e.type === "option.chosen")).toMatchObject([{ phase: "train-decision", option: "rollback" }]);
    // The reason on record is what the platform reported, not a pre-filled input.
    expect(outputOf(events, "rollback-reason")).toContain("reason (from the train status): unhealthy after release: backtesting 2.0.0 unhealthy");
    expect(outputOf(events, "rollback-trigger")).toContain('"reason": "unhealthy after release: backtesting 2.0.0 unhealthy"');
    expect(outputOf(events, "rollback-wait")).toContain("completed: scenario skipped, backtesting rolled_back, curve rolled_back");
    for (const key of ["rollback-reason", "rollback-trigger", "rollback-wait", "mark-rolled-back", "rollback-record"]) expect(statusOf(events, key), key).toBe("passed");
    for (const p of PARTICIPANTS) expect([statusOf(events, `after-pods[${p}]`), statusOf(events, `after-health[${p}]`), statusOf(events, `after-rolled-back[${p}]`)]).toEqual(["passed", "passed", "passed"]);
    expect(events.filter((e) => e.type === "phase.entered").map((e) => (e as EventOf<"phase.entered">).phase)).toEqual(["planning", "validation", "staging", "execution", ...FAILURE_PHASES.filter((p) => p !== "rollback-fallback")]);
    expect(events.at(-1)).toMatchObject({ type: "drill.finished", healthy: true, walkComplete: true });

    const report = await runCli(["report", file], { cwd: dir });
    expect(report.exitCode).toBe(0);
    expect(timelineSteps(report.stdout)).toEqual(eventSteps(events));
    expect(report.stdout).toContain("- Outcome: healthy — every participant back on its old version");
  }, 120_000);

  it("holding the train changes nothing: the verification after the decision fails on backtesting, the drill ends still broken", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["run", "release-train", "--drill", "train-backtesting-crash", "--yes", "--option", "train-decision=hold"], { cwd: dir, env: noCluster(dir), timeoutMs: 110_000 });
    expect(r.stdout).toMatch(/DRILL train-backtesting-crash: STILL BROKEN — train Q4-curve-upgrade not rolled back: curve still on 2\.0\.0; backtesting 0\/3 ready on \S+backtesting:2\.0\.0/);
    expect(r.stdout).toContain("what would have fixed it: train-decision=rollback (Roll back the train (reverse order))");
    expect(r.exitCode).toBe(1);
    const { events } = readDrillIncident(dir);
    expect(statusOf(events, "hold-pause")).toBe("passed");
    // curve is healthy on 2.0.0; backtesting is not, and the walk stops there.
    expect(statusOf(events, "after-pods[curve]")).toBe("passed");
    expect(statusOf(events, "after-pods[backtesting]")).toBe("failed");
    expect(events.filter((e) => e.type === "step.started").map((e) => e.step).filter((k) => /^(rollback-(reason|trigger|wait|undo)|mark-rolled-back|mark-completed)/.test(k))).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: "drill.finished", healthy: false, walkComplete: false });
  }, 120_000);

  it("a walk that releases nothing is not a handled train: a dry run ends still broken", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["run", "release-train", "--drill", "train-backtesting-crash", "--dry-run"], { cwd: dir, env: noCluster(dir), timeoutMs: 60_000 });
    expect(r.stdout).toContain("DRILL train-backtesting-crash: STILL BROKEN — train Q4-curve-upgrade was never released: nothing was tried, nothing rolled back");
    expect(r.exitCode).toBe(1);
    const { events } = readDrillIncident(dir);
    expect(events.filter((e) => e.type === "step.started")).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: "drill.finished", healthy: false });
  }, 70_000);
});

/** Walk the runbook headless with the built binary against a test world (not a drill): its cluster, its platform API, its files. */
async function runAgainst(scenario: Scenario, extra: string[]) {
  const d = await startDrill(scenario);
  onTestFinished(() => d.stop());
  const incidents = scratchDir(onTestFinished);
  const sets = Object.entries(d.inputs).flatMap(([k, v]) => ["--set", `${k}=${Array.isArray(v) ? v.join(",") : v}`]);
  const env = {
    HOME: d.world.dir,
    ...d.world.env,
    HANDRAIL_SLACK_WEBHOOK_URL: `${d.inbox.url}/slack/test`,
    HANDRAIL_SMTP_URL: d.inbox.smtpUrl,
    HANDRAIL_EMAIL_FROM: "handrail-test@localhost",
    HANDRAIL_EMAIL_TO: "release-managers@test.invalid",
  };
  const r: CliResult = await runCli(["run", "release-train", "--kubeconfig", d.kubeconfig, "--incidents", incidents, "--yes", ...sets, ...extra], { cwd: d.world.dir, env, timeoutMs: 110_000 });
  const name = readdirSync(incidents).find((f) => f.endsWith(".jsonl"));
  if (!name) throw new Error(`no incident in ${incidents}:\n${r.stdout}\n${r.stderr}`);
  const events = readFileSync(path.join(incidents, name), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
  return { d, r, events, api: trainApi(d.world)! };
}

describe("handrail run release-train against test worlds of the same train", () => {
  it("a train where no participant fails: --yes, even with the rollback pre-chosen, completes it, and no step of the failure path or the rollback runs", async () => {
    // The scripted run that once rolled back a successful train: --yes, and the rollback chosen in advance.
    const { d, r, events, api } = await runAgainst(trainCleanRelease, ["--option", "train-decision=rollback"]);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`.slice(-3000)).toBe(1); // only the platform scripts' steps fail (not here): see below
    const failed = events.flatMap((e) => (e.type === "step.finished" && e.status !== "passed" ? [`${e.step}: ${e.status}`] : []));
    expect(failed).toEqual(["validate-train: failed", "rollback-options: failed"]);
    const started = events.flatMap((e) => (e.type === "step.started" ? [e] : []));
    expect(started.filter((e) => FAILURE_PHASES.includes(e.phase)).map((e) => e.step)).toEqual([]);
    expect(events.filter((e) => e.type === "option.chosen")).toEqual([]);
    // Every step of those phases is on record as passed over by its condition.
    const runbook = await shippedRunbook("release-train");
    const failurePath = planKeys(runbook, "high", { participants: PARTICIPANTS }, {}).filter((k) => {
      const phase = runbook.phases.find((p) => (p.steps ?? []).some((s) => s.id === k.replace(/\[.*\]$/, "")));
      return phase !== undefined && FAILURE_PHASES.includes(phase.id);
    });
    expect(failurePath.length).toBeGreaterThan(10);
    const skipped = events.filter((e): e is EventOf<"step.skipped"> => e.type === "step.skipped");
    expect(skipped.every((e) => e.reason === "condition")).toBe(true);
    expect(skipped.map((e) => e.step).filter((k) => !k.startsWith("choose:"))).toEqual(failurePath);
    expect(skipped.map((e) => e.step)).toContain("choose:train-decision");
    for (const p of PARTICIPANTS) expect([statusOf(events, `release-rollout[${p}]`), statusOf(events, `verify-version[${p}]`), statusOf(events, `verify-health[${p}]`)]).toEqual(["passed", "passed", "passed"]);
    for (const k of ["mark-completed", "complete-monitoring", "complete-audit"]) expect(statusOf(events, k), k).toBe("passed");
    // The world: released, completed, never rolled back.
    expect(api.trains.get("Q4-curve-upgrade")?.history).toEqual(["planning", "staging", "executing", "verifying", "completed"]);
    expect(api.rollbacks.size).toBe(0);
    expect(await d.health()).toMatchObject({ healthy: true, detail: "every participant released, all pods ready (curve 2.0.0, backtesting 2.0.0, scenario 2.0.0); train status completed" });
  }, 120_000);

  it("the operator decides: on a train none of whose checks failed, a rollback reason offers the decision, and the rollback takes every participant back with that reason", async () => {
    const reason = "user acceptance: backtests disagree with the 1.x results";
    const { d, events, api } = await runAgainst(trainCleanRelease, ["--set", `rollback_reason=${reason}`, "--option", "train-decision=rollback"]);
    // Everything the release checks passed; the decision came from the operator's reason alone.
    for (const p of PARTICIPANTS) expect([statusOf(events, `release-rollout[${p}]`), statusOf(events, `verify-version[${p}]`)]).toEqual(["passed", "passed"]);
    expect(events.filter((e) => e.type === "option.chosen")).toMatchObject([{ phase: "train-decision", option: "rollback" }]);
    expect(outputOf(events, "rollback-reason")).toContain(`reason (given): ${reason}`);
    expect(api.rollbacks.get("Q4-curve-upgrade")?.record).toMatchObject({ reason, status: "completed" });
    expect(api.rollbacks.get("Q4-curve-upgrade")?.record.participants.map((p) => `${p.name} ${p.state}`)).toEqual(["scenario rolled_back", "backtesting rolled_back", "curve rolled_back"]);
    for (const p of PARTICIPANTS) expect(statusOf(events, `after-rolled-back[${p}]`), p).toBe("passed");
    expect(api.trains.get("Q4-curve-upgrade")?.status).toBe("rolled_back");
    // Not completed: a rolled-back train is not a released one.
    expect(startedSteps(events)).not.toContain("mark-completed");
    expect(await d.health()).toMatchObject({ healthy: false, detail: "train Q4-curve-upgrade was rolled back although no participant failed: scenario → backtesting → curve" });
  }, 120_000);

  it("with the platform's rollback service down the trigger fails and the kubectl fallback rolls the train back in reverse order", async () => {
    const { d, r, events, api } = await runAgainst(trainRollbackServiceDown, ["--option", "train-decision=rollback"]);
    expect(statusOf(events, "rollback-trigger")).toBe("failed");
    expect(r.stderr).toContain("The requested URL returned error: 503");
    expect(skippedBy(events, "condition")).toContain("rollback-wait");
    expect(finishedSteps(events).filter((k) => k.startsWith("rollback-undo["))).toEqual(["rollback-undo[scenario]", "rollback-undo[backtesting]", "rollback-undo[curve]"]);
    for (const p of PARTICIPANTS) expect(statusOf(events, `rollback-undo[${p}]`)).toBe("passed");
    expect(outputOf(events, "rollback-undo[scenario]")).toContain("scenario runs registry.254carbon.local/platform/scenario:1.5.1, not 2.0.0: not released by this train, nothing to roll back");
    for (const p of PARTICIPANTS) expect(statusOf(events, `after-rolled-back[${p}]`)).toBe("passed");
    expect(api.trains.get("Q4-curve-upgrade")?.status).toBe("rolled_back");
    expect(await d.health()).toMatchObject({ healthy: true });
    // The failed trigger is on record: the run says a step failed.
    expect(r.exitCode).toBe(1);
  }, 120_000);
});

const hasTmux = (await execa("tmux", ["-V"], { reject: false })).exitCode === 0;

describe.skipIf(!hasTmux)("the release-train drill in the console", () => {
  it("from home with no cluster: pick the drill, walk it, the failed rollout leads to the train decision, roll back, resolve; healthy, every action in the file and the report", async () => {
    const dir = scratchDir(onTestFinished);
    const term = await startTerminal(`node ${BIN}`, { cwd: dir, env: noCluster(dir), height: 50 });
    onTestFinished(() => term.kill());
    const closing = await walkDrillInConsole(term, dir, { scenario: "train-backtesting-crash", choose: { "Train decision": "3" }, rootCause: "backtesting 2.0.0 calls the renamed curve endpoint" });
    // The closing screen shows the summary and the report; the verdict is read from the incident file below.
    expect(closing).toMatch(/DRILL \S+: HEALTHY|the full report: handrail report/);

    const { file, events } = readDrillIncident(dir);
    expect(incidentIsWhole(events)).toBe(true);
    expect(events.filter((e) => e.type === "option.chosen")).toMatchObject([{ phase: "train-decision", option: "rollback" }]);
    expect(skippedBy(events, "condition")).toEqual([...PARTICIPANTS.map((p) => `rollback-undo[${p}]`).reverse(), ...PARTICIPANTS.map((p) => `after-fixed[${p}]`), "mark-completed", "complete-docs", "complete-monitoring", "complete-audit", "complete-cleanup"]);
    const walked = finishedSteps(events);
    expect(walked[walked.indexOf("release-rollout[backtesting]") + 1]).toBe("rollback-assess");
    expect(events.find((e) => e.type === "incident.resolved")).toMatchObject({ rootCause: "backtesting 2.0.0 calls the renamed curve endpoint" });
    expect(events.find((e) => e.type === "drill.finished")).toMatchObject({ healthy: true, walkComplete: true });
    const report = await runCli(["report", file], { cwd: dir });
    expect(timelineSteps(report.stdout)).toEqual(eventSteps(events));
    expect(report.stdout).toContain("- Outcome: healthy");
  }, 150_000);

  it("holding the train and skipping the failing checks after it leaves the train broken: the summary says which participants are not back", async () => {
    const dir = scratchDir(onTestFinished);
    const term = await startTerminal(`node ${BIN}`, { cwd: dir, env: noCluster(dir), height: 50 });
    onTestFinished(() => term.kill());
    const reason = "held: the backtesting team is looking";
    const after = ["After the decision: the participant's pods are healthy", "After the decision: service health", "After the decision: failure rate <= 5%", "After the decision: performance regression < 10%"];
    await walkDrillInConsole(term, dir, { scenario: "train-backtesting-crash", choose: { "Train decision": "1" }, skip: Object.fromEntries(after.map((t) => [t, reason])), rootCause: "not rolled back" });
    const { events } = readDrillIncident(dir);
    expect(incidentIsWhole(events)).toBe(true);
    expect(events.filter((e) => e.type === "option.chosen")).toMatchObject([{ phase: "train-decision", option: "hold" }]);
    expect(events.filter((e) => e.type === "step.started").map((e) => e.step).filter((k) => k.startsWith("rollback-undo[") || k.startsWith("rollback-trigger"))).toEqual([]);
    // What the operator passed over (the walker skips every repetition of a title).
    expect(skippedBy(events, reason)).toEqual(["after-pods", "after-health", "after-failure-rate", "after-performance"].flatMap((id) => PARTICIPANTS.map((p) => `${id}[${p}]`)));
    const finished = events.find((e) => e.type === "drill.finished") as EventOf<"drill.finished">;
    expect(finished).toMatchObject({ healthy: false });
    expect(finished.detail).toMatch(/^train Q4-curve-upgrade not rolled back: curve still on 2\.0\.0; backtesting 0\/3 ready on registry\.254carbon\.local\/platform\/backtesting:2\.0\.0, 1 (CrashLoopBackOff|Error|NotReady) \(3 pods still on 1\.6\.3\)$/);
  }, 150_000);
});

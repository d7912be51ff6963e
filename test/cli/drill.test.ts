/** `handrail drill --list`, and drills run headless with `run --drill`: exit 0 only when the scenario ends healthy. */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { EventOf, IncidentEvent } from "../../src/incident/events.js";
import { runCli, scratchDir } from "../helpers/cli.js";
import { startHttpStub } from "../helpers/notify-servers.js";

function drillEvents(dir: string): { file: string; events: IncidentEvent[] } {
  const drills = path.join(dir, "incidents", "drills");
  const name = readdirSync(drills).find((f) => f.endsWith(".jsonl"))!;
  const file = path.join(drills, name);
  return { file, events: readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent) };
}

function outputOf(events: IncidentEvent[], step: string): string {
  return events.flatMap((e) => (e.type === "step.output" && e.step === step ? e.lines : [])).join("\n");
}

/** Headless --yes ran none of the steps whose condition was false: each is skipped (reason condition) and never started. */
function expectNoFalseConditionRan(events: IncidentEvent[], passedOver: string[]): void {
  const byCondition = events.filter((e): e is EventOf<"step.skipped"> => e.type === "step.skipped" && e.reason === "condition").map((e) => e.step);
  expect(byCondition).toEqual(passedOver);
  const started = new Set(events.flatMap((e) => (e.type === "step.started" ? [e.step] : [])));
  for (const step of byCondition) expect(started.has(step), step).toBe(false);
}

// The drill must never see the operator's own cluster, wherever HOME and KUBECONFIG point.
const noCluster = (dir: string) => ({ HOME: dir, KUBECONFIG: path.join(dir, "no-such-kubeconfig") });

describe("handrail drill --list", () => {
  it("prints a table of id, runbook, title and needs, and --json the same as data", async () => {
    const r = await runCli(["drill", "--list"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^ID\s+RUNBOOK\s+TITLE\s+NEEDS$/m);
    expect(r.stdout).toMatch(/^crashloop-rollback\s+emergency-rollback\s+api crash-loops after release 1\.5\.0\s+-$/m);
    const json = await runCli(["drill", "--list", "--json"]);
    expect(json.exitCode).toBe(0);
    const rows = JSON.parse(json.stdout) as Array<{ id: string; runbook: string; title: string }>;
    expect(rows).toContainEqual(expect.objectContaining({ id: "crashloop-rollback", runbook: "emergency-rollback", title: "api crash-loops after release 1.5.0" }));
    expect(rows).toContainEqual(expect.objectContaining({ id: "stuck-rollout", runbook: "emergency-rollback" }));
  });

  it("an unknown scenario is exit 2 with the closest id, for drill and for run --drill", async () => {
    const r = await runCli(["drill", "crashloop-rolback"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('handrail: no drill scenario "crashloop-rolback" (did you mean "crashloop-rollback"?)');
    const run = await runCli(["run", "emergency-rollback", "--drill", "stuck-rolout", "--yes"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('(did you mean "stuck-rollout"?)');
  });

  it("refuses a drill on another runbook, on the user's cluster flags, and with --resume", async () => {
    const dir = scratchDir(onTestFinished);
    const other = await runCli(["run", "deployment-failure", "--drill", "crashloop-rollback", "--yes"], { cwd: dir });
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toContain("--drill crashloop-rollback: this scenario drills the runbook emergency-rollback, not deployment-failure");
    const flags = await runCli(["run", "emergency-rollback", "--drill", "crashloop-rollback", "--context", "prod-eu", "--yes"], { cwd: dir });
    expect(flags.exitCode).toBe(2);
    expect(flags.stderr).toContain("--context cannot be combined with --drill");
    const resume = await runCli(["run", "emergency-rollback", "--drill", "crashloop-rollback", "--resume", "x"], { cwd: dir });
    expect(resume.exitCode).toBe(2);
    expect(resume.stderr).toContain("--drill cannot be combined with --resume");
    const option = await runCli(["run", "emergency-rollback", "--drill", "crashloop-rollback", "--option", "rollback=servce", "--yes"], { cwd: dir });
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toContain('(did you mean "service"?)');
  });
});

describe("handrail run --drill", () => {
  it("the right option: exit 0, the scenario healthy, the incident under drills/ with mode drill, listed as a drill", async () => {
    const dir = scratchDir(onTestFinished);
    // The operator's real channels are configured; a drill must not reach them.
    const real = await startHttpStub();
    onTestFinished(() => real.stop());
    const channels = { HANDRAIL_SLACK_WEBHOOK_URL: `${real.url}/real-slack`, HANDRAIL_GITHUB_TOKEN: "real-token", HANDRAIL_GITHUB_REPO: "acme/ops", HANDRAIL_GITHUB_API_URL: real.url, HANDRAIL_WEBHOOK_URL: `${real.url}/real-hook` };
    const r = await runCli(["run", "emergency-rollback", "--drill", "crashloop-rollback", "--yes", "--option", "rollback=service"], { cwd: dir, env: { ...noCluster(dir), ...channels }, timeoutMs: 110_000 });
    expect(r.stdout).toContain("DRILL    crashloop-rollback: api crash-loops after release 1.5.0");
    expect(r.stdout).toContain("DRILL crashloop-rollback: HEALTHY — 3/3 pods of api ready on shop/api:1.4.2");
    expect(r.stdout).toMatch(/time to diagnosis {3}\d/);
    expect(r.stdout).toMatch(/total time {10}\S+ of 60m for medium \(within the response time\)/);
    // A step passed over by its condition is not needed, not skipped (the summary stopped counting them in 163dfa2).
    expect(r.stdout).toContain("steps skipped       0\n");
    expect(r.exitCode).toBe(0);
    const { file, events } = drillEvents(dir);
    const status = (step: string) => (events.find((e) => e.type === "step.finished" && e.step === step) as EventOf<"step.finished"> | undefined)?.status;
    // The assessment found the crash loop (not a failure of the walk): the pods not ready, 12 ERROR lines, api with 0 available.
    expect(["pods-not-running", "error-count", "failed-deployments"].map(status)).toEqual(["found", "found", "found"]);
    // Nothing served, so the deployment was stopped; the count recorded first came back after the undo, and verified.
    expect(["replicas-before", "scale-zero", "undo", "scale-restore", "rollout-status", "available", "all-pods", "errors-after"].map(status)).toEqual(Array(8).fill("passed"));
    expect(outputOf(events, "replicas-before")).toContain("api in shop: 3 replicas wanted, 0 available");
    expect(outputOf(events, "available")).toContain("3/3 pods of api ready on shop/api:1.4.2, 0 on another image (recorded before the rollback: 3)");
    expectNoFalseConditionRan(events, ["scale-up"]);
    const opened = events[0] as EventOf<"incident.opened">;
    expect(opened).toMatchObject({ type: "incident.opened", mode: "drill", scenario: "crashloop-rollback", kube: { context: "drill-crashloop-rollback" } });
    expect(opened.kube?.server).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(events.filter((e) => e.type === "input.set").map((e) => [e.name, e.value])).toEqual(expect.arrayContaining([["service", "api"], ["namespace", "shop"]]));
    const finished = events.find((e) => e.type === "drill.finished") as EventOf<"drill.finished">;
    expect(finished).toMatchObject({ scenario: "crashloop-rollback", healthy: true, walkComplete: true, skipped: 0, respondWithin: "60m", withinResponseTime: true });
    expect(finished.timeToMitigationMs).toBeGreaterThan(finished.timeToDiagnosisMs!);
    expect(readdirSync(path.join(dir, "incidents")).filter((f) => f.endsWith(".jsonl"))).toEqual([]);
    // Its notifications went out for real, to the drill's own inbox.
    const sent = events.filter((e) => e.type === "notify.sent") as Array<EventOf<"notify.sent">>;
    expect(sent.map((e) => e.channel)).toEqual(expect.arrayContaining(["github", "slack"]));
    // Rolled back and verified: "completed" goes out; the test of the channels waits for a day without an incident.
    expect(sent.map((e) => e.step)).toEqual(expect.arrayContaining(["status-done", "email-done", "restored"]));
    expect(sent.map((e) => e.step)).not.toContain("test-notifications");
    expect(sent.every((e) => e.dryRun !== true && e.attempts === 1)).toBe(true);
    expect(real.requests).toEqual([]);
    const list = await runCli(["incidents"], { cwd: dir });
    expect(list.stdout).toMatch(new RegExp(`^${opened.incident}\\s+emergency-rollback\\s+medium\\s+finished\\s.*crashloop-rollback$`, "m"));
    const report = await runCli(["report", opened.incident], { cwd: dir });
    expect(report.exitCode).toBe(0);
    expect(report.stdout).toContain("## Drill");
    expect(report.stdout).toContain("- Scenario: crashloop-rollback");
    expect(report.stdout).toContain("- Outcome: healthy — 3/3 pods of api ready on shop/api:1.4.2");
    expect(file).toContain(`${path.sep}drills${path.sep}`);
  }, 120_000);

  it("a wrong option: exit 1, and the summary says the service is still broken and what would have fixed it", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["run", "emergency-rollback", "--drill", "crashloop-rollback", "--yes", "--option", "rollback=configuration"], { cwd: dir, env: noCluster(dir), timeoutMs: 60_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/DRILL crashloop-rollback: STILL BROKEN — 0\/3 pods of api ready on shop\/api:1\.4\.2; .*\(still on shop\/api:1\.5\.0-bad\)/);
    expect(r.stdout).toContain("what would have fixed it: rollback=service (Immediate service rollback)");
    expect(r.stderr).not.toContain("Continue with:");
    const finished = drillEvents(dir).events.find((e) => e.type === "drill.finished");
    expect(finished).toMatchObject({ healthy: false, walkComplete: false, hint: "what would have fixed it: rollback=service (Immediate service rollback)" });
    const report = await runCli(["report", drillEvents(dir).file], { cwd: dir });
    expect(report.stdout).toContain("- Outcome: still broken — 0/3 pods of api ready");
    expect(report.stdout).toContain("- What would have fixed it: rollback=service (Immediate service rollback)");
  }, 70_000);

  it("stuck-rollout: the service rollback ends healthy (exit 0); restoring state leaves the stuck pod (exit 1)", async () => {
    const dir = scratchDir(onTestFinished);
    const wrong = await runCli(["run", "emergency-rollback", "--drill", "stuck-rollout", "--yes", "--option", "rollback=state"], { cwd: dir, env: noCluster(dir), timeoutMs: 60_000 });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stdout).toContain("DRILL stuck-rollout: STILL BROKEN — 3/3 pods of api ready on shop/api:1.4.2; 1 Running (still on shop/api:1.5.1)");
    const wrongEvents = drillEvents(dir).events;
    // Nothing was rolled back: no "completed" was announced (the walk stopped before, and the condition would not hold).
    expect(wrongEvents.filter((e) => e.type === "notify.sent").map((e) => (e as EventOf<"notify.sent">).step)).not.toContain("status-done");
    rmSync(path.join(dir, "incidents"), { recursive: true });
    const right = await runCli(["run", "emergency-rollback", "--drill", "stuck-rollout", "--yes", "--option", "rollback=service"], { cwd: dir, env: noCluster(dir), timeoutMs: 110_000 });
    expect(right.stdout).toContain("DRILL stuck-rollout: HEALTHY — 3/3 pods of api ready on shop/api:1.4.2");
    expect(right.exitCode).toBe(0);
    // The old pods still served: the service was not stopped (no outage), only undone, and verified at the count it had.
    const { events } = drillEvents(dir);
    expect(outputOf(events, "replicas-before")).toContain("api in shop: 3 replicas wanted, 3 available");
    const skipped = events.filter((e): e is EventOf<"step.skipped"> => e.type === "step.skipped");
    expect(skipped.map((e) => [e.step, e.reason])).toEqual([["scale-zero", "condition"], ["scale-restore", "condition"], ["scale-up", "condition"]]);
    expectNoFalseConditionRan(events, ["scale-zero", "scale-restore", "scale-up"]);
    expect(outputOf(events, "available")).toContain("3/3 pods of api ready on shop/api:1.4.2, 0 on another image (recorded before the rollback: 3)");
  }, 120_000);
});

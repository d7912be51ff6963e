/** canary-release walked headless against its drill (canary-error-rate): `handrail run --drill` through the built binary. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { EventOf, IncidentEvent } from "../../src/incident/events.js";
import { canaryErrorRate } from "../../src/sandbox/scenarios/canary-error-rate.js";
import { runCli, scratchDir } from "../helpers/cli.js";
import { expectedTimeline, finishedSteps, timelineTexts, type DrillRun, walkDrillHeadless } from "../helpers/drill-headless.js";

function expectTimelineMatches(w: DrillRun): void {
  const rows = timelineTexts(w).filter((r) => r.startsWith("Chose **") || r.includes(" › "));
  const expected = expectedTimeline(w.events);
  expect(rows).toHaveLength(expected.length);
  rows.forEach((row, i) => expect(row.startsWith(expected[i]!), `${row} starts with ${expected[i]}`).toBe(true));
}

const PRE = ["staging-smoke", "containers", "migrations", "prometheus-healthy", "grafana-healthy", "version-service", "version-pipeline", "version-frontend", "tags", "backup-db", "rollback-tag", "container-versions"];
const CANARY = ["canary-config", "canary-up", "canary-wait", "canary-health", "pipeline-canary-health", "kong-10", "kong-reload-10"];
const BURN_IN = ["smoke-canary", "mixed-traffic", "dashboard", "gate-volume", "gate-error-rate"];
/** Severity 2 (the drill's): the ticket, then the investigation, before any rollback. */
const SEV2 = ["classify", "ticket", "t2-service", "t2-pipeline", "t2-llm", "t2-rollback"];
const VERIFY = ["rv-ps", "rv-smoke", "rv-error-rate", "rv-metrics", "rv-grafana"];
const POST = ["alerts", "daily", "baseline", "uat", "release-checklist"];

const out = (events: IncidentEvent[], step: string) => events.flatMap((e) => (e.type === "step.output" && e.step === step ? e.lines : [])).join("\n");
const passedOver = (events: IncidentEvent[]) => events.filter((e): e is EventOf<"step.skipped"> => e.type === "step.skipped" && e.reason === "condition").map((e) => e.step);
const started = (events: IncidentEvent[]) => events.filter((e) => e.type === "step.started").map((e) => (e as EventOf<"step.started">).step);

/** A step passed over by its condition never started: headless `--yes` ran nothing whose condition was false. */
function expectConditionsHeld(events: IncidentEvent[]): void {
  const ran = new Set(started(events));
  for (const step of passedOver(events)) expect(ran.has(step), `${step} was passed over and still ran`).toBe(false);
}

describe("drill canary-error-rate (canary-release), headless", () => {
  it("the documented fix (feature flag really off, canaries recreated): Severity 2 investigates first, the verification re-measures, healthy", async () => {
    const w = await walkDrillHeadless(canaryErrorRate, canaryErrorRate.remedy, onTestFinished);
    expect(canaryErrorRate.remedy).toEqual({ rollback: "feature-flag" });
    expect(w.run.exitCode).toBe(0);
    expect(w.run.stdout).toContain("DRILL canary-error-rate: HEALTHY — error rate 0.0% through Kong over 100 requests; the canary gets 10% of traffic with FEATURE_BYPASS_LLM=false");
    expect(w.finished).toMatchObject({ healthy: true, walkComplete: true });
    const finished = finishedSteps(w.events);
    expect(finished.map((f) => f.step)).toEqual([...PRE, ...CANARY, ...BURN_IN, ...SEV2, "flag-off", "flag-recreate", "flag-env", "flag-verify", ...VERIFY]);
    // The one failure is the gate, on the error rate the canary's own requests produced; the investigation finds its errors.
    expect(finished.filter((f) => f.status !== "passed").map((f) => `${f.step}:${f.status}`)).toEqual(["gate-error-rate:failed", "t2-service:found"]);
    const gate = finished.find((f) => f.step === "gate-error-rate")!;
    const measured = Number(/data\.result\[0\]\.value\[1\] ([\d.]+) is above the maximum 0\.01/.exec(gate.expectations.map((x) => x.reason).join(" "))?.[1]);
    expect(measured).toBeGreaterThan(0.01);
    expect(out(w.events, "t2-service")).toContain("opsconductor-automation-canary");
    expect(out(w.events, "t2-service")).toContain("echo tool bypass returned an empty result (FEATURE_BYPASS_LLM=true)");
    // The flag really flipped: in the compose file, and in the recreated containers.
    expect(out(w.events, "flag-off")).toMatch(/now:\n6: +- FEATURE_BYPASS_LLM=false/);
    expect(out(w.events, "flag-recreate")).toContain("Container opsconductor-automation-canary  Recreated");
    expect(out(w.events, "flag-env")).toBe("automation-service-canary: FEATURE_BYPASS_LLM=false\nai-pipeline-canary: FEATURE_BYPASS_LLM=false");
    expect(out(w.events, "rv-error-rate")).toContain("0 of 1000 requests through Kong failed: error rate 0.0000 (must be < 0.01)");
    // Severity 2 (high): no page, no Severity 1 ticket, no Severity 3 bug ticket; the post-deployment review is for a release that passed.
    expect(passedOver(w.events)).toEqual(["page", "page-ticket", "bug", "root-cause", ...POST]);
    expectConditionsHeld(w.events);
    expect(w.events.filter((e) => e.type === "option.chosen").map((e) => `${e.phase}=${e.option}`)).toEqual(["troubleshoot=error-rate", "rollback=feature-flag"]);
    expect(w.events.find((e) => e.type === "notify.sent")).toMatchObject({ channel: "github", severity: "high" });
    expectTimelineMatches(w);
  }, 90_000);

  it("the full rollback heals too: the canaries' logs saved, down --remove-orphans takes the canary out", async () => {
    const w = await walkDrillHeadless(canaryErrorRate, { rollback: "full" }, onTestFinished);
    expect(w.run.exitCode).toBe(0);
    expect(w.run.stdout).toContain("DRILL canary-error-rate: HEALTHY — error rate 0.0% through Kong over 100 requests; the canary is out of rotation");
    const finished = finishedSteps(w.events);
    expect(finished.map((f) => f.step)).toEqual([...PRE, ...CANARY, ...BURN_IN, ...SEV2, "full-logs", "full-down", "full-checkout", "full-build", "full-up", "full-smoke", ...VERIFY]);
    expect(out(w.events, "full-logs")).toMatch(/^\d+ canary_logs_\d{8}_\d{6}\.txt$/);
    expect(out(w.events, "full-down")).toContain("Container opsconductor-automation-canary  Removed");
    expect(out(w.events, "rv-ps")).not.toContain("canary");
    expect(out(w.events, "rv-smoke")).toContain("SMOKE TESTS PASSED");
    expectConditionsHeld(w.events);
    expectTimelineMatches(w);
  }, 90_000);

  it.each([
    ["route-old", "kong.yml confirmed as edited (--yes) but never edited: Kong reloads the same 90/10", ["kong-old", "kong-reload-old"]],
    ["no-rollback", "no rollback while the errors go on", ["hold"]],
  ])("a wrong remediation (%s, %s): the verification's error rate fails, the walk stops there, still broken", async (option, _why, steps) => {
    const w = await walkDrillHeadless(canaryErrorRate, { rollback: option }, onTestFinished);
    expect(w.run.exitCode).toBe(1);
    expect(w.finished).toMatchObject({ healthy: false, walkComplete: false });
    expect(w.run.stdout).toContain("DRILL canary-error-rate: STILL BROKEN — error rate 2.0% through Kong over 100 requests; the canary gets 10% of traffic with FEATURE_BYPASS_LLM=true");
    expect(w.run.stdout).toContain("what would have fixed it: rollback=feature-flag (Option 1: Disable the feature flag)");
    const finished = finishedSteps(w.events);
    expect(finished.map((f) => f.step)).toEqual([...PRE, ...CANARY, ...BURN_IN, ...SEV2, ...steps, "rv-ps", "rv-smoke", "rv-error-rate"]);
    // The smoke test's retried ping passes with the canary failing 1 in 5; the error rate does not.
    expect(finished.find((f) => f.step === "rv-smoke")?.status).toBe("passed");
    expect(finished.at(-1)).toMatchObject({ step: "rv-error-rate", status: "failed" });
    expect(out(w.events, "rv-error-rate")).toMatch(/^[1-9]\d* of 1000 requests through Kong failed: error rate 0\.0[1-9]\d* \(must be < 0\.01\)$/m);
    expectTimelineMatches(w);
  }, 90_000);
});

/** The drill walked headless at another severity than the scenario's (walkDrillHeadless takes options only). */
async function walkAt(severity: string, options: Record<string, string>): Promise<{ exitCode: number; stdout: string; events: IncidentEvent[] }> {
  const incidents = scratchDir(onTestFinished);
  const opt = Object.entries(options).flatMap(([phase, option]) => ["--option", `${phase}=${option}`]);
  const run = await runCli(["run", "canary-release", "--drill", canaryErrorRate.id, "--yes", "--severity", severity, "--incidents", incidents, ...opt], { cwd: incidents, timeoutMs: 50_000 });
  const store = path.join(incidents, "drills");
  const name = readdirSync(store).find((f) => f.endsWith(".jsonl"));
  if (!name) throw new Error(`no incident file in ${store}:\n${run.stdout}\n${run.stderr}`);
  return { exitCode: run.exitCode, stdout: run.stdout, events: readFileSync(path.join(store, name), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent) };
}

describe("drill canary-error-rate at Severity 1, headless", () => {
  it("the page goes out right after the failed gate, the rollback follows at once, the investigation waits for the review; no 'no rollback'", async () => {
    const w = await walkAt("critical", { rollback: "feature-flag" });
    expect(w.exitCode).toBe(0);
    const steps = started(w.events);
    const gate = steps.indexOf("gate-error-rate");
    expect(steps.slice(gate, gate + 5)).toEqual(["gate-error-rate", "classify", "page", "page-ticket", "flag-off"]);
    expect(steps.filter((s) => s.startsWith("t2-"))).toEqual([]);
    expect(steps.at(-1)).toBe("root-cause");
    expect(passedOver(w.events)).toEqual(["ticket", "bug", "choose:troubleshoot", ...POST]);
    expectConditionsHeld(w.events);
    expect(w.events.filter((e) => e.type === "notify.sent").map((e) => (e as EventOf<"notify.sent">).channel)).toEqual(["pagerduty", "github"]);
    expect(w.events.some((e) => e.type === "option.chosen" && e.phase === "troubleshoot")).toBe(false);
    expect(w.stdout).not.toContain("No rollback: the errors stopped");
  }, 90_000);
});

describe("canary-release when no gate fails", () => {
  it("walks to the post-deployment review without a choice: every incident phase is passed over by its condition (dry run: nothing fails)", async () => {
    const incidents = scratchDir(onTestFinished);
    const run = await runCli(["run", "canary-release", "--dry-run", "--yes", "--incidents", incidents], { cwd: incidents, timeoutMs: 50_000 });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("Walkthrough complete");
    const name = readdirSync(incidents).find((f) => f.endsWith(".jsonl"))!;
    const events = readFileSync(path.join(incidents, name), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
    const incident = ["classify", "page", "page-ticket", "ticket", "bug", "choose:troubleshoot", "choose:rollback", "rv-ps", "rv-smoke", "rv-error-rate", "rv-metrics", "rv-grafana", "root-cause"];
    expect(passedOver(events)).toEqual(incident);
    expectConditionsHeld(events);
    expect(events.some((e) => e.type === "option.chosen")).toBe(false);
    // The review of a release that passed is walked: its manual steps acknowledged, its command passed over as a dry run.
    const post = events.filter((e): e is EventOf<"step.finished"> | EventOf<"step.skipped"> => (e.type === "step.finished" || e.type === "step.skipped") && POST.includes(e.step));
    expect(post.map((e) => `${e.step}:${e.type === "step.skipped" ? e.reason : e.status}`)).toEqual(["alerts:passed", "daily:passed", "baseline:dry run", "uat:passed", "release-checklist:passed"]);
  }, 60_000);
});

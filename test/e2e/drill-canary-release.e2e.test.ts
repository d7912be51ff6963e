/** canary-release walked headless against its drill (canary-error-rate): `handrail run --drill` through the built binary. */
import { describe, expect, it, onTestFinished } from "vitest";
import { canaryErrorRate } from "../../src/sandbox/scenarios/canary-error-rate.js";
import { expectedTimeline, finishedSteps, timelineTexts, type DrillRun, walkDrillHeadless } from "../helpers/drill-headless.js";

function expectTimelineMatches(w: DrillRun): void {
  const rows = timelineTexts(w).filter((r) => r.startsWith("Chose option") || r.includes(" › "));
  const expected = expectedTimeline(w.events);
  expect(rows).toHaveLength(expected.length);
  rows.forEach((row, i) => expect(row.startsWith(expected[i]!), `${row} starts with ${expected[i]}`).toBe(true));
}

const PRE = ["staging-smoke", "containers", "migrations", "prometheus-healthy", "grafana-healthy", "version-service", "version-pipeline", "version-frontend", "tags", "backup-db", "rollback-tag", "container-versions"];
const CANARY = ["canary-config", "canary-up", "canary-wait", "canary-health", "pipeline-canary-health", "kong-10", "kong-reload-10"];
const BURN_IN = ["smoke-canary", "mixed-traffic", "dashboard", "gate-error-rate"];
const AFTER = ["rv-ps", "rv-smoke", "rv-metrics", "rv-grafana", "t2-service", "t2-pipeline", "t2-llm", "t2-rollback", "ticket", "alerts", "daily", "baseline", "uat", "release-checklist"];

describe("drill canary-error-rate (canary-release), headless", () => {
  it("the gate breaches, the full rollback takes the canary out: exit 0, healthy, every step recorded, the report's timeline matches", async () => {
    const w = await walkDrillHeadless(canaryErrorRate, { ...canaryErrorRate.remedy, troubleshoot: "error-rate" }, onTestFinished);
    expect(w.run.exitCode).toBe(0);
    expect(w.run.stdout).toContain("DRILL canary-error-rate: HEALTHY — error rate 0.0% through Kong over 100 requests; the canary is out of rotation");
    expect(w.finished).toMatchObject({ healthy: true, walkComplete: true });
    const finished = finishedSteps(w.events);
    expect(finished.map((f) => f.step)).toEqual([...PRE, ...CANARY, ...BURN_IN, "full-down", "full-checkout", "full-build", "full-up", "full-smoke", ...AFTER]);
    // The one failure is the gate, on the error rate the canary's own requests produced; it sends the walk to the rollback.
    expect(finished.filter((f) => f.status !== "passed").map((f) => f.step)).toEqual(["gate-error-rate"]);
    const gate = finished.find((f) => f.step === "gate-error-rate")!;
    const measured = Number(/data\.result\[0\]\.value\[1\] ([\d.]+) is above the maximum 0\.01/.exec(gate.expectations.map((x) => x.reason).join(" "))?.[1]);
    expect(measured).toBeGreaterThan(0.01);
    const out = (step: string) => w.events.flatMap((e) => (e.type === "step.output" && e.step === step ? e.lines : [])).join("\n");
    expect(out("kong-reload-10")).toContain("opsconductor-kong  Started");
    expect(out("full-down")).toContain("Container opsconductor-automation-canary  Removed");
    expect(out("rv-ps")).not.toContain("canary");
    expect(out("rv-smoke")).toContain("SMOKE TESTS PASSED");
    expect(w.events.filter((e) => e.type === "option.chosen").map((e) => `${e.phase}=${e.option}`)).toEqual(["rollback=full", "troubleshoot=error-rate"]);
    expectTimelineMatches(w);
  }, 90_000);

  it("a wrong option (disable the feature flag): the walk completes, the canary still fails 1 in 5 at 10%, still broken", async () => {
    const w = await walkDrillHeadless(canaryErrorRate, { rollback: "feature-flag", troubleshoot: "error-rate" }, onTestFinished);
    expect(w.run.exitCode).toBe(1);
    expect(w.finished).toMatchObject({ healthy: false, walkComplete: true });
    expect(w.run.stdout).toContain("DRILL canary-error-rate: STILL BROKEN — error rate 2.0% through Kong over 100 requests; the canary still gets 10% of traffic");
    expect(w.run.stdout).toContain('what would have fixed it: rollback=full (Option 3: Full rollback)');
    expect(finishedSteps(w.events).filter((f) => f.step.startsWith("flag-")).map((f) => `${f.step}:${f.status}`)).toEqual(["flag-off:passed", "flag-restart:passed", "flag-verify:passed"]);
    expectTimelineMatches(w);
  }, 90_000);
});

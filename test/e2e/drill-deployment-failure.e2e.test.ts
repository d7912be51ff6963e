/** deployment-failure walked headless against its drill (staging-health-500): `handrail run --drill` through the built binary. */
import { describe, expect, it, onTestFinished } from "vitest";
import { stagingHealth500 } from "../../src/sandbox/scenarios/staging-health-500.js";
import { expectedTimeline, finishedSteps, timelineTexts, type DrillRun, walkDrillHeadless } from "../helpers/drill-headless.js";

function expectTimelineMatches(w: DrillRun): void {
  const rows = timelineTexts(w).filter((r) => r.startsWith("Chose option") || r.includes(" › "));
  const expected = expectedTimeline(w.events);
  expect(rows).toHaveLength(expected.length);
  rows.forEach((row, i) => expect(row.startsWith(expected[i]!), `${row} starts with ${expected[i]}`).toBe(true));
}

const output = (w: DrillRun, step: string) => w.events.flatMap((e) => (e.type === "step.output" && e.step === step ? e.lines : [])).join("\n");

describe("drill staging-health-500 (deployment-failure), headless", () => {
  it("the remedy (restart): exit 0, healthy, every step in the incident file and the report", async () => {
    const w = await walkDrillHeadless(stagingHealth500, { diagnose: "staging-health", ...stagingHealth500.remedy }, onTestFinished);
    expect(w.run.stderr).not.toContain("✗");
    expect(w.run.exitCode).toBe(0);
    expect(w.run.stdout).toContain("DRILL staging-health-500: HEALTHY — api /health 200 on deploy@staging.drill (restarted 1×)");
    expect(w.finished).toMatchObject({ healthy: true, walkComplete: true, skipped: 0 });
    const finished = finishedSteps(w.events);
    // Every step of the chosen path, in runbook order, each finished exactly once and passed.
    expect(finished.map((f) => f.step)).toEqual([
      "identify", "impact", "notify", "incident-log",
      "sh-ps", "sh-health", "sh-logs", "sh-stats",
      "rt-restart", "rt-wait", "rt-health",
      "v-health", "v-version", "v-ps", "v-errors", "v-monitor",
      "c-rollback", "c-escalate", "r-stabilize", "r-document", "r-24h", "r-week",
    ]);
    expect(finished.every((f) => f.status === "passed")).toBe(true);
    // The diagnosis saw the incident as it was, the verification the world the restart left.
    expect(output(w, "sh-health")).toContain("< HTTP/1.1 500");
    expect(output(w, "sh-ps")).toMatch(/staging-api .* \(unhealthy\)/);
    expect(output(w, "sh-logs")).toContain("ERROR pg: Connection terminated unexpectedly");
    expect(output(w, "v-ps")).toMatch(/staging-api .* \(healthy\)/);
    expect(w.events.filter((e) => e.type === "option.chosen").map((e) => `${e.phase}=${e.option}`)).toEqual(["diagnose=staging-health", "remediate=restart"]);
    expectTimelineMatches(w);
    expect(w.report).toContain("- Steps: 22 run, 22 passed, 0 not passed, 0 skipped");
  }, 60_000);

  it("a wrong option (check dependencies): every check passes, verify fails, still broken, and the summary says what would have fixed it", async () => {
    const w = await walkDrillHeadless(stagingHealth500, { diagnose: "staging-health", remediate: "dependencies" }, onTestFinished);
    expect(w.run.exitCode).toBe(1);
    expect(w.run.stderr).toContain("stopped at v-health (failed)");
    expect(w.run.stdout).toContain("DRILL staging-health-500: STILL BROKEN — api /health 500: database connection pool exhausted (0/20 connections usable)");
    expect(w.run.stdout).toContain('what would have fixed it: remediate=restart (Health or service: restart services)');
    expect(w.finished).toMatchObject({ healthy: false, walkComplete: false });
    const finished = finishedSteps(w.events);
    expect(finished.filter((f) => f.step.startsWith("dp-")).map((f) => f.status)).toEqual(["passed", "passed", "passed", "passed", "passed", "passed"]);
    expect(finished.at(-1)).toMatchObject({ step: "v-health", status: "failed" });
    expectTimelineMatches(w);
  }, 60_000);

  it("another wrong option (roll the migration back): a schema mismatch, still 500", async () => {
    const w = await walkDrillHeadless(stagingHealth500, { diagnose: "staging-health", remediate: "rollback-migration" }, onTestFinished);
    expect(w.run.exitCode).toBe(1);
    expect(w.finished.healthy).toBe(false);
    expect(w.finished.detail).toBe("api /health 500: schema mismatch: migration 20261128_add_invoice_status is not applied");
  }, 60_000);
});

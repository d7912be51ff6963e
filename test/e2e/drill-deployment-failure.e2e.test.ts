/** deployment-failure walked headless against its drill (staging-health-500): `handrail run --drill` through the built binary. */
import { describe, expect, it, onTestFinished } from "vitest";
import { stagingHealth500 } from "../../src/sandbox/scenarios/staging-health-500.js";
import { expectedTimeline, finishedSteps, timelineTexts, type DrillRun, walkDrillHeadless } from "../helpers/drill-headless.js";

function expectTimelineMatches(w: DrillRun): void {
  const rows = timelineTexts(w).filter((r) => r.startsWith("Chose **") || r.includes(" › "));
  const expected = expectedTimeline(w.events);
  expect(rows).toHaveLength(expected.length);
  rows.forEach((row, i) => expect(row.startsWith(expected[i]!), `${row} starts with ${expected[i]}`).toBe(true));
}

const output = (w: DrillRun, step: string) => w.events.flatMap((e) => (e.type === "step.output" && e.step === step ? e.lines : [])).join("\n");
const started = (w: DrillRun) => w.events.flatMap((e) => (e.type === "step.started" ? [e.step] : []));
const skipped = (w: DrillRun) => w.events.flatMap((e) => (e.type === "step.skipped" ? [`${e.step} (${e.reason})`] : []));

describe("drill staging-health-500 (deployment-failure), headless", () => {
  it("the remedy (restart): exit 0, healthy, every step in the incident file and the report; no step whose condition is false runs", async () => {
    const w = await walkDrillHeadless(stagingHealth500, { diagnose: "staging-health", ...stagingHealth500.remedy }, onTestFinished);
    // No result line says ✗ (a script on screen may print the glyph in its own messages).
    expect(w.run.stdout).not.toMatch(/^ {2}✗ /m);
    expect(w.run.exitCode).toBe(0);
    expect(w.run.stdout).toContain("DRILL staging-health-500: HEALTHY — api /health 200 on deploy@staging.drill (restarted 1×)");
    expect(w.finished).toMatchObject({ healthy: true, walkComplete: true, skipped: 0 }); // passed over by conditions: not needed, not gaps
    const finished = finishedSteps(w.events);
    // Every step of the chosen path, in runbook order, each finished exactly once.
    expect(finished.map((f) => f.step)).toEqual([
      "identify", "impact", "notify", "targets", "incident-log",
      "sh-ps", "sh-health", "sh-logs", "sh-stats",
      "rt-restart", "rt-health",
      "v-health", "v-version", "v-ps", "v-errors", "v-monitor",
      "c-rollback", "c-escalate", "r-stabilize", "r-document", "r-24h", "r-week",
    ]);
    // The diagnosis found the symptom (◆) instead of halting on it; everything else passed.
    expect(finished.filter((f) => f.status !== "passed").map((f) => `${f.step}=${f.status}`)).toEqual(["sh-ps=found", "sh-health=found"]);
    // Passed over by their conditions, and never started: production's page, the backup gate, the
    // public check (no public URL on staging) and the rollback's image check (no rollback).
    expect(skipped(w)).toEqual(["notify-oncall (condition)", "bk-list (condition)", "bk-integrity (condition)", "v-public-health (condition)", "v-rolled-back (condition)"]);
    for (const id of ["notify-oncall", "bk-list", "bk-integrity", "v-public-health", "v-rolled-back"]) expect(started(w)).not.toContain(id);
    // The diagnosis saw the incident as it was, the verification the world the restart left.
    expect(output(w, "sh-health")).toContain("< HTTP/1.1 500");
    expect(output(w, "sh-health")).toMatch(/^HTTP status 500$/m);
    expect(output(w, "sh-ps")).toMatch(/staging-api .* \(unhealthy\)/);
    expect(output(w, "sh-logs")).toContain("ERROR pg: Connection terminated unexpectedly");
    expect(output(w, "v-health")).toMatch(/^HTTP status 200$/m);
    expect(output(w, "v-ps")).toMatch(/staging-api .* \(healthy\)/);
    expect(w.events.filter((e) => e.type === "option.chosen").map((e) => `${e.phase}=${e.option}`)).toEqual(["diagnose=staging-health", "remediate=restart"]);
    expectTimelineMatches(w);
    expect(w.report).toContain("- Steps: 22 run, 20 passed, 2 found the symptom, 0 not passed, 5 skipped");
  }, 60_000);

  it("a wrong option (check dependencies): every check passes, verify fails, still broken, and the summary says what would have fixed it", async () => {
    const w = await walkDrillHeadless(stagingHealth500, { diagnose: "staging-health", remediate: "dependencies" }, onTestFinished);
    expect(w.run.exitCode).toBe(1);
    expect(w.run.stderr).toContain("stopped at v-health (failed)");
    expect(w.run.stdout).toContain("DRILL staging-health-500: STILL BROKEN — api /health 500: database connection pool exhausted (0/20 connections usable)");
    expect(w.run.stdout).toContain("what would have fixed it: remediate=restart (Restart the failed service)");
    expect(w.finished).toMatchObject({ healthy: false, walkComplete: false });
    const finished = finishedSteps(w.events);
    // Staging: the production-only external check is passed over, the other six pass.
    expect(finished.filter((f) => f.step.startsWith("dp-")).map((f) => f.status)).toEqual(["passed", "passed", "passed", "passed", "passed", "passed"]);
    expect(skipped(w)).toContain("dp-external (condition)");
    expect(finished.at(-1)).toMatchObject({ step: "v-health", status: "failed" });
    expect(output(w, "v-health")).toMatch(/^HTTP status 500$/m);
    expectTimelineMatches(w);
  }, 60_000);

  it("a wrong diagnosis (migration) and its remedy (roll the migration back): psql answers through ssh, a schema mismatch, verify fails", async () => {
    const w = await walkDrillHeadless(stagingHealth500, { diagnose: "staging-migration", remediate: "rollback-migration" }, onTestFinished);
    expect(w.run.exitCode).toBe(1);
    expect(w.finished.healthy).toBe(false);
    expect(w.finished.detail).toBe("api /health 500: schema mismatch: migration 20261128_add_invoice_status is not applied");
    expect(output(w, "sm-tables")).toContain("List of relations");
    expect(finishedSteps(w.events).at(-1)).toMatchObject({ step: "v-health", status: "failed" });
    // Staging's migration rollback has no restart and no health wait (the seed's production steps).
    expect(skipped(w)).toEqual(expect.arrayContaining(["rb-restart (condition)", "rb-health (condition)"]));
  }, 60_000);

  it("a rollback that restarts the same image: the service answers again, but verification fails on the image", async () => {
    const w = await walkDrillHeadless(stagingHealth500, { diagnose: "staging-health", remediate: "rollback" }, onTestFinished);
    expect(w.run.exitCode).toBe(1);
    expect(w.run.stderr).toContain("stopped at v-rolled-back (failed)");
    // down and up restarted the api (healthy), but nothing was rolled back: the manual edit was only acknowledged.
    expect(w.finished).toMatchObject({ healthy: true, walkComplete: false });
    expect(finishedSteps(w.events).filter((f) => f.step.startsWith("rv-") || f.step.startsWith("v-")).map((f) => `${f.step}=${f.status}`)).toEqual([
      "rv-images=passed", "rv-record=passed", "rv-down=passed", "rv-compose=passed", "rv-up=passed", "rv-health=passed", "v-health=passed", "v-rolled-back=failed",
    ]);
    expect(output(w, "v-rolled-back")).toMatch(/before the rollback: staging-api +azora-api +1\.4\.0[\s\S]*now: +staging-api +azora-api +1\.4\.0/);
  }, 60_000);

  it("an option that does not fit the diagnosis is not there to take: nothing of it runs", async () => {
    const w = await walkDrillHeadless(stagingHealth500, { diagnose: "staging-health", remediate: "rollback-migration" }, onTestFinished);
    expect(w.run.exitCode).toBe(1);
    expect(w.run.stderr).toContain("remediate has no option rollback-migration now (restart | restart-all | dependencies | review-logs | rollback)");
    expect(started(w).filter((s) => s.startsWith("rb-") || s.startsWith("v-"))).toEqual([]);
    expect(w.finished.healthy).toBe(false);
  }, 60_000);
});

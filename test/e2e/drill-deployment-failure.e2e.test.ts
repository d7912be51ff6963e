/** deployment-failure walked headless against its drill (staging-health-500) through the built binary. */
import { afterEach, describe, expect, it } from "vitest";
import { stagingHealth500 } from "../../src/sandbox/scenarios/staging-health-500.js";
import { expectedTimeline, finishedSteps, timelineTexts, walkDrillHeadless, type DrillRun } from "../helpers/drill-headless.js";

let walked: DrillRun | undefined;
afterEach(async () => {
  await walked?.drill.stop();
  walked = undefined;
});

function expectTimelineMatches(w: DrillRun): void {
  const rows = timelineTexts(w).filter((r) => r.startsWith("Chose option") || r.includes(" › "));
  const expected = expectedTimeline(w.events);
  expect(rows).toHaveLength(expected.length);
  rows.forEach((row, i) => expect(row.startsWith(expected[i]!), `${row} starts with ${expected[i]}`).toBe(true));
}

describe("drill staging-health-500 (deployment-failure), headless", () => {
  it("the remedy (staging-health, restart): exit 0, healthy, every step in the incident file and the report", async () => {
    const w = (walked = await walkDrillHeadless(stagingHealth500, stagingHealth500.remedy));
    expect(w.run.stderr).not.toContain("✗");
    expect(w.run.exitCode).toBe(0);
    expect(await w.drill.health()).toEqual({ healthy: true, detail: "api /health 200 on deploy@staging.drill (restarted 1×)" });
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
    const output = (step: string) => w.events.flatMap((e) => (e.type === "step.output" && e.step === step ? e.lines : [])).join("\n");
    // The diagnosis saw the incident as it was, the verification the world the restart left.
    expect(output("sh-health")).toContain("< HTTP/1.1 500");
    expect(output("sh-ps")).toMatch(/staging-api .* \(unhealthy\)/);
    expect(output("v-ps")).toMatch(/staging-api .* \(healthy\)/);
    expect(w.events.filter((e) => e.type === "option.chosen").map((e) => `${e.phase}=${e.option}`)).toEqual(["diagnose=staging-health", "remediate=restart"]);
    expectTimelineMatches(w);
    expect(w.report).toContain("- Steps: 22 run, 22 passed, 0 not passed, 0 skipped");
  }, 60_000);

  it("a wrong option (check dependencies): the verify step fails, it stays broken", async () => {
    const w = (walked = await walkDrillHeadless(stagingHealth500, { diagnose: "staging-health", remediate: "dependencies" }));
    expect(w.run.exitCode).toBe(1);
    expect(w.run.stderr).toContain("stopped at v-health (failed)");
    expect(await w.drill.health()).toEqual({ healthy: false, detail: "api /health 500: database connection pool exhausted (0/20 connections usable)" });
    const finished = finishedSteps(w.events);
    expect(finished.filter((f) => f.step.startsWith("dp-")).every((f) => f.status === "passed")).toBe(true);
    expect(finished.at(-1)).toMatchObject({ step: "v-health", status: "failed" });
    expectTimelineMatches(w);
  }, 60_000);

  it("another wrong option (roll the migration back): a schema mismatch, still 500", async () => {
    const w = (walked = await walkDrillHeadless(stagingHealth500, { diagnose: "staging-health", remediate: "rollback-migration" }));
    expect(w.run.exitCode).toBe(1);
    expect((await w.drill.health()).detail).toContain("schema mismatch");
  }, 60_000);
});

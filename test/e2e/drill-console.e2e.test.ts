/**
 * The docker-compose drills walked in the built console in tmux, from home (no cluster on this
 * machine) to the report: the scenario ends healthy, the incident file holds every action, and
 * the report's timeline matches it.
 */
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli, scratchDir } from "../helpers/cli.js";
import { walkDrillInConsole, type ConsoleDrill } from "../helpers/drill-console.js";
import { expectedTimeline, finishedSteps } from "../helpers/drill-headless.js";

const hasTmux = (await execa("tmux", ["-V"], { reject: false })).exitCode === 0;

async function expectReportMatches(w: ConsoleDrill, dir: string): Promise<void> {
  const report = (await runCli(["report", w.file], { cwd: dir })).stdout;
  const section = report.split("## Timeline")[1]?.split("\n## ")[0] ?? "";
  const rows = section.split("\n").filter((l) => /^- \d\d:\d\d:\d\d( UTC)?: /.test(l)).map((l) => l.replace(/^- \d\d:\d\d:\d\d( UTC)?: /, "")).filter((r) => r.startsWith("Chose **") || r.includes(" › "));
  const expected = expectedTimeline(w.events);
  expect(rows).toHaveLength(expected.length);
  rows.forEach((row, i) => expect(row.startsWith(expected[i]!), `${row} starts with ${expected[i]}`).toBe(true));
  expect(report).toContain("## Drill");
}

describe.skipIf(!hasTmux)("the docker-compose drills in the console", () => {
  it("staging-health-500: home → drill → restart → resolved; healthy, every step recorded, the report's timeline matches", async () => {
    const dir = scratchDir(onTestFinished);
    // Only what fits is offered, numbered as shown: on staging, Diagnose 1 migration, 2 health check;
    // after a failed health check, Remediate 1 is the restart of the service (the recommended one).
    const w = await walkDrillInConsole({ scenario: "staging-health-500", title: "staging api answers 500 after deploy", choices: { Diagnose: 2, Remediate: 1 }, rootCause: "dead db pool", dir, onCleanup: onTestFinished });
    expect(w.closing).toMatch(/(DRILL staging-health-500: HEALTHY|- Outcome: healthy) — api \/health 200 on deploy@staging\.drill \(restarted 1×\)/);
    expect(w.finished).toMatchObject({ healthy: true, walkComplete: true, skipped: 0 }); // passed over by conditions: not needed, not gaps
    const finished = finishedSteps(w.events);
    expect(finished).toHaveLength(22);
    expect(finished.filter((f) => f.status !== "passed").map((f) => `${f.step}=${f.status}`)).toEqual(["sh-ps=found", "sh-health=found"]);
    expect(w.events.filter((e) => e.type === "step.skipped").every((e) => e.reason === "condition")).toBe(true);
    expect(w.events.filter((e) => e.type === "option.chosen").map((e) => `${e.phase}=${e.option}`)).toEqual(["diagnose=staging-health", "remediate=restart"]);
    expect(w.events.at(-1)).toMatchObject({ type: "drill.finished" });
    expect(w.events.find((e) => e.type === "incident.resolved")).toMatchObject({ rootCause: "dead db pool" });
    await expectReportMatches(w, dir);
  }, 90_000);

  it("canary-error-rate: the gate breaches, Severity 2 investigates, the feature flag really goes off and heals; every step recorded, the report's timeline matches", async () => {
    const dir = scratchDir(onTestFinished);
    // Only the issue the walk saw is offered (Issue 2, high error rate); the rollback's Option 1 is the feature flag.
    const w = await walkDrillInConsole({ scenario: "canary-error-rate", title: "canary of release 1.1.0 breaches the error-rate gate", choices: { "Emergency rollback (< 5 minutes)": 1, Troubleshooting: 1 }, rootCause: "echo bypass bug", dir, onCleanup: onTestFinished });
    // The closing screen may cut the line at its width: the full verdict is the recorded one.
    expect(w.closing).toMatch(/(DRILL canary-error-rate: HEALTHY|- Outcome: healthy) — error rate 0\.0% through Kong over 100 requests; the canary gets 10% of traffic/);
    expect(w.finished).toMatchObject({ healthy: true, walkComplete: true, detail: "error rate 0.0% through Kong over 100 requests; the canary gets 10% of traffic with FEATURE_BYPASS_LLM=false" });
    const finished = finishedSteps(w.events);
    expect(finished.filter((f) => f.status !== "passed").map((f) => `${f.step}:${f.status}`)).toEqual(["gate-error-rate:failed", "t2-service:found"]);
    expect(finished).toHaveLength(39);
    expect(finished.find((f) => f.step === "gate-volume")?.status).toBe("passed");
    expect(finished.map((f) => f.step)).toEqual(expect.arrayContaining(["ticket", "t2-service", "flag-off", "flag-recreate", "flag-env", "rv-error-rate"]));
    expect(finished.map((f) => f.step).indexOf("t2-service")).toBeLessThan(finished.map((f) => f.step).indexOf("flag-off"));
    expect(w.events.filter((e) => e.type === "option.chosen").map((e) => `${e.phase}=${e.option}`)).toEqual(["troubleshoot=error-rate", "rollback=feature-flag"]);
    await expectReportMatches(w, dir);
  }, 150_000);
});

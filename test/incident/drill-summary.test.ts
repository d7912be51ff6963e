/** The drill summary as a pure function of the incident events, the remedy and the health check. */
import { describe, expect, it } from "vitest";
import { drillOutcome, renderDrillSummary, summarizeDrill } from "../../src/incident/drill-summary.js";
import type { IncidentEvent, IncidentEventBody } from "../../src/incident/events.js";
import { loadRunbookText } from "../../src/runbooks/load.js";
import type { Runbook } from "../../src/runbooks/schema.js";

const RUNBOOK = loadRunbookText(
  `apiVersion: handrail/v1
kind: Runbook
id: drillbook
title: Drill book
severities:
  medium: { respondWithin: 15m }
phases:
  - id: look
    kind: diagnose
    title: Look
    steps:
      - { id: pods, title: Pods, run: "true" }
      - { id: logs, title: Logs, run: "true" }
  - id: fix
    kind: remediate
    title: Fix
    options:
      - id: undo
        title: Roll back
        steps:
          - { id: undo, title: Undo, run: "true" }
          - { id: wait, title: Wait, run: "true" }
      - id: restart
        title: Restart it
        steps:
          - { id: restart, title: Restart, run: "true" }
  - id: check
    kind: verify
    title: Check
    steps:
      - { id: healthy, title: Healthy, run: "true" }
`,
  "drillbook.yaml",
).runbook as Runbook;

const T0 = Date.parse("2026-12-01T03:00:00Z");

/** Events at the given second offsets from T0. */
function events(...timed: Array<[number, IncidentEventBody]>): IncidentEvent[] {
  return timed.map(([s, body], i) => ({ ...body, seq: i + 1, ts: new Date(T0 + s * 1000).toISOString() }) as IncidentEvent);
}

const opened: IncidentEventBody = { type: "incident.opened", incident: "d1", runbook: { id: "drillbook", title: "Drill book" }, severity: "medium", mode: "drill", scenario: "broken", dryRun: false, version: "test" };
const started = (step: string, phase: string): IncidentEventBody => ({ type: "step.started", step, phase, kind: "run", attempt: 1 });
const finished = (step: string, status: "passed" | "failed" = "passed"): IncidentEventBody => ({ type: "step.finished", step, status, exitCode: status === "passed" ? 0 : 1, durationMs: 1000, expectations: [] });
const scenario = { id: "broken", remedy: { fix: "undo" } };

describe("summarizeDrill", () => {
  it("the right fix: diagnosis at the choice, mitigation when the world's health first held (not when a step passed), within the response time", () => {
    const evs = events(
      [0, opened],
      [5, started("pods", "look")],
      [6, finished("pods", "failed")],
      [20, { type: "step.skipped", step: "logs", reason: "seen enough" }],
      [62, { type: "option.chosen", phase: "fix", option: "undo" }],
      [63, started("undo", "fix")],
      [64, finished("undo")],
      [65, started("wait", "fix")],
      [100, finished("wait")],
      [101, started("healthy", "check")],
      [102, finished("healthy")],
    );
    const s = summarizeDrill({ events: evs, runbook: RUNBOOK, scenario, health: { healthy: true, detail: "3/3 ready" }, endedAt: T0 + 110_000, healthyAt: T0 + 100_000 });
    expect(s).toMatchObject({ healthy: true, walkComplete: true, timeToDiagnosisMs: 62_000, timeToMitigationMs: 100_000, skipped: 1, totalMs: 110_000, respondWithin: "15m", withinResponseTime: true });
    expect(s.hint).toBeUndefined();
    expect(s.skippedSteps).toEqual([{ step: "logs", reason: "seen enough" }]);
    const text = renderDrillSummary(s, "medium").join("\n");
    expect(text).toContain("DRILL broken: HEALTHY — 3/3 ready");
    expect(text).toContain("time to diagnosis   1m2s");
    expect(text).toContain("time to mitigation  1m40s");
    expect(text).toContain("total time          1m50s of 15m for medium (within the response time)");
  });

  it("resolved before the walk's end: the incident is resolved, the walk is not complete (the console asked first); resolved at its end, it is", () => {
    const resolved: IncidentEventBody = { type: "incident.resolved", rootCause: "bad image", actionItems: [] };
    const fixed: Array<[number, IncidentEventBody]> = [
      [0, opened],
      [30, { type: "option.chosen", phase: "fix", option: "undo" }],
      [31, started("undo", "fix")],
      [32, finished("undo")],
      [33, started("wait", "fix")],
      [40, finished("wait")],
    ];
    const health = { healthy: true, detail: "3/3 ready" };
    // The verification never ran.
    const early = summarizeDrill({ events: events(...fixed, [50, resolved]), runbook: RUNBOOK, scenario, health, healthyAt: T0 + 40_000 });
    expect(early).toMatchObject({ healthy: true, walkComplete: false });
    expect(renderDrillSummary(early).join("\n")).toContain("walk                not finished");
    const whole = summarizeDrill({ events: events(...fixed, [41, started("healthy", "check")], [42, finished("healthy")], [50, resolved]), runbook: RUNBOOK, scenario, health, healthyAt: T0 + 40_000 });
    expect(whole).toMatchObject({ healthy: true, walkComplete: true });
  });

  it("a wrong option: no diagnosis or mitigation time for a broken outcome, and the hint names the option that would have fixed it", () => {
    const evs = events([0, opened], [30, { type: "option.chosen", phase: "fix", option: "restart" }], [31, started("restart", "fix")], [40, finished("restart")], [41, started("healthy", "check")], [42, finished("healthy", "failed")]);
    const s = summarizeDrill({ events: evs, runbook: RUNBOOK, scenario, health: { healthy: false, detail: "0/3 ready; 3 CrashLoopBackOff" }, healthyAt: T0 + 35_000 });
    expect(s).toMatchObject({ healthy: false, walkComplete: false, totalMs: 42_000 });
    expect(s.timeToDiagnosisMs).toBeUndefined();
    expect(s.timeToMitigationMs).toBeUndefined();
    expect(s.hint).toBe("what would have fixed it: fix=undo (Roll back)");
    // And what the walk left behind where it mattered: the verification that failed.
    expect(s.missed).toEqual(["healthy (failed)"]);
    const text = renderDrillSummary(s).join("\n");
    expect(text).toContain("DRILL broken: STILL BROKEN — 0/3 ready; 3 CrashLoopBackOff");
    expect(text).toContain("skipped or not passed on the way: healthy (failed)");
    expect(text).toContain("time to mitigation  not reached (the scenario never healthy)");
  });

  it("a scenario with no option to choose: the hint names the remediation steps that did not pass", () => {
    const evs = events([0, opened], [30, { type: "option.chosen", phase: "fix", option: "undo" }], [31, started("undo", "fix")], [40, finished("undo", "failed")]);
    const s = summarizeDrill({ events: evs, runbook: RUNBOOK, scenario: { id: "broken", remedy: {} }, health: { healthy: false, detail: "still down" } });
    expect(s.hint).toBe("the fix is the runbook's own remediation: undo, wait did not pass");
  });

  it("the right option left unfinished: no mitigation, and the hint says which steps did not pass", () => {
    const evs = events([0, opened], [10, { type: "option.chosen", phase: "fix", option: "undo" }], [11, started("undo", "fix")], [12, finished("undo")], [13, { type: "step.skipped", step: "wait", reason: "impatient" }]);
    const s = summarizeDrill({ events: evs, runbook: RUNBOOK, scenario, health: { healthy: false, detail: "1/3 ready" } });
    expect(s.timeToMitigationMs).toBeUndefined();
    expect(s.hint).toBe("the right fix (fix=undo) was chosen but not carried through: wait did not pass");
    expect(renderDrillSummary(s).join("\n")).toContain("time to mitigation  not reached");
  });

  it("over the response time, a jump straight into the fix, and an outcome that drops the lists", () => {
    const evs = events([0, opened], [600, started("undo", "fix")]);
    const s = summarizeDrill({ events: evs, runbook: RUNBOOK, scenario, health: { healthy: true, detail: "x" }, endedAt: T0 + 16 * 60_000 });
    expect(s.timeToDiagnosisMs).toBe(600_000);
    expect(s.withinResponseTime).toBe(false);
    const outcome = drillOutcome(s);
    expect(outcome).not.toHaveProperty("skippedSteps");
    expect(outcome).not.toHaveProperty("chosen");
    expect(renderDrillSummary(outcome).join("\n")).toContain("over the response time");
  });

  it("a runbook that marks its mitigation (a release runbook's rollback): diagnosis is timed from it, not from the release", () => {
    const marked = { ...RUNBOOK, phases: [{ id: "release", kind: "remediate", title: "Release", steps: [{ id: "ship", title: "Ship", run: "true" }] }, ...RUNBOOK.phases.map((p) => (p.id === "fix" ? { ...p, mitigates: true } : p))] } as Runbook;
    const evs = events([0, opened], [5, started("ship", "release")], [6, finished("ship")], [40, { type: "option.chosen", phase: "fix", option: "undo" }]);
    const s = summarizeDrill({ events: evs, runbook: marked, scenario, health: { healthy: true, detail: "ok" }, healthyAt: T0 + 50_000 });
    expect(s.timeToDiagnosisMs).toBe(40_000);
    expect(s.timeToMitigationMs).toBe(50_000);
  });
});

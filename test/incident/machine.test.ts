/** The walkthrough as a pure fold: plans, choices, onFail, skips, severity changes, resume. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { IncidentEvent, IncidentEventBody } from "../../src/incident/events.js";
import { initialState, interruptedSteps, nextAction, reduce, type IncidentState } from "../../src/incident/machine.js";
import { loadRunbookText } from "../../src/runbooks/load.js";
import type { Runbook } from "../../src/runbooks/schema.js";

const RUNBOOK = loadRunbookText(readFileSync(path.join(import.meta.dirname, "../fixtures/engine/walk.yaml"), "utf8"), "walk.yaml").runbook as Runbook;

function apply(state: IncidentState, ...bodies: IncidentEventBody[]): IncidentState {
  return bodies.reduce((s, b) => reduce(s, { ...b, seq: s.lastSeq + 1, ts: new Date(Date.parse("2026-11-24T03:00:00Z") + s.lastSeq * 1000).toISOString() } as IncidentEvent), state);
}

const opened = (severity: "critical" | "high" = "high"): IncidentEventBody => ({ type: "incident.opened", incident: "i1", runbook: { id: "walk", title: "Walk" }, severity, mode: "run", dryRun: false, version: "test" });
const lists: IncidentEventBody = { type: "input.set", name: "participants", value: ["a", "b"] };
const started = (step: string, phase = "assess"): IncidentEventBody => ({ type: "step.started", step, phase, kind: "run", attempt: 1 });
const finished = (step: string, status: "passed" | "failed" | "cancelled" = "passed"): IncidentEventBody => ({ type: "step.finished", step, status, exitCode: status === "passed" ? 0 : 1, durationMs: 1, expectations: [] });
const next = (s: IncidentState) => {
  const a = nextAction(s);
  return a.type === "step" ? a.item.key : a.type === "choose" ? a.item.key : a.type;
};

describe("the walkthrough state machine", () => {
  it("severity decides which steps appear", () => {
    const high = apply(initialState(RUNBOOK), opened("high"), lists, started("hello"), finished("hello"));
    expect(next(high)).toBe("deploy[a]");
    const critical = apply(initialState(RUNBOOK), opened("critical"), lists, started("hello"), finished("hello"));
    expect(next(critical)).toBe("page");
  });

  it("forEach repeats in order, reverse for rollbacks, and a phase with options waits for a choice", () => {
    let s = apply(initialState(RUNBOOK), opened(), lists, started("hello"), finished("hello"));
    for (const key of ["deploy[a]", "deploy[b]"]) {
      expect(next(s)).toBe(key);
      s = apply(s, started(key, "deploy"), finished(key));
    }
    expect(next(s)).toBe("choose:fix");
    s = apply(s, { type: "option.chosen", phase: "fix", option: "rollback" });
    expect(next(s)).toBe("rollback");
    s = apply(s, started("rollback", "fix"), finished("rollback"), started("check", "verify"), finished("check"));
    expect(next(s)).toBe("undo[b]");
    s = apply(s, started("undo[b]", "rollback-all"), finished("undo[b]"));
    expect(next(s)).toBe("undo[a]");
    s = apply(s, started("undo[a]", "rollback-all"), finished("undo[a]"));
    expect(next(s)).toBe("complete");
  });

  it("a failure stops (halted) until the operator re-runs or skips; skip moves on", () => {
    let s = apply(initialState(RUNBOOK), opened(), lists, started("hello"), finished("hello", "failed"));
    expect(nextAction(s)).toEqual({ type: "halted", step: "hello", status: "failed" });
    s = apply(s, started("hello"));
    expect(s.halted).toBeUndefined();
    s = apply(s, finished("hello", "failed"), { type: "step.skipped", step: "hello", reason: "known flaky" });
    expect(next(s)).toBe("deploy[a]");
  });

  it("onFail goto jumps, and the walk re-runs what follows the target", () => {
    const rb: Runbook = structuredClone(RUNBOOK);
    rb.phases[3]!.steps![0]!.onFail = "goto:deploy";
    let s = apply(initialState(rb), opened(), lists, started("check", "verify"), finished("check", "failed"));
    expect(next(s)).toBe("deploy[a]");
    s = apply(s, started("deploy[a]", "deploy"), finished("deploy[a]"));
    expect(next(s)).toBe("deploy[b]");
  });

  it("a goto into an option not yet chosen lands on that phase's choice", () => {
    const rb: Runbook = structuredClone(RUNBOOK);
    rb.phases[0]!.steps![0]!.onFail = "goto:rollback";
    const s = apply(initialState(rb), opened(), lists, started("hello"), finished("hello", "failed"));
    expect(next(s)).toBe("choose:fix");
  });

  it("changing severity re-plans and the walk goes on from where it was", () => {
    let s = apply(initialState(RUNBOOK), opened("high"), lists, started("hello"), finished("hello"));
    s = apply(s, { type: "severity.changed", from: "high", to: "critical" });
    expect(s.severity).toBe("critical");
    expect(next(s)).toBe("page");
  });

  it("a step started and never finished is interrupted and offered again on resume", () => {
    let s = apply(initialState(RUNBOOK), opened(), lists, started("hello"), finished("hello"), started("deploy[a]", "deploy"));
    expect(interruptedSteps(s)).toEqual(["deploy[a]"]);
    s = apply(s, { type: "incident.resumed", interrupted: ["deploy[a]"], pid: 1 });
    expect(s.steps["deploy[a]"]?.status).toBe("interrupted");
    expect(nextAction(s)).toMatchObject({ type: "step", item: { key: "deploy[a]" }, retry: true });
  });

  it("a cancelled step halts with the step offered again", () => {
    const s = apply(initialState(RUNBOOK), opened(), lists, started("hello"), finished("hello", "cancelled"));
    expect(nextAction(s)).toEqual({ type: "halted", step: "hello", status: "cancelled" });
  });

  it("resolution ends the walk", () => {
    const s = apply(initialState(RUNBOOK), opened(), { type: "incident.resolved", rootCause: "x", actionItems: [] });
    expect(next(s)).toBe("resolved");
  });

  it("a jump to a phase with options, then a choice: the walk goes on from the option's first step", () => {
    let s = apply(initialState(RUNBOOK), opened(), lists, started("hello"), finished("hello"), { type: "phase.entered", phase: "fix", jump: true });
    expect(next(s)).toBe("choose:fix");
    s = apply(s, { type: "option.chosen", phase: "fix", option: "rollback" });
    expect(next(s)).toBe("rollback");
  });
});

describe("a goto that loops back", () => {
  const LOOP = loadRunbookText(
    `apiVersion: handrail/v1
kind: Runbook
id: loop
title: Loop
phases:
  - id: p
    kind: verify
    title: P
    steps:
      - { id: warm, title: Warm up, run: 'true' }
      - { id: check, title: Check, run: 'false', onFail: 'goto:warm', retries: 2 }
`,
    "loop.yaml",
  ).runbook as Runbook;

  it("is followed `retries` times, then the step stops the walk", () => {
    let s = apply(initialState(LOOP), opened());
    const round = () => {
      expect(next(s)).toBe("warm");
      s = apply(s, started("warm", "p"), finished("warm"), started("check", "p"), finished("check", "failed"));
    };
    round();
    round();
    round();
    expect(nextAction(s)).toMatchObject({ type: "halted", step: "check", status: "failed" });
  });
});

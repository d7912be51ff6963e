/** `handrail test` as pure functions: which runs a scenario gets, and how each run is judged from its incident events. */
import { describe, expect, it } from "vitest";
import type { IncidentEvent, IncidentEventBody } from "../../src/incident/events.js";
import { choicesFor, judgeRun, type TestChoice } from "../../src/incident/test-verdict.js";
import { loadRunbookText } from "../../src/runbooks/load.js";
import type { Runbook } from "../../src/runbooks/schema.js";

const runbook = (extra = "") =>
  loadRunbookText(
    `apiVersion: handrail/v1
kind: Runbook
id: testbook
title: Test book
phases:
  - id: look
    kind: diagnose
    title: Look
    options:
      - { id: pods, title: Pods, steps: [{ id: pods, title: Pods, run: "true" }] }
      - { id: net, title: Network, recommended: true, steps: [{ id: net, title: Net, run: "true" }] }
  - id: fix
    kind: remediate
    title: Fix
    options:
      - { id: undo, title: Roll back, steps: [{ id: undo, title: Undo, run: "true" }] }
      - { id: restart, title: Restart, steps: [{ id: restart, title: Restart, run: "true" }] }
      - { id: scale, title: Scale, steps: [{ id: scale, title: Scale, run: "true" }] }
${extra}  - id: check
    kind: verify
    title: Check
    steps:
      - { id: ready, title: Ready, run: "true" }
      - { id: report, title: Report, run: "true" }
`,
    "testbook.yaml",
  ).runbook as Runbook;

const ts = (i: number) => new Date(Date.parse("2026-12-01T03:00:00Z") + i * 1000).toISOString();
const events = (...bodies: IncidentEventBody[]): IncidentEvent[] => bodies.map((b, i) => ({ ...b, seq: i + 1, ts: ts(i) }) as IncidentEvent);
const opened: IncidentEventBody = { type: "incident.opened", incident: "t1", runbook: { id: "testbook", title: "Test book" }, severity: "high", mode: "drill", scenario: "s", dryRun: false, version: "test" };
const ran = (step: string, phase: string, status: "passed" | "failed" | "found" | "error" = "passed", more: Partial<IncidentEventBody> = {}): IncidentEventBody[] => [
  { type: "step.started", step, phase, kind: "run", attempt: 1 },
  { type: "step.finished", step, status, exitCode: status === "failed" ? 1 : 0, durationMs: 5, expectations: [], ...more } as IncidentEventBody,
];
const end = (healthy: boolean): IncidentEventBody => ({ type: "drill.finished", scenario: "s", healthy, detail: healthy ? "3/3 ready on 1.4.2" : "0/3 ready", walkComplete: true, skipped: 0, totalMs: 10, respondWithin: "30m", withinResponseTime: true });
const fix: TestChoice = { options: { look: "pods", fix: "undo" }, expect: "healthy", label: "the documented fix" };
const wrong: TestChoice = { options: { look: "pods", fix: "restart" }, expect: "broken", label: "fix=restart" };

describe("choicesFor", () => {
  it("the documented fix first (a choice it does not name is left to the walk), then each other option of the remedying phase it names", () => {
    const choices = choicesFor(runbook(), "high", { remedy: { fix: "undo" } });
    expect(choices.map((c) => [c.label, c.expect, c.options])).toEqual([
      ["the documented fix", "healthy", { fix: "undo" }],
      ["fix=restart", "broken", { fix: "restart" }],
      ["fix=scale", "broken", { fix: "scale" }],
    ]);
    // A diagnosis named by the fix is kept in every run, never varied.
    expect(choicesFor(runbook(), "high", { remedy: { look: "pods", fix: "undo" } }).map((c) => c.options)).toEqual([
      { look: "pods", fix: "undo" },
      { look: "pods", fix: "restart" },
      { look: "pods", fix: "scale" },
    ]);
  });

  it("a choice the scenario declares in alsoFixes is not run as a wrong one", () => {
    const choices = choicesFor(runbook(), "high", { remedy: { fix: "undo" }, alsoFixes: [{ fix: "scale" }] });
    expect(choices.map((c) => c.label)).toEqual(["the documented fix", "fix=restart"]);
  });

  it("when the runbook marks the phase that mitigates, only its options vary (not the release, not the diagnosis)", () => {
    const rb = runbook(`  - id: back
    kind: remediate
    title: Roll back the train
    mitigates: true
    options:
      - { id: all, title: All, steps: [{ id: all, title: All, run: "true" }] }
      - { id: hold, title: Hold, steps: [{ id: hold, title: Hold, run: "true" }] }
`);
    const choices = choicesFor(rb, "high", { remedy: { back: "all", fix: "undo" } });
    expect(choices.map((c) => c.label)).toEqual(["the documented fix", "back=hold"]);
    // Of several remedying phases, only those the fix names vary; none named: all of them.
    const two = runbook(`  - id: back
    kind: remediate
    title: Roll back the train
    options:
      - { id: all, title: All, steps: [{ id: all, title: All, run: "true" }] }
      - { id: hold, title: Hold, steps: [{ id: hold, title: Hold, run: "true" }] }
`);
    expect(choicesFor(two, "high", { remedy: { fix: "undo" } }).map((c) => c.label)).toEqual(["the documented fix", "fix=restart", "fix=scale"]);
    expect(choicesFor(two, "high", { remedy: {} }).map((c) => c.label)).toEqual(["the documented fix", "fix=undo", "fix=restart", "fix=scale", "back=all", "back=hold"]);
  });
});

describe("judgeRun", () => {
  it("a verify phase before the remedy (a canary's gate) saw the world before the fix: not judged by the end", () => {
    const rb = loadRunbookText(
      `apiVersion: handrail/v1
kind: Runbook
id: gated
title: Gated
phases:
  - { id: gate, kind: verify, title: Gate, steps: [{ id: gate-errors, title: Errors, run: "true" }] }
  - id: fix
    kind: remediate
    title: Fix
    options:
      - { id: undo, title: Undo, steps: [{ id: undo, title: Undo, run: "true" }] }
      - { id: keep, title: Keep, steps: [{ id: keep, title: Keep, run: "true" }] }
  - { id: check, kind: verify, title: Check, steps: [{ id: ready, title: Ready, run: "true" }] }
`,
      "gated.yaml",
    ).runbook as Runbook;
    const f = judgeRun(rb, events(opened, ...ran("gate-errors", "gate", "failed"), { type: "option.chosen", phase: "fix", option: "undo" }, ...ran("undo", "fix"), ...ran("ready", "check"), end(true)), fix);
    expect(f).toMatchObject({ ok: true, verify: [{ phase: "check", passed: true }] });
  });

  it("the documented fix healed it and the verification passed: ok", () => {
    const f = judgeRun(runbook(), events(opened, { type: "option.chosen", phase: "look", option: "pods" }, ...ran("pods", "look"), { type: "option.chosen", phase: "fix", option: "undo" }, ...ran("undo", "fix"), ...ran("ready", "check"), ...ran("report", "check"), end(true)), fix);
    expect(f).toMatchObject({ ok: true, outcome: "healthy", problems: [], verify: [{ phase: "check", passed: true, green: ["ready", "report"], red: [] }] });
  });

  it("a verification that goes green on a broken world is the defect, naming the steps that lied", () => {
    const f = judgeRun(runbook(), events(opened, { type: "option.chosen", phase: "look", option: "pods" }, ...ran("pods", "look"), { type: "option.chosen", phase: "fix", option: "restart" }, ...ran("restart", "fix"), ...ran("ready", "check"), ...ran("report", "check"), end(false)), wrong);
    expect(f.ok).toBe(false);
    expect(f.problems).toEqual(["verify phase check passed while the world was broken (0/3 ready): ready, report went green"]);
  });

  it("a verification that fails after a wrong fix is what it is for: ok", () => {
    const f = judgeRun(runbook(), events(opened, ...ran("restart", "fix"), ...ran("ready", "check", "failed"), ...ran("report", "check"), end(false)), wrong);
    expect(f).toMatchObject({ ok: true, outcome: "broken", verify: [{ phase: "check", passed: false, red: ["ready"] }] });
  });

  it("a step whose script is not here is not judged (a note, not a green tick that would hide a lie)", () => {
    const missing = { diagnosis: { code: "missing-requirement", summary: "this step expects scripts/x.py, which is not here", hint: "put it here" } };
    const f = judgeRun(runbook(), events(opened, ...ran("restart", "fix"), ...ran("ready", "check"), ...ran("report", "check", "failed", missing), end(false)), wrong);
    expect(f.verify).toEqual([{ phase: "check", passed: true, green: ["ready"], red: [] }]);
    expect(f.problems).toEqual(["verify phase check passed while the world was broken (0/3 ready): ready went green"]);
    expect(f.notes).toEqual(["report not judged: this step expects scripts/x.py, which is not here"]);
  });

  it("the documented fix that does not heal, a wrong one that does, a verification red on a healthy world, a step that cannot run", () => {
    expect(judgeRun(runbook(), events(opened, ...ran("undo", "fix"), ...ran("ready", "check", "failed"), end(false)), fix).problems).toEqual(["the documented fix did not heal it: 0/3 ready"]);
    expect(judgeRun(runbook(), events(opened, ...ran("restart", "fix"), end(true)), wrong).problems).toEqual(["fix=restart heals it too, and the scenario does not declare it (alsoFixes)"]);
    expect(judgeRun(runbook(), events(opened, ...ran("undo", "fix"), ...ran("ready", "check", "failed"), end(true)), fix).problems).toEqual(["verify phase check failed on a healthy world (3/3 ready on 1.4.2): ready did not pass"]);
    const quoting = judgeRun(runbook(), events(opened, ...ran("undo", "fix", "failed", { tail: ["sh: 1: Syntax error: Unterminated quoted string"] }), end(true)), fix);
    expect(quoting.problems).toEqual(["step undo could not run as written: sh: 1: Syntax error: Unterminated quoted string"]);
    expect(judgeRun(runbook(), events(opened, ...ran("undo", "fix")), fix).problems).toEqual(["the drill did not finish (no drill.finished in the incident)"]);
  });
});

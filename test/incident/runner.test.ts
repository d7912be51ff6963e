/** One runner for both drivers: `decide` for every rule (risk gate, dry run, manual, interactive, halted, choices, jumps), and preflight. */
import { describe, expect, it } from "vitest";
import type { IncidentEvent, IncidentEventBody } from "../../src/incident/events.js";
import { initialState, reduce, type IncidentState } from "../../src/incident/machine.js";
import { phaseOutcomes, walkVerdict } from "../../src/incident/outcomes.js";
import { preflight } from "../../src/incident/preflight.js";
import { confirmationFor, decide, type Command, type RunMode } from "../../src/incident/runner.js";
import { loadRunbookText } from "../../src/runbooks/load.js";
import type { Runbook } from "../../src/runbooks/schema.js";
import { asTemplate } from "../../src/runbooks/template.js";

const RUNBOOK = loadRunbookText(
  `apiVersion: handrail/v1
kind: Runbook
id: rules
title: Rules
inputs:
  service: { type: name, default: api }
  token: { type: secret, required: false }
phases:
  - id: assess
    kind: assess
    title: Assess
    steps:
      - { id: look, title: Look, run: 'echo "$service"' }
      - { id: ack, title: Acknowledge, manual: Tell the team. }
      - { id: shell, title: Shell, run: 'kubectl exec -it "$service" -- sh', interactive: true }
  - id: diagnose
    kind: diagnose
    title: Diagnose
    steps:
      - { id: pods, title: Pods, run: echo CrashLoopBackOff, found: { stdout: { contains: CrashLoopBackOff } } }
  - id: fix
    kind: remediate
    title: Fix
    options:
      - id: restart
        title: Restart
        steps: [{ id: restart, title: Restart, run: 'kubectl rollout restart deployment/"$service"', risk: medium }]
      - id: undo
        title: Undo
        recommended: true
        steps: [{ id: undo, title: Undo, run: 'kubectl rollout undo deployment/"$service"', risk: high, target: $service }]
  - id: verify
    kind: verify
    title: Verify
    steps:
      - { id: check, title: Check, run: 'true' }
`,
  "rules.yaml",
).runbook as Runbook;

function apply(state: IncidentState, ...bodies: IncidentEventBody[]): IncidentState {
  return bodies.reduce((s, b) => reduce(s, { ...b, seq: s.lastSeq + 1, ts: new Date(Date.parse("2026-12-06T03:00:00Z") + s.lastSeq * 1000).toISOString() } as IncidentEvent), state);
}

const opened: IncidentEventBody = { type: "incident.opened", incident: "i1", runbook: { id: "rules", title: "Rules" }, severity: "high", mode: "console", dryRun: false, version: "test" };
const done = (step: string, phase: string, status: "passed" | "failed" | "found" = "passed"): IncidentEventBody[] => [
  { type: "step.started", step, phase, kind: "run", attempt: 1 },
  { type: "step.finished", step, status, exitCode: status === "failed" ? 1 : 0, durationMs: 1, expectations: [] },
];
const console_: RunMode = { by: "ana", dryRun: false, terminal: true, production: false };
const headless = (yes: boolean, options: Record<string, string> = {}): RunMode => ({ by: "--yes", dryRun: false, terminal: false, production: false, headless: { yes, options, retryHalted: false } });

const start = () => apply(initialState(RUNBOOK), opened, { type: "input.set", name: "service", value: "api" });
const atFix = () => apply(start(), ...done("look", "assess"), ...done("ack", "assess"), ...done("shell", "assess"), ...done("pods", "diagnose", "found"));
const kind = (c: Command) => c.type;

describe("decide: the walkthrough's rules, once for both drivers", () => {
  it("a run carries the runbook's template, or the operator's edit, never display text", () => {
    const c = decide(start(), { type: "run" }, console_);
    expect(c).toMatchObject({ type: "run", item: { key: "look" } });
    expect((c as Extract<Command, { type: "run" }>).edited).toBeUndefined();
    const edited = decide(start(), { type: "run", edited: asTemplate('echo "$service" twice') }, console_);
    expect(edited).toMatchObject({ type: "run", edited: 'echo "$service" twice' });
  });

  it("manual steps are confirmed, in the console by the operator and headless only with --yes", () => {
    const s = apply(start(), ...done("look", "assess"));
    expect(decide(s, { type: "confirm" }, console_)).toMatchObject({ type: "confirm", by: "ana" });
    expect(decide(s, { type: "next" }, headless(true))).toMatchObject({ type: "confirm", by: "--yes" });
    expect(decide(s, { type: "next" }, headless(false))).toMatchObject({ type: "skip", reason: expect.stringContaining("pass --yes") });
    expect(decide(start(), { type: "confirm" }, console_)).toMatchObject({ type: "refuse" });
  });

  it("an interactive step needs a terminal; a dry run runs nothing", () => {
    const s = apply(start(), ...done("look", "assess"), ...done("ack", "assess"));
    expect(decide(s, { type: "next" }, headless(true))).toMatchObject({ type: "skip", reason: "interactive step: needs a terminal" });
    expect(decide(s, { type: "run" }, console_)).toMatchObject({ type: "run" });
    expect(decide(s, { type: "run" }, { ...console_, dryRun: true })).toMatchObject({ type: "skip", reason: "dry run", dryRun: true });
  });

  it("the risk gate: the console asks (typed back against production), headless needs --yes", () => {
    const restart = apply(atFix(), { type: "option.chosen", phase: "fix", option: "restart" });
    expect(decide(restart, { type: "run" }, console_)).toMatchObject({ type: "ask", confirmation: "yes-no" });
    expect(kind(decide(restart, { type: "run", confirmed: "yes-no" }, console_))).toBe("run");
    expect(kind(decide(restart, { type: "next" }, headless(false)))).toBe("run");
    const undo = apply(atFix(), { type: "option.chosen", phase: "fix", option: "undo" });
    expect(decide(undo, { type: "run" }, { ...console_, production: true })).toMatchObject({ type: "ask", confirmation: "type-target" });
    expect(decide(undo, { type: "run", confirmed: "yes-no" }, { ...console_, production: true })).toMatchObject({ type: "ask", confirmation: "type-target" });
    expect(kind(decide(undo, { type: "run", confirmed: "type-target" }, { ...console_, production: true }))).toBe("run");
    expect(decide(undo, { type: "next" }, headless(false))).toMatchObject({ type: "refuse", reason: expect.stringContaining("--yes") });
    expect(kind(decide(undo, { type: "next" }, headless(true)))).toBe("run");
    expect(confirmationFor("critical", true, false)).toBe("yes-no");
  });

  it("choices: the operator's pick or --option; recommended is never a silent default", () => {
    expect(decide(atFix(), { type: "choose", option: "undo" }, console_)).toMatchObject({ type: "choose", phase: "fix", option: "undo", by: "ana" });
    expect(decide(atFix(), { type: "choose", option: "nope" }, console_)).toMatchObject({ type: "refuse" });
    expect(decide(atFix(), { type: "next" }, headless(true))).toMatchObject({ type: "stop", status: "needs-choice" });
    expect(decide(atFix(), { type: "next" }, headless(true, { fix: "restart" }))).toMatchObject({ type: "choose", option: "restart", by: "--option" });
    // After an option's step failed, another option of the same phase can be taken.
    const failed = apply(atFix(), { type: "option.chosen", phase: "fix", option: "restart" }, ...done("restart", "fix", "failed"));
    expect(decide(failed, { type: "choose", option: "undo" }, console_)).toMatchObject({ type: "choose", phase: "fix", option: "undo" });
  });

  it("a halted step stops a headless walk (resume runs it again once) and is run again in the console", () => {
    const halted = apply(start(), ...done("look", "assess", "failed"));
    expect(decide(halted, { type: "next" }, headless(true))).toMatchObject({ type: "stop", step: "look", status: "failed" });
    expect(decide(halted, { type: "next" }, { ...headless(true), headless: { yes: true, options: {}, retryHalted: true } })).toMatchObject({ type: "run", item: { key: "look" } });
    expect(decide(halted, { type: "run" }, console_)).toMatchObject({ type: "run", item: { key: "look" } });
  });

  it("a jump passes over what lies between, and those are recorded as skipped everywhere", () => {
    const jump = decide(start(), { type: "jump", phase: "verify" }, console_);
    expect(jump).toEqual({ type: "jump", phase: "verify", passedOver: ["look", "ack", "shell", "pods", "choose:fix"] });
    let s = start();
    for (const key of (jump as Extract<Command, { type: "jump" }>).passedOver) s = apply(s, { type: "step.skipped", step: key, reason: "jumped", to: "verify" });
    s = apply(s, { type: "phase.entered", phase: "verify", jump: true });
    expect(phaseOutcomes(s, "verify").map((p) => `${p.id}:${p.state}`)).toEqual(["assess:skipped", "diagnose:skipped", "fix:skipped", "verify:current"]);
    s = apply(s, ...done("check", "verify"));
    const v = walkVerdict(s);
    expect(v.clean).toBe(false);
    expect(v.skipped).toEqual(["look", "ack", "shell", "pods", "choose:fix"]);
    // Jumping back passes over nothing.
    expect(decide(atFix(), { type: "jump", phase: "assess" }, console_)).toMatchObject({ passedOver: [] });
  });

  it("found is not a failure: the walk goes on, the phase is done, the verdict clean", () => {
    const s = apply(atFix(), { type: "option.chosen", phase: "fix", option: "restart" }, ...done("restart", "fix"), ...done("check", "verify"));
    expect(phaseOutcomes(s).map((p) => p.state)).toEqual(["done", "done", "done", "done"]);
    expect(walkVerdict(s)).toMatchObject({ clean: true, found: ["pods"], failed: [] });
    const broken = apply(atFix(), { type: "option.chosen", phase: "fix", option: "restart" }, ...done("restart", "fix"), { type: "step.started", step: "check", phase: "verify", kind: "run", attempt: 1 }, { type: "step.finished", step: "check", status: "failed", exitCode: 1, durationMs: 1, expectations: [] });
    expect(phaseOutcomes(broken, "verify").at(-1)?.state).toBe("current");
    expect(phaseOutcomes(broken).at(-1)?.state).toBe("failed");
  });

  it("a phase passed over by its condition is not needed, not a gap: no tick, no skip counted, a clean verdict", () => {
    let s = apply(atFix(), { type: "step.skipped", step: "choose:fix", reason: "condition", condition: "step pods is passed (wanted found)" }, ...done("check", "verify"));
    expect(phaseOutcomes(s).map((p) => `${p.id}:${p.state}`)).toEqual(["assess:done", "diagnose:done", "fix:not-needed", "verify:done"]);
    expect(walkVerdict(s)).toMatchObject({ clean: true, skipped: [] });
    s = apply(atFix(), { type: "step.skipped", step: "choose:fix", reason: "the operator said so" }, ...done("check", "verify"));
    expect(walkVerdict(s)).toMatchObject({ clean: false, skipped: ["choose:fix"] });
  });

  it("nothing is decided on a resolved incident", () => {
    const s = apply(start(), { type: "incident.resolved", rootCause: "x", actionItems: [] });
    expect(decide(s, { type: "run" }, console_)).toMatchObject({ type: "refuse" });
    expect(decide(s, { type: "next" }, headless(true))).toEqual({ type: "end", resolved: true });
  });
});

describe("preflight: refused before anything runs", () => {
  const base = { runbook: RUNBOOK, severity: "high" as const, inputs: { service: "api" }, chosen: {}, done: new Set<string>(), options: {}, yes: false, dryRun: false, missingSecrets: [] };
  it("names every choice with its options, the risky steps of the options given, and missing secrets", () => {
    expect(preflight(base)).toEqual(["--option fix=<restart | undo>: phase fix needs a choice (the runbook recommends undo)"]);
    expect(preflight({ ...base, options: { fix: "undo" } })).toEqual(["1 step(s) of risk high or critical need --yes: undo"]);
    expect(preflight({ ...base, options: { fix: "undo" }, yes: true })).toEqual([]);
    expect(preflight({ ...base, options: { fix: "undo" }, done: new Set(["undo"]) })).toEqual([]);
    expect(preflight({ ...base, options: { fix: "restart" }, missingSecrets: ["token"] })[0]).toMatch(/^HANDRAIL_INPUT_TOKEN is not set/);
  });
});

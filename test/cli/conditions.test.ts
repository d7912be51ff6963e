/** `when:` through the built binary: steps, phases and options that apply only when their condition holds, recorded with what they saw. */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { EventOf, IncidentEvent } from "../../src/incident/events.js";
import { runCli, scratchDir } from "../helpers/cli.js";

const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: conditional
title: Conditional
inputs:
  environment: { type: enum, values: [staging, production], default: staging }
  state: { type: string, default: healthy }
phases:
  - id: diagnose
    kind: diagnose
    title: Diagnose
    steps:
      - id: pods
        title: Pods
        run: 'echo "api-1 0/1 $state"'
        found: { stdout: { contains: CrashLoopBackOff } }
      - id: logs
        title: Logs of the crash
        run: 'echo logs > logs.txt'
        when: { step: pods, stdout: { contains: CrashLoopBackOff } }
      - id: prod-page
        title: Page production on-call
        run: 'echo paged > paged.txt'
        when: { input: environment, equals: production }
  - id: fix
    kind: remediate
    title: Fix
    when: { step: pods, status: found }
    options:
      - id: restart
        title: Restart
        steps: [{ id: restart, title: Restart, run: 'echo restarted > restarted.txt' }]
      - id: rollback
        title: Roll back
        when: { input: environment, equals: production }
        recommended: { input: environment, equals: production }
        steps: [{ id: undo, title: Undo, run: 'echo undone > undone.txt', risk: high }]
  - id: verify
    kind: verify
    title: Verify
    steps:
      - { id: check, title: Check, run: 'true' }
`;

function setup(): string {
  const dir = scratchDir(onTestFinished);
  writeFileSync(path.join(dir, "conditional.yaml"), RUNBOOK);
  return dir;
}

function events(dir: string): IncidentEvent[] {
  const store = path.join(dir, "incidents");
  const file = readdirSync(store).find((f) => f.endsWith(".jsonl"))!;
  return readFileSync(path.join(store, file), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
}

const skipped = (evs: IncidentEvent[]) => evs.filter((e): e is EventOf<"step.skipped"> => e.type === "step.skipped").map((e) => [e.step, e.reason, e.condition]);
const ran = (evs: IncidentEvent[]) => evs.filter((e): e is EventOf<"step.started"> => e.type === "step.started").map((e) => e.step);

describe("when: through handrail run", () => {
  it("healthy on staging: the symptom is absent, so the crash's steps and the fix phase are passed over, with what their conditions saw", async () => {
    const dir = setup();
    const r = await runCli(["run", "conditional.yaml", "--yes"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const evs = events(dir);
    expect(ran(evs)).toEqual(["pods", "check"]);
    expect(skipped(evs)).toEqual([
      ["logs", "condition", 'step pods is passed (wanted stdout {"contains":"CrashLoopBackOff"})'],
      ["prod-page", "condition", 'environment is "staging" (wanted production)'],
      ["choose:fix", "condition", "phase fix: step pods is passed (wanted found)"],
    ]);
    expect(r.stdout).toContain("– skipped: condition (environment is \"staging\" (wanted production))");
    expect(evs.find((e): e is EventOf<"step.finished"> => e.type === "step.finished" && e.step === "pods")?.facts).toEqual({ '{"contains":"CrashLoopBackOff"}': false });
  });

  it("crash-looping on staging: found, the crash's steps run, the fix offers only what applies (one option: taken without --option)", async () => {
    const dir = setup();
    const r = await runCli(["run", "conditional.yaml", "--set", "state=CrashLoopBackOff"], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("◆ found");
    const evs = events(dir);
    expect(ran(evs)).toEqual(["pods", "logs", "restart", "check"]);
    expect(evs.find((e) => e.type === "option.chosen")).toMatchObject({ phase: "fix", option: "restart", by: "only option" });
    expect(readFileSync(path.join(dir, "restarted.txt"), "utf8").trim()).toBe("restarted");
  });

  it("in production the rollback is offered too, so the choice is asked for; --yes never runs a step whose condition is false", async () => {
    const dir = setup();
    // The phase's condition reads a step's result: no --option is required before the walk, it stops at the choice.
    const stop = await runCli(["run", "conditional.yaml", "--set", "environment=production", "--set", "state=CrashLoopBackOff", "--yes"], { cwd: dir });
    expect(stop.exitCode).toBe(1);
    expect(stop.stderr).toContain("phase fix needs a choice: --option fix=<restart | rollback>");
    const dir2 = setup();
    const r = await runCli(["run", "conditional.yaml", "--set", "environment=production", "--yes", "--option", "fix=rollback"], { cwd: dir2 });
    expect(r.exitCode).toBe(0);
    // Healthy: the fix phase is passed over although --option and --yes were given.
    expect(ran(events(dir2))).toEqual(["pods", "prod-page", "check"]);
    expect(readdirSync(dir2)).not.toContain("undone.txt");
  });
});

describe("when: checked by validate", () => {
  it("an unknown input, an unknown step, a later step and output asked of a manual step are each located", async () => {
    const dir = scratchDir(onTestFinished);
    const bad = RUNBOOK.replace("when: { input: environment, equals: production }\n  - id: fix", "when: { input: enviroment, equals: production }\n      - { id: ask, title: Ask, manual: Ask around. }\n  - id: fix")
      .replace("when: { step: pods, stdout: { contains: CrashLoopBackOff } }", "when: { step: check, status: passed }")
      .replace("when: { step: pods, status: found }", "when: { any: [{ step: podz, status: found }, { step: ask, stdout: { contains: x } }] }");
    writeFileSync(path.join(dir, "bad.yaml"), bad);
    const r = await runCli(["validate", "bad.yaml"], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+ phases\[0\]\.steps\[1\]\.when\.step: step "check" comes later in the walk/);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+ phases\[0\]\.steps\[2\]\.when\.input: no input "enviroment" \(did you mean "environment"\?\)/);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+ phases\[1\]\.when\.any\[0\]\.step: no step "podz" \(did you mean "pods"\?\)/);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+ phases\[1\]\.when\.any\[1\]\.stdout: step "ask" is a manual step: it has no output to read/);
  });

  it("a condition on a choice names a phase with options that came before, and options it has", async () => {
    const dir = scratchDir(onTestFinished);
    const bad = RUNBOOK.replace("      - { id: check, title: Check, run: 'true' }", `      - { id: check, title: Check, run: 'true', when: { chosen: fix, equals: undo } }
      - { id: check2, title: Check, run: 'true', when: { chosen: fx } }
      - { id: check3, title: Check, run: 'true', when: { chosen: fix, in: [restart, rollback] } }`)
      .replace("    when: { step: pods, status: found }\n    options:", "    when: { chosen: fix }\n    options:");
    writeFileSync(path.join(dir, "bad.yaml"), bad);
    const r = await runCli(["validate", "bad.yaml"], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+ phases\[1\]\.when\.chosen: phase "fix" is chosen later in the walk/);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+ phases\[2\]\.steps\[0\]\.when\.equals: phase "fix" has no option "undo" \(restart \| rollback\)/);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+ phases\[2\]\.steps\[1\]\.when\.chosen: no phase "fx" with options \(did you mean "fix"\?\)/);
    expect(r.stderr).not.toContain("steps[2]");
  });

  it("a verification that reads the choice runs only after that option", async () => {
    const dir = setup();
    const rb = RUNBOOK.replace("      - { id: check, title: Check, run: 'true' }", `      - { id: check, title: Check, run: 'true' }
      - { id: undone, title: Undone, run: 'cat undone.txt', when: { chosen: fix, equals: rollback } }`);
    writeFileSync(path.join(dir, "conditional.yaml"), rb);
    const r = await runCli(["run", "conditional.yaml", "--set", "state=CrashLoopBackOff", "--option", "fix=restart", "--yes"], { cwd: dir });
    expect(r.exitCode).toBe(0);
    const skipped = events(dir).filter((e): e is EventOf<"step.skipped"> => e.type === "step.skipped" && e.step === "undone");
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ reason: "condition", condition: expect.stringContaining("fix chose restart (wanted rollback)") });
  });
});

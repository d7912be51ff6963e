/** The console on the one runner: the edit prompt runs templates, the end tells the truth, jumps show, resume asks for secrets. */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { KEYS, renderConsole } from "../helpers/ui.js";

function runbooksWith(yaml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "handrail-rb-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, "x.yaml"), yaml);
  return dir;
}

function events(incidentsDir: string): IncidentEvent[] {
  const file = readdirSync(incidentsDir).find((f) => f.endsWith(".jsonl"))!;
  return readFileSync(path.join(incidentsDir, file), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
}

const ECHO = `apiVersion: handrail/v1
kind: Runbook
id: echo
title: Echo
inputs:
  name: { type: string }
  token: { type: secret, required: false }
phases:
  - id: say
    kind: assess
    title: Say
    steps:
      - { id: say, title: Say the name, run: 'printf "[%s]\\n" "$name"' }
  - id: check
    kind: diagnose
    title: Check
    steps:
      - { id: pods, title: Pods, run: echo CrashLoopBackOff, found: { stdout: { contains: CrashLoopBackOff } } }
  - id: verify
    kind: verify
    title: Verify
    steps:
      - { id: healthy, title: Healthy, run: 'exit 3', onFail: continue }
`;

describe("the console on the one runner", () => {
  it("e then Enter runs the runbook's template: an input holding shell code reaches the process as its literal value", async () => {
    const c = await renderConsole({ runbooksDir: runbooksWith(ECHO), onCleanup: onTestFinished });
    const value = '"; echo INJECTED; "';
    await c.controller.startIncident("echo", "high", { name: value });
    await c.waitFor("Say › Say the name");
    // The card shows the value substituted; the edit prompt starts from the template.
    expect(c.frame()).toContain(`$ printf "[%s]\\n" ""; echo INJECTED; ""`);
    await c.press("e");
    await c.waitFor(`$ printf "[%s]\\n" "$name"`);
    await c.press(KEYS.enter);
    await c.waitFor("Check › Pods");
    const output = events(c.incidentsDir).filter((e): e is Extract<IncidentEvent, { type: "step.output" }> => e.type === "step.output").flatMap((e) => e.lines);
    expect(output).toEqual([`[${value}]`]);
    const started = events(c.incidentsDir).find((e): e is Extract<IncidentEvent, { type: "step.started" }> => e.type === "step.started");
    expect(started?.edited).toBe(true);
    expect(c.frame()).toContain("Say the name (edited) — passed");
  });

  it("a found symptom is amber, not a failure; the end says which step did not pass instead of 'Every step is done'", async () => {
    const c = await renderConsole({ runbooksDir: runbooksWith(ECHO), onCleanup: onTestFinished });
    await c.controller.startIncident("echo", "high", { name: "api" });
    await c.waitFor("Say › Say the name");
    await c.press("r");
    await c.waitFor("Check › Pods");
    await c.press("r");
    await c.waitFor("◆ Pods — found");
    await c.waitFor("Verify › Healthy");
    await c.press("r");
    await c.waitFor("The walk reached its end, but not every step passed: 1 did not pass (healthy)");
    expect(c.frame()).not.toContain("Every step is done");
    expect(c.frame()).toContain("✓ Say → ✓ Check → ✗ Verify (1 failed)");
  });

  it("a jump records what it passes over as skipped; the rail shows it, not a tick", async () => {
    const c = await renderConsole({ runbooksDir: runbooksWith(ECHO), onCleanup: onTestFinished });
    await c.controller.startIncident("echo", "high", { name: "api" });
    await c.waitFor("Say › Say the name");
    await c.press("j");
    await c.waitFor("3. Verify");
    await c.press("3");
    await c.waitFor("Verify › Healthy");
    expect(c.frame()).toContain("– Say (1 skipped) → – Check (1 skipped) → ● Verify");
    expect(c.frame()).toContain("Say the name — skipped · jumped to verify");
    const skipped = events(c.incidentsDir).filter((e): e is Extract<IncidentEvent, { type: "step.skipped" }> => e.type === "step.skipped");
    expect(skipped.map((e) => [e.step, e.reason, e.to])).toEqual([["say", "jumped", "verify"], ["pods", "jumped", "verify"]]);
  });

  it("resuming asks for the secret again (never stored) and the step gets the new value", async () => {
    const yaml = ECHO.replace(`'printf "[%s]\\n" "$name"'`, `'printf "%s" "$token" | sha256sum | cut -c1-64'`);
    const c = await renderConsole({ runbooksDir: runbooksWith(yaml), onCleanup: onTestFinished });
    await c.controller.startIncident("echo", "high", { name: "api", token: "first-secret-1" });
    await c.waitFor("Say › Say the name");
    c.controller.leave();
    await c.waitFor("open incidents");
    const file = path.join(c.incidentsDir, readdirSync(c.incidentsDir).find((f) => f.endsWith(".jsonl"))!);
    await c.controller.resumeIncident(file);
    await c.waitFor("(secret, never stored; asked again on every resume):");
    // Too short to mask: refused at the prompt, as everywhere else.
    await c.press(..."abc", KEYS.enter);
    await c.waitFor("a secret of 3 characters cannot be masked in output");
    for (let i = 0; i < 3; i++) await c.press(KEYS.backspace);
    await c.press(..."second-secret-2", KEYS.enter);
    await c.waitFor("Say › Say the name");
    await c.press("r");
    await c.waitFor("Check › Pods");
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("first-secret-1");
    expect(text).not.toContain("second-secret-2");
    // The value given on resume reached the step: its hash, not the mask's or an empty value's.
    const out = events(c.incidentsDir).filter((e): e is Extract<IncidentEvent, { type: "step.output" }> => e.type === "step.output").flatMap((e) => e.lines);
    expect(out).toEqual([createHash("sha256").update("second-secret-2").digest("hex")]);
  });
});

describe("open with every input given and no --severity", () => {
  it("the severity picked opens the incident: nothing is left to ask (it stopped at 'Opening the incident…')", async () => {
    const c = await renderConsole({ runbooksDir: runbooksWith(ECHO), onCleanup: onTestFinished });
    c.controller.begin("echo", { inputs: { name: "api", token: "given-secret-9" } });
    await c.waitFor("how severe is it?");
    await c.press(KEYS.down, KEYS.enter);
    await c.waitFor("Say › Say the name");
    expect(events(c.incidentsDir)[0]).toMatchObject({ type: "incident.opened", severity: "high" });
  });

  it("an incident that cannot be opened says why on home, instead of 'Opening the incident…' for ever", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "handrail-ui-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // The store is a file where a directory should be: the incident file cannot be created.
    const store = path.join(dir, "incidents");
    writeFileSync(store, "");
    const c = await renderConsole({ runbooksDir: runbooksWith(ECHO), onCleanup: onTestFinished, incidentsDir: store });
    c.controller.begin("echo", { inputs: { name: "api", token: "given-secret-9" } });
    await c.waitFor("how severe is it?");
    await c.press(KEYS.enter);
    await c.waitFor("cannot open the incident:");
    expect(c.frame().replace(/\s+/g, " ")).toContain(`cannot create the incident directory ${store}: a file of that name is in the way (EEXIST); choose another with --incidents DIR`);
    expect(c.frame()).toContain("Echo (echo)");
    expect(c.frame()).not.toContain("Opening the incident…");
  });
});

describe("secrets from HANDRAIL_INPUT_<NAME> in the console, as open and run --resume take them", () => {
  const HASHED = ECHO.replace(`'printf "[%s]\\n" "$name"'`, `'printf "%s" "$token" | sha256sum | cut -c1-64'`);
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  const stepOutput = (dir: string) => events(dir).filter((e): e is Extract<IncidentEvent, { type: "step.output" }> => e.type === "step.output").flatMap((e) => e.lines);

  it("picked on home: the secret is not asked and reaches the step; another input's variable is its prompt's starting text", async () => {
    const c = await renderConsole({ runbooksDir: runbooksWith(HASHED), onCleanup: onTestFinished, env: { HANDRAIL_INPUT_TOKEN: "env-secret-77", HANDRAIL_INPUT_NAME: "from-env" } });
    await c.waitFor("Echo (echo)");
    await c.press(KEYS.enter);
    await c.waitFor("how severe is it?");
    await c.press(KEYS.enter);
    // Seen before it is taken: the name's variable is what its prompt starts from, and the secret is said to come from its own.
    await c.waitFor("name (string): from-env");
    expect(c.frame()).toContain("token: from HANDRAIL_INPUT_TOKEN");
    await c.press(KEYS.enter);
    await c.waitFor("Say › Say the name");
    expect(c.frame()).not.toContain("token (secret):");
    await c.press("r");
    await c.waitFor("Check › Pods");
    expect(stepOutput(c.incidentsDir)).toEqual([sha("env-secret-77")]);
    const evs = events(c.incidentsDir);
    expect(evs.find((e) => e.type === "input.set" && e.name === "name")).toMatchObject({ value: "from-env" });
    expect(evs.find((e) => e.type === "input.set" && e.name === "token")).toMatchObject({ secret: true });
    expect(JSON.stringify(evs)).not.toContain("env-secret-77");
  });

  it("open: the start screen names the variable a secret came from, and not one --set gave", async () => {
    const c = await renderConsole({ runbooksDir: runbooksWith(HASHED), onCleanup: onTestFinished, env: { HANDRAIL_INPUT_TOKEN: "env-secret-77" } });
    // As the command layer hands them over: the secret from its variable, the name from --set.
    c.controller.begin("echo", { inputs: { name: "api", token: "env-secret-77" } });
    await c.waitFor("how severe is it?");
    expect(c.frame()).toContain("token: from HANDRAIL_INPUT_TOKEN");
    c.controller.leave();
    await c.waitFor("Echo (echo)");
    c.controller.begin("echo", { inputs: { name: "api", token: "from-set-flag-1" } });
    await c.waitFor("how severe is it?");
    expect(c.frame()).not.toContain("from HANDRAIL_INPUT_TOKEN");
  });

  it("picked on home: a secret too short to mask in its variable is asked instead, and the flash names the variable", async () => {
    const c = await renderConsole({ runbooksDir: runbooksWith(HASHED), onCleanup: onTestFinished, env: { HANDRAIL_INPUT_TOKEN: "abc" } });
    await c.waitFor("Echo (echo)");
    await c.press(KEYS.enter);
    await c.waitFor("how severe is it?");
    expect(c.frame()).toContain("HANDRAIL_INPUT_TOKEN: a secret of 3 characters cannot be masked in output");
    await c.press(KEYS.enter);
    await c.waitFor("name (string):");
    expect(c.frame()).toContain("asked instead");
    await c.press(..."api", KEYS.enter);
    await c.waitFor("token (secret):");
    await c.press(..."typed-secret-5", KEYS.enter);
    await c.waitFor("Say › Say the name");
    await c.press("r");
    await c.waitFor("Check › Pods");
    expect(stepOutput(c.incidentsDir)).toEqual([sha("typed-secret-5")]);
  });

  it("on resume: the secret from its variable is not asked; a bad one is asked, with the reason", async () => {
    const first = await renderConsole({ runbooksDir: runbooksWith(HASHED), onCleanup: onTestFinished });
    await first.controller.startIncident("echo", "high", { name: "api", token: "first-secret-1" });
    await first.waitFor("Say › Say the name");
    first.controller.leave();
    await first.waitFor("open incidents");
    const file = path.join(first.incidentsDir, readdirSync(first.incidentsDir).find((f) => f.endsWith(".jsonl"))!);

    const bad = await renderConsole({ runbooksDir: runbooksWith(HASHED), onCleanup: onTestFinished, incidentsDir: first.incidentsDir, env: { HANDRAIL_INPUT_TOKEN: "abc" } });
    await bad.controller.resumeIncident(file);
    await bad.waitFor("(secret, never stored; asked again on every resume):");
    expect(bad.frame()).toContain("HANDRAIL_INPUT_TOKEN: a secret of 3 characters cannot be masked in output");
    bad.controller.leave();
    await bad.waitFor("open incidents");

    const good = await renderConsole({ runbooksDir: runbooksWith(HASHED), onCleanup: onTestFinished, incidentsDir: first.incidentsDir, env: { HANDRAIL_INPUT_TOKEN: "env-secret-88" } });
    await good.controller.resumeIncident(file);
    await good.waitFor("Say › Say the name");
    expect(good.frame()).not.toContain("never stored");
    await good.press("r");
    await good.waitFor("Check › Pods");
    expect(stepOutput(first.incidentsDir)).toEqual([sha("env-secret-88")]);
    expect(readFileSync(file, "utf8")).not.toContain("env-secret-88");
  });
});

describe("the history rebuilt on resume", () => {
  it("shows titles, the attempt a crash interrupted with its last output, and skips with their reasons", async () => {
    const { historyOfAll } = await import("../../src/console/history.js");
    const { loadRunbookText } = await import("../../src/runbooks/load.js");
    const { replay } = await import("../../src/incident/machine.js");
    const runbook = loadRunbookText(ECHO, "echo.yaml").runbook!;
    const at = (seq: number) => ({ seq, ts: `2026-12-06T03:00:0${seq}Z` });
    const evs = [
      { ...at(1), type: "incident.opened", incident: "i", runbook: { id: "echo", title: "Echo" }, severity: "high", mode: "console", dryRun: false, version: "t" },
      { ...at(2), type: "step.skipped", step: "say", reason: "not needed" },
      { ...at(3), type: "step.started", step: "pods", phase: "check", kind: "run", attempt: 1 },
      { ...at(4), type: "step.output", step: "pods", stream: "stdout", lines: ["a", "b", "c", "CrashLoopBackOff"] },
      { ...at(5), type: "incident.resumed", interrupted: ["pods"], pid: 1 },
    ] as IncidentEvent[];
    const lines = historyOfAll(evs, replay(runbook, evs)).map((h) => `${h.status} ${h.title} · ${h.detail ?? ""}`);
    expect(lines).toEqual(["skipped Say the name · not needed", "interrupted Pods · handrail stopped while it ran · last output: b / c / CrashLoopBackOff"]);
  });
});

describe("conditions in the console", () => {
  const RB = `apiVersion: handrail/v1
kind: Runbook
id: cond
title: Cond
inputs:
  environment: { type: enum, values: [staging, production], default: staging }
phases:
  - id: a
    kind: diagnose
    title: A
    steps:
      - { id: look, title: Look, run: 'echo CrashLoopBackOff', found: { stdout: { contains: CrashLoopBackOff } } }
      - { id: prod, title: Production only, run: 'true', when: { input: environment, equals: production } }
      - { id: crash, title: The crash, run: 'true', when: { step: look, status: found } }
`;
  it("passes over a step whose condition does not hold (saying what it saw) and says why a conditional step runs", async () => {
    const c = await renderConsole({ runbooksDir: runbooksWith(RB), onCleanup: onTestFinished });
    await c.controller.startIncident("cond", "high", { environment: "staging" });
    await c.waitFor("A › Look");
    await c.press("r");
    await c.waitFor("A › The crash");
    expect(c.frame()).toContain('– Production only — skipped · passed over: environment is "staging" (wanted production)');
    expect(c.frame()).toContain("runs because step look is found (wanted found)");
    const skipped = events(c.incidentsDir).find((e): e is Extract<IncidentEvent, { type: "step.skipped" }> => e.type === "step.skipped");
    expect(skipped).toMatchObject({ step: "prod", reason: "condition", condition: 'environment is "staging" (wanted production)' });
  });
});

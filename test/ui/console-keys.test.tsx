/** Nothing confirmed by accident: Enter never runs, confirms or picks; a key right after a step appears is not for it. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { ROOT } from "../helpers/cli.js";
import { KEYS, renderConsole } from "../helpers/ui.js";

const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: keys
title: Keys
inputs:
  environment: { type: enum, values: [staging, production], default: staging }
  host: { type: name, default: web-1 }
phases:
  - id: assess
    kind: assess
    title: Assess
    steps:
      - { id: tell, title: Tell the team, manual: Post in the incident channel. }
      - { id: look, title: Look, run: 'echo "on $host"' }
  - id: fix
    kind: remediate
    title: Fix
    options:
${Array.from({ length: 13 }, (_, i) => `      - { id: o${i + 1}, title: Option ${i + 1}${i === 12 ? ", recommended: true" : ""}, steps: [{ id: s${i + 1}, title: Step ${i + 1}, run: 'true' }] }`).join("\n")}
`;

function runbooks(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "handrail-rb-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, "keys.yaml"), RUNBOOK);
  return dir;
}

function events(dir: string): IncidentEvent[] {
  const file = readdirSync(dir).find((f) => f.endsWith(".jsonl"))!;
  return readFileSync(path.join(dir, file), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
}

describe("keys that cannot act by accident", () => {
  it("Enter pressed 20 times on a manual step and on an option list confirms nothing and picks nothing", async () => {
    const c = await renderConsole({ runbooksDir: runbooks(), onCleanup: onTestFinished });
    await c.controller.startIncident("keys", "high", { environment: "staging", host: "web-1" });
    await c.waitFor("Assess › Tell the team");
    await c.press(...Array(20).fill(KEYS.enter));
    expect(c.frame()).toContain("Assess › Tell the team");
    expect(events(c.incidentsDir).filter((e) => e.type === "step.finished")).toEqual([]);
    await c.press("y");
    await c.waitFor("✓ Tell the team — confirmed");
    await c.press("r");
    await c.waitFor("Fix: choose how to proceed");
    // The cursor starts on the recommended option, 13th of 13, and the list says what it does not show.
    await c.waitFor("❯ 13. Option 13 (recommended)");
    expect(c.frame()).toMatch(/↑ \d+ more/);
    await c.press(...Array(20).fill(KEYS.enter));
    expect(c.frame()).toContain("Fix: choose how to proceed");
    expect(events(c.incidentsDir).filter((e) => e.type === "option.chosen")).toEqual([]);
    await c.press("r");
    await c.waitFor("Fix › Step 13");
    expect(events(c.incidentsDir).find((e) => e.type === "option.chosen")).toMatchObject({ option: "o13" });
  });

  it("a key typed within the guard of a new step appearing is not taken for it; once armed the footer offers it", async () => {
    const c = await renderConsole({ runbooksDir: runbooks(), onCleanup: onTestFinished, guardMs: 1500 });
    await c.controller.startIncident("keys", "high", { environment: "staging", host: "web-1" });
    await c.waitFor("Assess › Tell the team");
    // At once: y is not offered and does nothing.
    expect(c.frame()).not.toContain("y/d done");
    await c.press("y");
    expect(events(c.incidentsDir).filter((e) => e.type === "step.finished")).toEqual([]);
    await c.waitFor("? keys · y/d done");
    await c.press("y");
    await c.waitFor("Assess › Look");
    // The next step starts its own guard: an r right behind the y is not for it.
    await c.press("r");
    expect(events(c.incidentsDir).filter((e) => e.type === "step.started" && e.step === "look")).toEqual([]);
    await c.waitFor("? keys · r run");
    await c.press("r");
    await c.waitFor("✓ Look — passed");
  });

  it("i changes an input mid-incident: logged, and the next step uses the new value; environment=production makes it production", async () => {
    const c = await renderConsole({ runbooksDir: runbooks(), onCleanup: onTestFinished });
    await c.controller.startIncident("keys", "high", { environment: "staging", host: "web-1" });
    await c.waitFor("Assess › Tell the team");
    expect(c.frame()).not.toContain(" PRODUCTION ");
    await c.press("i");
    await c.waitFor("2. host");
    await c.press("2");
    await c.waitFor("host (name):");
    await c.press(...Array(5).fill(KEYS.backspace), ..."web-2", KEYS.enter);
    await c.waitFor(/^(?![\s\S]*host \(name\):)/);
    await c.press("y");
    await c.waitFor('$ echo "on web-2"');
    await c.press("i", "1");
    await c.waitFor("environment (enum):");
    await c.press(...Array(7).fill(KEYS.backspace), ..."production", KEYS.enter);
    await c.waitFor(" PRODUCTION ");
    await c.press("r");
    await c.waitFor("✓ Look — passed");
    const changed = events(c.incidentsDir).filter((e): e is Extract<IncidentEvent, { type: "input.changed" }> => e.type === "input.changed");
    expect(changed.map((e) => [e.name, e.from, e.value])).toEqual([
      ["host", "web-1", "web-2"],
      ["environment", "staging", "production"],
    ]);
    const out = events(c.incidentsDir).filter((e): e is Extract<IncidentEvent, { type: "step.output" }> => e.type === "step.output").flatMap((e) => e.lines);
    expect(out).toEqual(["on web-2"]);
  });

  it("n adds a note while a step runs", async () => {
    const c = await renderConsole({ runbooksDir: path.join(ROOT, "test/fixtures/engine"), onCleanup: onTestFinished });
    await c.controller.startIncident("slow", "high", { pause: "30" });
    await c.waitFor("Work › One");
    await c.press("r");
    await c.waitFor("ctrl-c cancel step");
    await c.press("n");
    await c.waitFor("Note:");
    await c.press(..."waiting on the rollout", KEYS.enter);
    await c.waitFor("note: waiting on the rollout");
    expect(events(c.incidentsDir).find((e) => e.type === "note.added")).toMatchObject({ text: "waiting on the rollout", step: "one" });
    await c.press(KEYS.ctrlC);
    await c.waitFor("⊘ One — cancelled");
  });

  it("x resolves at any time, asking first when steps remain", async () => {
    const c = await renderConsole({ runbooksDir: runbooks(), onCleanup: onTestFinished });
    await c.controller.startIncident("keys", "high", { environment: "staging", host: "web-1" });
    await c.waitFor("Assess › Tell the team");
    await c.press("x");
    await c.waitFor("The walk has not reached its end: steps remain. Resolve the incident anyway? y / n");
    await c.press("n");
    await c.waitFor(/^(?![\s\S]*Resolve the incident anyway)/);
    await c.press("x", "y");
    await c.waitFor("Root cause:");
    await c.press(..."false alarm", KEYS.enter, KEYS.enter, KEYS.enter);
    await c.waitFor("Impact:");
    await c.press(..."none: paged by a flapping check", KEYS.enter);
    await c.waitFor("Resolved.");
    expect(events(c.incidentsDir).at(-1)).toMatchObject({ type: "incident.resolved", rootCause: "false alarm", impact: "none: paged by a flapping check" });
  });
});

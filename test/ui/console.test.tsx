/** The console as an operator sees it: frames and the incident file, not React props. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { KEYS, renderConsole } from "../helpers/ui.js";

const ENGINE = path.join(ROOT, "test/fixtures/engine");

function events(dir: string) {
  const file = readdirSync(dir).find((f) => f.endsWith(".jsonl"))!;
  return readFileSync(path.join(dir, file), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { type: string; step?: string; status?: string; reason?: string; text?: string; option?: string });
}

describe("the console", () => {
  it("home lists runbooks, typing filters them", async () => {
    const c = await renderConsole({ runbooksDir: ENGINE, onCleanup: onTestFinished });
    await c.waitFor("Walk test (walk)");
    expect(c.frame()).toContain("Slow steps (slow)");
    await c.press("w", "a", "l");
    await c.waitFor("search: wal");
    expect(c.frame()).not.toContain("Slow steps");
  });

  it("starts an incident: severity with response time, inputs checked as typed", async () => {
    const c = await renderConsole({ runbooksDir: ENGINE, onCleanup: onTestFinished });
    await c.waitFor("Walk test");
    await c.press("w", "a", "l", "k", KEYS.enter);
    await c.waitFor("how severe is it?");
    expect(c.frame()).toContain("critical  respond within 5m");
    await c.press(KEYS.down, KEYS.enter);
    await c.waitFor("service (name):");
    await c.press(...Array(3).fill(KEYS.backspace), "A", "p", "i", KEYS.enter);
    await c.waitFor("expected a name");
    await c.press(...Array(3).fill(KEYS.backspace), "s", "h", "o", "p", KEYS.enter);
    await c.waitFor("participants (list, comma-separated):");
    await c.press(KEYS.enter);
    await c.waitFor("token (secret):");
    await c.press(KEYS.enter);
    await c.waitFor("marker (string):");
    await c.press(KEYS.enter);
    await c.waitFor("Assess › Say hello");
    expect(c.frame()).toContain('$ echo "hello shop"');
    expect(c.frame()).toContain("HIGH");
    expect(c.frame()).toMatch(/⏱ 1[45]m\d*s? left/);
  });

  it("runs steps with live output into history, asks for choices and confirmations, records skips and notes", async () => {
    const c = await renderConsole({ runbooksDir: ENGINE, onCleanup: onTestFinished });
    await c.controller.startIncident("walk", "high", { service: "api", participants: ["a", "b"], marker: "none" });
    await c.waitFor("Assess › Say hello");
    await c.press("r");
    await c.waitFor("✓ Say hello — passed exit 0");
    await c.waitFor("Deploy › Deploy a participant [a]");
    await c.press("s");
    await c.waitFor("Why skip it?");
    await c.press(..."known good", KEYS.enter);
    await c.waitFor("Deploy a participant [b]");
    await c.press("n", ..."checked dashboards", KEYS.enter);
    await c.waitFor("note: checked dashboards");
    // Enter runs nothing: the step is still on screen; r runs it.
    await c.press(KEYS.enter);
    expect(c.frame()).toContain("Deploy › Deploy a participant [b]");
    await c.press("r");
    await c.waitFor("Fix: choose how to proceed");
    await c.press("1");
    await c.waitFor("[medium risk]");
    await c.press("r");
    await c.waitFor("Run this medium-risk step? y / n");
    await c.press("y");
    await c.waitFor("✓ Restart — passed");
    const evs = events(c.incidentsDir);
    expect(evs.filter((e) => e.type === "step.skipped")).toEqual([expect.objectContaining({ step: "deploy[a]", reason: "known good" })]);
    expect(evs.find((e) => e.type === "note.added")).toMatchObject({ text: "checked dashboards" });
    expect(evs.find((e) => e.type === "option.chosen")).toMatchObject({ option: "restart" });
  });

  it("a production context turns the frame red and a high-risk step needs the target typed back", async () => {
    const c = await renderConsole({ runbooksDir: ENGINE, onCleanup: onTestFinished, view: { kube: { context: "prod-eu", namespace: "shop", production: true } } });
    await c.controller.startIncident("walk", "high", { service: "api", participants: ["a"], marker: "none" });
    await c.waitFor(" PRODUCTION ");
    for (let i = 0; i < 2; i++) {
      await c.press("r");
      await c.waitFor(/passed exit 0[\s\S]*(Deploy a participant|Fix: choose)/);
    }
    await c.waitFor("Fix: choose how to proceed");
    await c.press("2");
    await c.waitFor("[high risk]");
    await c.press("r");
    await c.waitFor('PRODUCTION prod-eu / shop: type "api" to run it:');
    await c.press("a", "p", "x", KEYS.enter);
    await c.waitFor("type exactly api");
    await c.press(KEYS.backspace, "i", KEYS.enter);
    await c.waitFor("✓ Roll back — passed");
  });

  it("Ctrl-C cancels the running step, not the app, and records it", async () => {
    const c = await renderConsole({ runbooksDir: ENGINE, onCleanup: onTestFinished });
    await c.controller.startIncident("slow", "high", { pause: "30" });
    await c.waitFor("Work › One");
    await c.press("r");
    await c.waitFor("ctrl-c cancel step");
    await c.press(KEYS.ctrlC);
    await c.waitFor("⊘ One — cancelled");
    expect(c.exited()).toBe(false);
    await c.waitFor("stopped: cancelled");
    expect(events(c.incidentsDir).find((e) => e.type === "step.finished")).toMatchObject({ step: "one", status: "cancelled" });
    await c.press(KEYS.ctrlC);
    await c.waitFor("Quit handrail? The incident stays open in its file. y / n");
    await c.press("y");
    expect(c.exited()).toBe(true);
  });

  it("escalations show as a banner the operator acknowledges; resolving records root cause and action items", async () => {
    const c = await renderConsole({ runbooksDir: ENGINE, onCleanup: onTestFinished });
    await c.controller.startIncident("walk", "critical", { service: "api", participants: ["a"], marker: "none" });
    await c.waitFor("ESCALATE: Incident commander: Critical incident opened");
    await c.press("a");
    await c.waitFor(/^(?![\s\S]*ESCALATE)/);
    // A manual step is done with y, never r.
    for (const key of ["r", "y", "r"]) {
      await c.press(key);
      await c.waitFor(/(Page the on-call|Deploy a participant|Fix: choose)/);
    }
    await c.waitFor("Fix: choose how to proceed");
    await c.press("1");
    await c.press("r");
    await c.waitFor("y / n");
    await c.press("y");
    await c.waitFor("Verify › Check");
    await c.press("r");
    await c.waitFor("Undo a participant [a]");
    await c.press("r");
    await c.waitFor("Every step is done");
    await c.press("x", ..."bad config", KEYS.enter, ..."in two lines", KEYS.enter, KEYS.enter, ..."add a check", KEYS.enter, KEYS.enter);
    await c.waitFor("Impact:");
    await c.press(KEYS.enter);
    await c.waitFor("Resolved.");
    const evs = events(c.incidentsDir);
    expect(evs.find((e) => e.type === "escalation.acknowledged")).toBeDefined();
    expect(evs.at(-1)).toMatchObject({ type: "incident.resolved", rootCause: "bad config\nin two lines", actionItems: ["add a check"] });
  });
});

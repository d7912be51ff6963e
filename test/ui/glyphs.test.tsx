/** Terminal manners: LANG=C gets ASCII symbols and borders; a dumb terminal is pointed at handrail run. */
import { describe, expect, it, onTestFinished } from "vitest";
import { ASCII, glyphsFor, UNICODE } from "../../src/ui/glyphs.js";
import path from "node:path";
import { BIN, ROOT, scratchDir } from "../helpers/cli.js";
import { startTerminal } from "../helpers/tmux.js";
import { renderConsole } from "../helpers/ui.js";

describe("terminal manners", () => {
  it("a locale that is set and not UTF-8 gets ASCII; UTF-8 or none gets Unicode", () => {
    expect(glyphsFor({ LANG: "C" })).toBe(ASCII);
    expect(glyphsFor({ LC_ALL: "POSIX", LANG: "en_US.UTF-8" })).toBe(ASCII);
    expect(glyphsFor({ LANG: "en_US.ISO-8859-1" })).toBe(ASCII);
    expect(glyphsFor({ LANG: "en_US.UTF-8" })).toBe(UNICODE);
    expect(glyphsFor({ LC_CTYPE: "C.utf8", LANG: "C" })).toBe(UNICODE);
    expect(glyphsFor({})).toBe(UNICODE);
  });

  it("in ASCII the walkthrough draws no symbol outside ASCII but the text of the runbook", async () => {
    const c = await renderConsole({ runbooksDir: path.join(ROOT, "test/fixtures/engine"), onCleanup: onTestFinished, glyphs: ASCII });
    await c.controller.startIncident("walk", "high", { service: "api", participants: ["a"], marker: "none" });
    await c.waitFor("Assess > Say hello");
    await c.press("r");
    await c.waitFor("+ Say hello");
    const frame = c.frame();
    for (const symbol of ["⎈", "⏱", "✓", "●", "○", "→", "╭", "│", "⠋", "❯"]) expect(frame).not.toContain(symbol);
    expect(frame).toContain("k8s no cluster");
    expect(frame).toMatch(/\+ Assess -> @ Deploy -> o Fix/);
    expect(frame).toContain("+---");
  });

  it("TERM=dumb on a real terminal: the console is refused with exit 2 and points at handrail run", async () => {
    const dir = scratchDir(onTestFinished);
    const term = await startTerminal(`node ${BIN}`, { cwd: dir, env: { TERM: "dumb" } });
    onTestFinished(() => term.kill());
    const screen = await term.waitFor("[exited 2]");
    expect(screen).toContain("TERM=dumb: this terminal cannot move the cursor");
    expect(screen).toContain("handrail run <runbook>");
  });
});

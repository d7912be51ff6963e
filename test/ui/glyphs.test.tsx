/** Terminal manners: LANG=C gets ASCII symbols and borders; a dumb terminal is pointed at handrail run. */
import { describe, expect, it, onTestFinished } from "vitest";
import { ASCII, glyphsFor, UNICODE } from "../../src/ui/glyphs.js";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
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

  it("theme high-contrast: secondary text at full intensity (no SGR 2 dim), the default theme dims it", async () => {
    // Ink colours through its own chalk, which sees no terminal under the test runner: colour is asked for here.
    const inkDir = path.join(ROOT, "node_modules/ink");
    const nested = path.join(inkDir, "node_modules/chalk/package.json");
    const chalkDir = path.dirname(existsSync(nested) ? nested : path.join(ROOT, "node_modules/chalk/package.json"));
    const chalk = ((await import(pathToFileURL(path.join(chalkDir, JSON.parse(readFileSync(path.join(chalkDir, "package.json"), "utf8")).exports?.["."]?.default ?? "source/index.js")).href)) as { default: { level: number } }).default;
    const level = chalk.level;
    chalk.level = 1;
    onTestFinished(() => {
      chalk.level = level;
    });
    const dimmed = async (glyphs: typeof UNICODE) => {
      const c = await renderConsole({ runbooksDir: path.join(ROOT, "test/fixtures/engine"), onCleanup: onTestFinished, glyphs });
      await c.waitFor("ctrl-c quit");
      return (c.ui.lastFrame() ?? "").includes("\u001b[2m");
    };
    expect(await dimmed(UNICODE)).toBe(true);
    expect(await dimmed(glyphsFor({ HANDRAIL_THEME: "high-contrast", LANG: "C.UTF-8" }))).toBe(false);
    expect(glyphsFor({ HANDRAIL_THEME: "high-contrast" }).highContrast).toBe(true);
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

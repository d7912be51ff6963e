/** The built binary in a real terminal (tmux): home → incident → steps → resolve → report. */
import { execa } from "execa";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { BIN, ROOT, runCli, scratchDir } from "../helpers/cli.js";
import { startTerminal } from "../helpers/tmux.js";

const hasTmux = (await execa("tmux", ["-V"], { reject: false })).exitCode === 0;
if (!hasTmux && process.env.CI === "true") throw new Error("CI needs tmux for the console end-to-end tests");

describe.skipIf(!hasTmux)("the console in a real terminal", () => {
  it("walks a runbook from home to a resolved incident, and the report matches", async () => {
    const dir = scratchDir(onTestFinished);
    const term = await startTerminal(`node ${BIN} --runbooks ${path.join(ROOT, "test/fixtures/engine")}`, { cwd: dir });
    onTestFinished(() => term.kill());
    // A prompt reads keys once it shows the first one typed: then the rest cannot be lost.
    const typeInto = async (label: string, text: string) => {
      await term.type(text[0]!);
      await term.waitFor(`${label}${text[0]!}`);
      await term.type(text.slice(1));
      await term.waitFor(`${label}${text}`);
    };
    await term.waitFor("Walk test (walk)");
    // The first key proves the console is reading keys (raw mode is on) before the rest is typed.
    await term.type("w");
    await term.waitFor("search: w");
    await term.type("alk");
    await term.waitFor("search: walk");
    await term.keys("Enter");
    await term.waitFor("how severe is it?");
    await term.keys("Down");
    await term.waitFor("❯ 2. high");
    await term.keys("Enter");
    for (const prompt of ["service (name):", "participants (list", "token (secret):", "marker (string):"]) {
      await term.waitFor(prompt);
      await term.keys("Enter");
    }
    await term.waitFor("Assess › Say hello");
    let screen = await term.screen();
    expect(screen).toContain("HIGH");
    expect(screen).toMatch(/⏱ 1[45]m/);
    expect(screen).toContain(path.join(dir, "incidents"));
    await term.act("r");
    await term.waitFor("✓ Say hello — passed exit 0");
    for (let i = 0; i < 3; i++) {
      await term.act("r");
      await term.waitFor(new RegExp(`(✓ Deploy a participant \\[\\w+\\] — passed[\\s\\S]*){${i + 1}}`));
    }
    await term.waitFor("Fix: choose how to proceed");
    await term.act("1");
    await term.waitFor("[medium risk]");
    await term.act("r");
    await term.waitFor("y / n");
    await term.type("y");
    await term.waitFor("Verify › Check");
    await term.act("r");
    await term.waitFor("✓ Check — passed");
    for (const item of ["scenario", "backtesting", "curve"]) {
      await term.waitFor(`Undo a participant [${item}]`);
      await term.act("r");
      await term.waitFor(`✓ Undo a participant [${item}] — passed`);
    }
    await term.waitFor("Every step is done");
    await term.type("x");
    await term.waitFor("Root cause:");
    await typeInto("Root cause: ", "config drift");
    await term.keys("Enter");
    await term.waitFor("…more (empty to finish):");
    await term.keys("Enter");
    await term.waitFor("Action item 1");
    await typeInto("Action item 1 (empty to finish): ", "add drift detection");
    await term.keys("Enter");
    await term.waitFor("Action item 2");
    await term.keys("Enter");
    await typeInto("Impact: who and what was affected, for how long (empty to leave it out): ", "checkout 502s for 12 minutes");
    await term.keys("Enter");
    screen = await term.waitFor("Resolved.");
    await term.keys("Escape");
    await term.waitFor("open incidents");
    await term.keys("C-c");
    await term.waitFor("[exited 0]");

    const store = path.join(dir, "incidents");
    const file = path.join(store, readdirSync(store).find((f) => f.endsWith(".jsonl"))!);
    const evs = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { type: string; step?: string });
    expect(evs.filter((e) => e.type === "step.finished").map((e) => e.step)).toEqual(["hello", "deploy[curve]", "deploy[backtesting]", "deploy[scenario]", "restart", "check", "undo[scenario]", "undo[backtesting]", "undo[curve]"]);
    const report = await runCli(["report", file], { cwd: dir });
    expect(report.stdout).toContain("config drift");
    expect(report.stdout).toContain("- [ ] add drift detection");
    // The impact asked on the closing screen reaches the report.
    expect(report.stdout).toContain("checkout 502s for 12 minutes");
    expect(evs.find((e) => e.type === "incident.resolved")).toMatchObject({ impact: "checkout 502s for 12 minutes" });
    expect(report.stdout.match(/^- \d\d:\d\d:\d\d UTC: [^›\n]+ › [^\n]+ · `[^`]+`$/gm)).toHaveLength(9);
  }, 90_000);

  it("an interactive step gets the terminal and gives it back", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(
      path.join(dir, "tty.yaml"),
      [
        "apiVersion: handrail/v1",
        "kind: Runbook",
        "id: tty",
        "title: Interactive",
        "phases:",
        "  - id: p",
        "    kind: diagnose",
        "    title: Shell",
        "    steps:",
        "      - id: ask",
        "        title: Ask a question",
        "        interactive: true",
        `        run: 'read -r -p "who? " n && test -t 0 && echo "hello $n" > answer.txt'`,
        "      - { id: after, title: After, run: cat answer.txt }",
        "",
      ].join("\n"),
    );
    const term = await startTerminal(`node ${BIN} --runbooks ${dir} open tty --severity low`, { cwd: dir });
    onTestFinished(() => term.kill());
    await term.waitFor("Shell › Ask a question");
    await term.act("r");
    // The prompt itself, after the hand-over banner: "who? " is also in the command shown before the step runs.
    await term.waitFor(/terminal is yours[^\n]*\n+who\?/, 40_000);
    await term.type("bob");
    await term.keys("Enter");
    await term.waitFor("✓ Ask a question — passed exit 0", 40_000);
    await term.waitFor("Shell › After");
    expect(readFileSync(path.join(dir, "answer.txt"), "utf8")).toBe("hello bob\n");
    await term.act("r");
    await term.waitFor("✓ After — passed");
    await term.type("q");
    await term.waitFor("y / n");
    await term.type("y");
    await term.waitFor(/incident file: .*\.jsonl[\s\S]*\[exited 0\]/);
  }, 60_000);

  it("without a terminal the console refuses with exit 2 and points at handrail run", async () => {
    const r = await runCli([], { input: "" });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("the console needs an interactive terminal");
    expect(r.stderr).toContain("handrail run <runbook>");
  });
});

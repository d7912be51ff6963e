/**
 * Escape sequences printed by a step, through the built binary: on a terminal (a pty from
 * `script`) only SGR colour reaches the operator, piped output and the Markdown report get none.
 */
import { execa } from "execa";
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { BIN, NO_NOTIFY_ENV, runCli, scratchDir } from "../helpers/cli.js";

// printf escapes: OSC 52 (clipboard), OSC 0 (title), C1 CSI as UTF-8 (U+009B) and as a raw byte, C1 OSC, BEL, SGR red.
const PRINT = String.raw`printf 'osc52 \033]52;c;aGVsbG8=\007 title \033]0;pwned\007 csi \302\2332J raw \2332J c1osc \302\2350;pwned2\302\234 bel \007 sgr \033[31mred\033[0m end-of-escapes\n'`;

const RUNBOOK = ["apiVersion: handrail/v1", "kind: Runbook", "id: esc", "title: Escapes", "phases:", "  - id: d", "    kind: diagnose", "    title: D", "    steps:", "      - id: print", "        title: Print escapes", `        run: ${JSON.stringify(`${PRINT}; exit 1`)}`, ""].join("\n");

function setUp(): string {
  const dir = scratchDir(onTestFinished);
  writeFileSync(path.join(dir, "esc.yaml"), RUNBOOK);
  return dir;
}

const ARGS = (dir: string) => ["--runbooks", dir, "--incidents", path.join(dir, "incidents"), "run", "esc"];

/** The line the step printed (the command shown above it holds the same words as text). */
function printed(stdout: string): string {
  return stdout.split("\n").find((l) => l.startsWith("osc52")) ?? "";
}

/** Every control sequence or character in the text other than SGR, newline and tab (CR too: a pty adds it). */
function foreign(text: string, allowCr: boolean): string[] {
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for.
  const found = text.match(/\u001b\[[0-9;:]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g) ?? [];
  return found.filter((m) => !m.startsWith("\u001b[") && !(allowCr && m === "\r"));
}

describe("escape sequences from a step", () => {
  it("piped: headless output holds no control sequence at all, the text stays", async () => {
    const dir = setUp();
    const r = await runCli(ARGS(dir), { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("osc52  title  csi  raw");
    expect(r.stdout).toContain("sgr red end-of-escapes");
    // eslint-disable-next-line no-control-regex -- looking for ESC itself.
    expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(printed(r.stdout)).toBe("osc52  title  csi  raw \ufffd2J c1osc  bel  sgr red end-of-escapes");
  });

  it("on a terminal: only SGR colour reaches it", async () => {
    const dir = setUp();
    const cmd = [process.execPath, BIN, ...ARGS(dir)].map((a) => `'${a}'`).join(" ");
    const r = await execa("script", ["-qfec", cmd, "/dev/null"], { cwd: dir, env: { HANDRAIL_PATH: undefined, ...NO_NOTIFY_ENV }, reject: false, timeout: 20_000, stdin: "ignore" });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("end-of-escapes");
    expect(r.stdout).toContain("\u001b[31mred\u001b[0m");
    expect(foreign(r.stdout, true)).toEqual([]);
    expect(printed(r.stdout)).toBe("osc52  title  csi  raw \ufffd2J c1osc  bel  sgr \u001b[31mred\u001b[0m end-of-escapes\u001b[0m\r");
  });

  it("the Markdown report holds no ESC byte; the JSON report escapes them", async () => {
    const dir = setUp();
    expect((await runCli(ARGS(dir), { cwd: dir })).exitCode).toBe(1);
    const id = readdirSync(path.join(dir, "incidents")).find((f) => f.endsWith(".jsonl"))!.replace(/\.jsonl$/, "");
    const md = await runCli(["--incidents", path.join(dir, "incidents"), "report", id], { cwd: dir });
    expect(md.exitCode).toBe(0);
    expect(printed(md.stdout)).toBe("osc52  title  csi  raw \ufffd2J c1osc  bel  sgr red end-of-escapes");
    expect(md.stdout).not.toContain("\u001b");
    expect(foreign(md.stdout, false)).toEqual([]);
    const json = await runCli(["--incidents", path.join(dir, "incidents"), "report", id, "--format", "json"], { cwd: dir });
    expect(json.stdout).not.toContain("\u001b");
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain("\\u001b]52");
  });
});

/**
 * Home is drawn before the library is read (issue 18): in a real terminal it says it is reading,
 * fills in, and a quit while it reads ends the console cleanly (the shell's screen back, exit 0).
 */
import { execa } from "execa";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { BIN, ROOT, scratchDir } from "../helpers/cli.js";
import { startTerminal } from "../helpers/tmux.js";

const hasTmux = (await execa("tmux", ["-V"], { reject: false })).exitCode === 0;

/** A library large enough that reading it cold takes a while: copies of a shipped runbook. */
function bigLibrary(dir: string, copies: number): string {
  const lib = path.join(dir, "lib");
  mkdirSync(lib, { recursive: true });
  const text = readFileSync(path.join(ROOT, "runbooks/emergency-rollback.yaml"), "utf8");
  for (let i = 0; i < copies; i++) writeFileSync(path.join(lib, `rb-${i}.yaml`), text.replace(/^id: emergency-rollback$/m, `id: rollback-${i}`).replace(/^title: .*$/m, `title: Rollback copy ${i}`));
  return lib;
}

describe.skipIf(!hasTmux)("home before the library is read", () => {
  it("says it is reading, then lists the runbooks; ctrl-c while it reads leaves the shell's screen as it was", async () => {
    const dir = scratchDir(onTestFinished);
    const lib = bigLibrary(dir, 300);
    const env = { HOME: dir, XDG_CACHE_HOME: path.join(dir, "cache"), KUBECONFIG: path.join(dir, "no-such-kubeconfig"), HANDRAIL_PATH: "" };
    const cmd = `node ${BIN} --runbooks ${lib} --incidents ${path.join(dir, "incidents")}`;
    const quitter = await startTerminal(`echo before; ${cmd}`, { cwd: dir, env });
    onTestFinished(() => quitter.kill());
    await quitter.waitFor("reading runbooks…");
    await quitter.keys("C-c");
    const after = await quitter.waitFor("[exited 0]");
    // The alternate screen was left: the shell's line from before is there again, the home frame is not.
    expect(after).toContain("before");
    expect(after).not.toContain("reading runbooks…");
    expect(after).not.toContain("handrail — runbooks");

    const term = await startTerminal(cmd, { cwd: dir, env });
    onTestFinished(() => term.kill());
    const filled = await term.waitFor("(rollback-0)", 30_000);
    expect(filled).not.toContain("reading runbooks…");
    expect(filled).not.toMatch(/open incidents\s+reading…/);
    await term.keys("C-c");
    await term.waitFor("[exited 0]");
  }, 60_000);
});

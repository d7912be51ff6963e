/**
 * The habits of kubectl and npm users, through the built binary: -n, help <command>, a context
 * that does not exist, shell completion generated from the commands, and tables that line up
 * with wide characters.
 */
import { execa } from "execa";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import stringWidth from "string-width";
import { describe, expect, it, onTestFinished } from "vitest";
import { BIN, runCli, scratchDir } from "../helpers/cli.js";

describe("kubectl habits", () => {
  it("-n is --namespace; help <command> is --help of it; an unknown context is refused (exit 2) even with no kubeconfig at all", async () => {
    const dir = scratchDir(onTestFinished);
    const env = { KUBECONFIG: path.join(dir, "no-such-kubeconfig"), HOME: dir };
    const help = await runCli(["help", "run"], { cwd: dir, env });
    expect(help.stdout).toContain("Usage: handrail run [options] [runbook]");
    expect(help.stdout).toContain("--keep-going");
    const n = await runCli(["-n", "shop", "run", "emergency-rollback", "--dry-run", "--yes", "--option", "rollback=service"], { cwd: dir, env });
    expect(n.stderr).not.toContain("unknown option");
    expect(n.stdout).toContain('-n "shop"');
    const ctx = await runCli(["--context", "prod-eu", "run", "emergency-rollback", "--dry-run", "--yes", "--option", "rollback=service"], { cwd: dir, env });
    expect(ctx.exitCode).toBe(2);
    expect(ctx.stderr).toContain('--context: no context named "prod-eu": no kubeconfig was found');
  });
});

describe("handrail completion", () => {
  /** A bash that has sourced the completion, with `handrail` on PATH, completing the words given. */
  async function complete(dir: string, words: string[]): Promise<string[]> {
    const bin = path.join(dir, "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, "handrail"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
    chmodSync(path.join(bin, "handrail"), 0o755);
    const script = (await runCli(["completion", "bash"], { cwd: dir })).stdout;
    writeFileSync(path.join(dir, "completion.bash"), script);
    const cword = words.length - 1;
    const r = await execa("bash", ["-c", `source ./completion.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${cword}; _handrail; printf '%s\\n' "\${COMPREPLY[@]}"`], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir } });
    return r.stdout.split("\n").filter(Boolean);
  }

  it("bash: commands, each command's own flags (new ones included, from the definitions), runbook ids from the search path", async () => {
    const dir = scratchDir(onTestFinished);
    expect(await complete(dir, ["handrail", "re"])).toEqual(expect.arrayContaining(["report", "resolve", "resume"]));
    expect(await complete(dir, ["handrail", "run", "emer"])).toEqual(["emergency-rollback"]);
    expect(await complete(dir, ["handrail", "-n", "shop", "run", "--keep"])).toEqual(["--keep-going"]);
    expect(await complete(dir, ["handrail", "test", "--sce"])).toEqual(["--scenario"]);
    expect(await complete(dir, ["handrail", "drill", "stuck"])).toEqual(["stuck-rollout"]);
    expect(await complete(dir, ["handrail", "help", "comp"])).toEqual(["completion"]);
  });

  it("zsh and fish: every command and flag is there, and the script parses where the shell is installed; an unknown shell is exit 2", async () => {
    const dir = scratchDir(onTestFinished);
    for (const shell of ["zsh", "fish"] as const) {
      const r = await runCli(["completion", shell], { cwd: dir });
      expect(r.exitCode).toBe(0);
      for (const word of ["run", "drill", "test", "completion", "keep-going", "scenario", "namespace"]) expect([shell, r.stdout.includes(word)]).toEqual([shell, true]);
      const parsed = await execa(shell, ["-n"], { input: r.stdout, reject: false }).catch(() => undefined);
      // Not installed here (ENOENT): the structural checks above are what is left.
      if (parsed && parsed.exitCode !== undefined && parsed.exitCode !== 127) expect([shell, parsed.exitCode, parsed.stderr]).toEqual([shell, 0, ""]);
    }
    const bad = await runCli(["completion", "tcsh"], { cwd: dir });
    expect([bad.exitCode, bad.stderr]).toEqual([2, expect.stringContaining('unknown shell "tcsh": bash, zsh or fish')]);
  });
});

describe("wide characters", () => {
  it("list lines its columns up by terminal width: CJK and emoji titles do not shift the columns after them", async () => {
    const dir = scratchDir(onTestFinished);
    const rb = (id: string, title: string) => `apiVersion: handrail/v1\nkind: Runbook\nid: ${id}\ntitle: "${title}"\ntags: [t]\nphases:\n  - { id: a, kind: diagnose, title: A, steps: [{ id: s, title: S, run: "true" }] }\n`;
    writeFileSync(path.join(dir, "a.yaml"), rb("ascii", "Plain title"));
    writeFileSync(path.join(dir, "b.yaml"), rb("cjk", "障害対応の手順"));
    writeFileSync(path.join(dir, "c.yaml"), rb("emoji", "Pager 🚨 storm"));
    const r = await runCli(["--runbooks", dir, "list"], { cwd: dir });
    const rows = r.stdout.split("\n").filter((l) => /^(ID|ascii|cjk|emoji)\b/.test(l));
    expect(rows).toHaveLength(4);
    // The PHASES column starts at the same terminal column on every row.
    const starts = rows.map((l) => stringWidth(l.slice(0, l.search(/\s(PHASES|1)\s/) + 1)));
    expect(new Set(starts).size).toBe(1);
  });
});

/** Checks that do not lie, through the built binary (issue 14): catastrophic patterns are refused before anything runs. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli, scratchDir } from "../helpers/cli.js";

/** A runbook of one verify phase holding `steps` (YAML lines, indented as steps). */
function runbook(dir: string, id: string, steps: string, inputs = ""): string {
  const file = path.join(dir, `${id}.yaml`);
  writeFileSync(file, [`apiVersion: handrail/v1`, `kind: Runbook`, `id: ${id}`, `title: ${id}`, inputs, `phases:`, `  - id: verify`, `    kind: verify`, `    title: Verify`, `    steps:`, steps].join("\n"));
  return file;
}

describe("catastrophic patterns (item 8)", () => {
  const redos = (dir: string) =>
    runbook(
      dir,
      "redos",
      [`      - id: check`, `        title: Check`, `        run: printf 'a%.0s' $(seq 1 40); echo '!'`, `        expect: { stdout: { matches: "^(a+)+$" } }`].join("\n"),
      `inputs:\n  name: { type: string, pattern: "(a+)+$", default: aaa }`,
    );

  it("validate refuses them at file:line:col, exit 2, one line each, no stack trace", async () => {
    const dir = scratchDir(onTestFinished);
    const file = redos(dir);
    const r = await runCli(["validate", file], { cwd: dir });
    expect(r.exitCode).toBe(2);
    const lines = (r.stdout + r.stderr).split("\n").filter((l) => l.includes("catastrophic"));
    expect(lines).toEqual([
      expect.stringMatching(/redos\.yaml:6:34 inputs\.name\.pattern: \/\(a\+\)\+\$\/ can take exponential time \(catastrophic backtracking\) on input such as /),
      expect.stringMatching(/redos\.yaml:15:38 phases\[0\]\.steps\[0\]\.expect\.stdout\.matches: \/\^\(a\+\)\+\$\/ can take exponential time/),
    ]);
    expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
  });

  it("run refuses them before anything runs, whatever value is given", async () => {
    const dir = scratchDir(onTestFinished);
    const file = redos(dir);
    const r = await runCli(["run", file, "--set", `name=${"a".repeat(40)}!`], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("catastrophic backtracking");
  });
});

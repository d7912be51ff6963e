/** validate's warnings: a run script whose earlier commands can fail unseen is pointed at, file:line:column, and the file still passes. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ROOT, runCli, scratchDir } from "../helpers/cli.js";

const TAGS = `apiVersion: handrail/v1
kind: Runbook
id: tags
title: Tags
phases:
  - id: a
    kind: remediate
    title: A
    steps:
      - id: tags
        title: Create git tags
        run: |
          git tag -a v1-a -m a
          git tag -a v1-b -m b
      - { id: safe, title: Safe, run: 'set -e; cd /srv/app; rm -rf cache' }
`;

describe("validate warnings", () => {
  it("an unchecked command is a warning at its line and column; exit 0; the same from the cache and in --json", async () => {
    const dir = scratchDir(onTestFinished);
    const env = { XDG_CACHE_HOME: path.join(dir, "cache") };
    writeFileSync(path.join(dir, "tags.yaml"), TAGS);
    const want = "tags.yaml:13:11 warning phases[0].steps[0].run: `git tag -a v1-a -m a` can fail unseen: the script goes on, and only its last command's exit status decides the step. Start the script with set -e, or end that line with || exit 1";
    for (const args of [["validate", "tags.yaml"], ["validate", "tags.yaml"], ["validate", "--no-cache", "tags.yaml"]]) {
      const r = await runCli(args, { cwd: dir, env });
      expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, "1 runbook valid (1 warning)", want]);
    }
    const json = await runCli(["validate", "--json", "tags.yaml"], { cwd: dir, env });
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ valid: true, files: [{ file: "tags.yaml", id: "tags", problems: [], warnings: [expect.objectContaining({ line: 13, column: 11, path: "phases[0].steps[0].run" })] }] });
  });

  it("a script of several commands that bash refuses is a problem at the line bash names, exit 2; one the lexer cannot follow but bash reads is none", async () => {
    const dir = scratchDir(onTestFinished);
    const env = { XDG_CACHE_HOME: path.join(dir, "cache") };
    // The form three shipped steps had: a ' inside ${…} opens a quote for bash, double quotes or not.
    writeFileSync(
      path.join(dir, "db.yaml"),
      `apiVersion: handrail/v1
kind: Runbook
id: db
title: DB
phases:
  - id: a
    kind: diagnose
    title: A
    steps:
      - id: tables
        title: Tables
        run: |
          set -o pipefail
          psql -d "\${db_name:?set db_name, the service's database}" -c '\\dt'
          echo done
      - id: kind
        title: Kind
        run: |
          kind=$(case "$1" in a) echo A ;; *) echo other ;; esac)
          echo "$kind"
`,
    );
    const want = "db.yaml:14:11 phases[0].steps[0].run: bash refuses this script, so the step fails every time it runs: line 2: unexpected EOF while looking for matching `''";
    for (const args of [["validate", "db.yaml"], ["validate", "db.yaml"], ["validate", "--no-cache", "db.yaml"]]) {
      const r = await runCli(args, { cwd: dir, env });
      expect([r.exitCode, r.stdout, r.stderr]).toEqual([2, "", `${want}\n1 problem in 1 of 1 file`]);
    }
  });

  it("the shipped runbooks have none", async () => {
    const r = await runCli(["validate", "--no-cache", path.join(ROOT, "runbooks")], { cwd: ROOT });
    expect([r.exitCode, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toBe("5 runbooks and 2 scenarios valid");
  });
});

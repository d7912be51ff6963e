/** The built binary as a real process: what an operator or a CI job sees. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ROOT, runCli, scratchDir } from "../helpers/cli.js";

const SHIPPED = ["canary-release", "deployment-failure", "emergency-rollback", "release-train", "release-train-troubleshooting"];
const EXAMPLE = readFileSync(path.join(ROOT, "test/fixtures/design-example.yaml"), "utf8");

describe("handrail list", () => {
  it("shows the five shipped runbooks as a table", async () => {
    const r = await runCli(["list"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/^ID\s+TITLE\s+PHASES\s+STEPS\s+TAGS$/);
    for (const id of SHIPPED) expect(r.stdout).toMatch(new RegExp(`^${id}\\s`, "m"));
  });

  it("--json gives ids, counts and files for tools", async () => {
    const r = await runCli(["list", "--json"]);
    expect(r.exitCode).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ id: string; phases: number; steps: number; origin: string }>;
    expect(rows.map((x) => x.id).sort()).toEqual(SHIPPED);
    for (const row of rows) expect(row.steps).toBeGreaterThan(row.phases);
  });

  it("says which runbook a --runbooks directory shadows", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "mine.yaml"), EXAMPLE.replace("title: Deployment Failure", "title: Our Deployment Failure"));
    const r = await runCli(["--runbooks", dir, "list"], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^deployment-failure\s+Our Deployment Failure/m);
    expect(r.stdout).toMatch(/^shadowed: deployment-failure in .*runbooks\/deployment-failure\.yaml \(using .*mine\.yaml\)$/m);
  });

  it("reads HANDRAIL_PATH and warns about a broken runbook without failing the list", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "ok.yaml"), EXAMPLE.replace("id: deployment-failure", "id: team-runbook"));
    writeFileSync(path.join(dir, "bad.yaml"), EXAMPLE.replace("id: deployment-failure", "id: bad-runbook").replace("risk: high", "risk: hgh"));
    const r = await runCli(["list"], { env: { HANDRAIL_PATH: dir } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^team-runbook\s/m);
    expect(r.stderr).toContain(`warning: skipped ${dir}/bad.yaml: ${dir}/bad.yaml:45:121 phases[1].options[1].steps[0].risk: expected low | medium | high | critical, got "hgh"`);
  });

  it("a --runbooks directory that does not exist is exit 2, naming the flag", async () => {
    const r = await runCli(["--runbooks", "/nonexistent/runbooks", "list"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("handrail: --runbooks: no such directory: /nonexistent/runbooks");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("handrail validate", () => {
  it("accepts the shipped runbooks", async () => {
    const r = await runCli(["validate", "runbooks/"]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("5 runbooks and 2 scenarios valid");
    expect(r.exitCode).toBe(0);
  });

  it("a misspelt field: file:line:column, the path, a suggestion, exit 2", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "x.yaml"), EXAMPLE.replace("timeout: 150s", "timout: 150s"));
    const r = await runCli(["validate", "x.yaml"], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('x.yaml:53:9 phases[2].steps[0].timout: unknown field (did you mean "timeout"?)\n1 problem in 1 of 1 file');
  });

  it("reports every file and every problem, and duplicate ids across files", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "a.yaml"), EXAMPLE.replace("risk: high", "risk: hgh").replace("kind: verify", "kind: verfy"));
    writeFileSync(path.join(dir, "b.yaml"), EXAMPLE);
    writeFileSync(path.join(dir, "c.yaml"), EXAMPLE);
    writeFileSync(path.join(dir, "empty.yml"), "");
    const r = await runCli(["validate", "."], { cwd: dir });
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^a\.yaml:45:121 .*risk/),
      expect.stringMatching(/^a\.yaml:47:11 .*kind/),
      "empty.yml:1:1 the file is empty; a runbook starts with apiVersion: handrail/v1",
      'c.yaml:1:1 id: id "deployment-failure" is also used by b.yaml',
      "4 problems in 3 of 4 files",
    ]);
  });

  it("--json reports per file", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "a.yaml"), EXAMPLE.replace("timeout: 150s", "timout: 150s"));
    const r = await runCli(["validate", "--json", "a.yaml"], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: false,
      files: [{ file: "a.yaml", id: null, problems: [{ file: "a.yaml", line: 53, column: 9, path: "phases[2].steps[0].timout", message: 'unknown field (did you mean "timeout"?)' }] }],
    });
  });

  it.each([
    ["a path that does not exist", ["validate", "nope.yaml"], "handrail: nope.yaml: no such file or directory"],
    ["a directory with no runbooks", ["validate", "empty-dir"], "handrail: empty-dir: no runbook files (*.yaml, *.yml) in this directory"],
  ])("%s is exit 2 with a clear message", async (_what, args, message) => {
    const dir = scratchDir(onTestFinished);
    mkdirSync(path.join(dir, "empty-dir"));
    const r = await runCli(args, { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(message);
  });
});

describe("the command line itself", () => {
  it("--version prints the package version", async () => {
    const r = await runCli(["--version"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
  });

  it("--help shows commands and examples", async () => {
    const r = await runCli(["--help"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("validate [options] [paths...]");
    expect(r.stdout).toContain("Examples:");
  });

  it.each([
    [["frobnicate"], "error: unknown command 'frobnicate'"],
    [["lst"], "(Did you mean list?)"],
    [["list", "--jsn"], "error: unknown option '--jsn'\n(Did you mean --json?)"],
    [["--runbooks"], "error: option '--runbooks <dir>' argument missing"],
  ])("%j is exit 2 with commander's message", async (args, message) => {
    const r = await runCli(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("schema prints the JSON Schema that is committed for editors", async () => {
    const r = await runCli(["schema"]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(path.join(ROOT, "schema/handrail-v1.schema.json"), "utf8")));
  });
});

/**
 * Runbooks built to break handrail at run time or to take it down, through the built binary: `validate`
 * reports each at file:line:col (exit 2, no stack trace), and `list` and `run` go on without them.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ROOT, runCli, scratchDir } from "../helpers/cli.js";
import { aliasBomb, anchorReused, BASE, runtimeBreakers, sharedNodesBomb } from "../helpers/hostile-runbooks.js";

const WALK = path.join(ROOT, "test/fixtures/engine/walk.yaml");
// A hang on a FIFO shows as the process being killed, well before the test's own timeout.
const HANG_MS = 15_000;

/** A search-path directory with the walk runbook and one hostile file beside it. */
function pathWith(name: string, content: string | Buffer | "fifo"): string {
  const dir = scratchDir(onTestFinished);
  const runbooks = path.join(dir, "runbooks-dir");
  mkdirSync(runbooks);
  copyFileSync(WALK, path.join(runbooks, "walk.yaml"));
  if (content === "fifo") execFileSync("mkfifo", [path.join(runbooks, name)]);
  else writeFileSync(path.join(runbooks, name), content);
  return dir;
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe("validate reports what would break at run time", () => {
  it("a goto back without retries, a 30-day timeout and a zero one, each located", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "x.yaml"), runtimeBreakers());
    const r = await runCli(["validate", "x.yaml"], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      "x.yaml:30:18 phases[0].steps[1].timeout: 0s is below the minimum 1ms",
      "x.yaml:54:18 phases[2].steps[0].timeout: 30d is above the limit 24d",
      "x.yaml:56:17 phases[2].steps[0].onFail: onFail goto:pods goes back to an earlier step and would loop forever: add retries: N (at most 10)",
      "3 problems in 1 of 1 file",
    ]);
  });

  it("run refuses such a runbook before anything runs", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "x.yaml"), runtimeBreakers());
    const r = await runCli(["run", "x.yaml", "--yes"], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("x.yaml:54:18 phases[2].steps[0].timeout: 30d is above the limit 24d");
    expect(existsSync(path.join(dir, "incidents"))).toBe(false);
  });

  it("schema problems and lint problems come in one run", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "x.yaml"), BASE.replace("risk: high", "risk: hgh").replace("default: api", "default: Api_1").replace('"$namespace" --timeout', '"$namespce" --timeout'));
    const r = await runCli(["validate", "x.yaml"], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("x.yaml:12:59 inputs.service.default: bad default");
    expect(r.stderr).toContain("x.yaml:45:121 phases[1].options[1].steps[0].risk: expected low | medium | high | critical");
    expect(r.stderr).toContain('x.yaml:52:63 phases[2].steps[0].run: "$namespce" is not an input');
    expect(r.stderr).toMatch(/^3 problems in 1 of 1 file$/m);
  });
});

describe("alias bombs", () => {
  it.each([
    ["a billion laughs", aliasBomb(9), "x.yaml:9:45 aliases repeat more than 100000 nodes"],
    ["aliases the fast path cannot see", sharedNodesBomb(300), "x.yaml:8:285 aliases repeat more than 100000 nodes"],
  ])("%s: validate gives one located problem, exit 2", async (_what, text, message) => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "x.yaml"), text);
    const r = await runCli(["validate", "x.yaml"], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split("\n")[0]).toContain(message);
    noStackTrace(r.stderr);
  });

  it("list skips a bomb on the search path with a warning and lists the rest", async () => {
    const dir = pathWith("bomb.yaml", aliasBomb(9));
    const r = await runCli(["list", "--runbooks", "runbooks-dir"], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^walk\s+Walk test/m);
    expect(r.stderr).toContain("warning: skipped runbooks-dir/bomb.yaml: runbooks-dir/bomb.yaml:9:45 aliases repeat more than 100000 nodes");
    noStackTrace(r.stderr);
  });

  it("run finds its runbook by id with a bomb on the search path", async () => {
    const dir = pathWith("bomb.yaml", sharedNodesBomb(300));
    const r = await runCli(["run", "walk", "--runbooks", "runbooks-dir", "--dry-run", "--option", "fix=restart"], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("DRY RUN");
    expect(r.stderr).toContain("warning: skipped runbooks-dir/bomb.yaml:");
  });

  it("a runbook reusing one anchor 150 times validates and lists", async () => {
    const dir = pathWith("reuse.yaml", anchorReused(150).replace("id: deployment-failure", "id: reuse"));
    const v = await runCli(["validate", "runbooks-dir/reuse.yaml"], { cwd: dir });
    expect(v.stderr).toBe("");
    expect(v.exitCode).toBe(0);
    const l = await runCli(["list", "--runbooks", "runbooks-dir"], { cwd: dir });
    expect(l.stdout).toMatch(/^reuse\s+Deployment Failure\s+3\s+156\b/m);
  });
});

describe("a file with very many problems", () => {
  const manyUnknown = () => BASE + Array.from({ length: 20_000 }, (_, i) => `unknown_${i}: ${i}`).join("\n") + "\n";

  it("lists 200, then one line with the count of the rest", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "x.yaml"), manyUnknown());
    const r = await runCli(["validate", "x.yaml"], { cwd: dir, timeoutMs: 60_000 });
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(202);
    expect(lines[0]).toBe("x.yaml:56:1 unknown_0: unknown field");
    expect(lines[199]).toBe("x.yaml:255:1 unknown_199: unknown field");
    expect(lines[200]).toBe("x.yaml: … and 19800 more problems in this file");
    expect(lines[201]).toBe("20000 problems in 1 of 1 file");
  });

  it("--json says how many were left out", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "x.yaml"), manyUnknown());
    const r = await runCli(["validate", "--json", "x.yaml"], { cwd: dir, timeoutMs: 60_000 });
    const report = JSON.parse(r.stdout) as { valid: boolean; files: Array<{ problems: unknown[]; moreProblems?: number }> };
    expect(report.valid).toBe(false);
    expect(report.files[0]!.problems).toHaveLength(200);
    expect(report.files[0]!.moreProblems).toBe(19_800);
  });
});

describe("a FIFO named x.yaml", () => {
  it("validate of its directory skips it with a warning naming it", async () => {
    const dir = pathWith("x.yaml", "fifo");
    const r = await runCli(["validate", "runbooks-dir"], { cwd: dir, timeoutMs: HANG_MS });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe("warning: skipped runbooks-dir/x.yaml: not a regular file (a FIFO)");
    expect(r.stdout).toBe("1 runbook valid");
  });

  it("validate of the FIFO itself: the warning, and nothing left to validate (exit 2)", async () => {
    const dir = pathWith("x.yaml", "fifo");
    const r = await runCli(["validate", "runbooks-dir/x.yaml"], { cwd: dir, timeoutMs: HANG_MS });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split("\n").slice(0, 2)).toEqual(["warning: skipped runbooks-dir/x.yaml: not a regular file (a FIFO)", "handrail: no runbooks to validate"]);
  });

  it("list passes over it silently", async () => {
    const dir = pathWith("x.yaml", "fifo");
    const r = await runCli(["list", "--runbooks", "runbooks-dir"], { cwd: dir, timeoutMs: HANG_MS });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^walk\s+Walk test/m);
    expect(r.stderr).toBe("");
  });

  it("run finds its runbook by id with the FIFO on the search path, and refuses to run the FIFO itself", async () => {
    const dir = pathWith("x.yaml", "fifo");
    const byId = await runCli(["run", "walk", "--runbooks", "runbooks-dir", "--dry-run", "--option", "fix=restart"], { cwd: dir, timeoutMs: HANG_MS });
    expect(byId.exitCode).toBe(0);
    const direct = await runCli(["run", "runbooks-dir/x.yaml", "--dry-run"], { cwd: dir, timeoutMs: HANG_MS });
    expect(direct.exitCode).toBe(2);
    expect(direct.stderr.split("\n")[0]).toBe("runbooks-dir/x.yaml:1:1 cannot read the file: not a regular file (a FIFO)");
  });
});

describe("bytes that are not text", () => {
  const latin1 = () => Buffer.from(BASE.replace("title: Deployment Failure", "title: Déploiement"), "latin1");

  it("validate locates the first byte that is not UTF-8, and a NUL", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "latin1.yaml"), latin1());
    writeFileSync(path.join(dir, "nul.yaml"), BASE.replace("summary: Diagnose", "summary: Diag\0nose"));
    const r = await runCli(["validate", "latin1.yaml", "nul.yaml"], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      "latin1.yaml:4:9 byte 0xE9 is not UTF-8: a runbook is UTF-8 text",
      "nul.yaml:5:14 a NUL byte: a runbook is text",
      "2 problems in 2 of 2 files",
    ]);
  });

  it("list and run skip such a file on the search path with a warning", async () => {
    const dir = pathWith("latin1.yaml", latin1());
    const l = await runCli(["list", "--runbooks", "runbooks-dir"], { cwd: dir });
    expect(l.exitCode).toBe(0);
    expect(l.stderr).toContain("warning: skipped runbooks-dir/latin1.yaml: runbooks-dir/latin1.yaml:4:9 byte 0xE9 is not UTF-8");
    const r = await runCli(["run", "walk", "--runbooks", "runbooks-dir", "--dry-run", "--option", "fix=restart"], { cwd: dir });
    expect(r.exitCode).toBe(0);
  });
});

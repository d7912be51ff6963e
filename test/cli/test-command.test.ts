/**
 * `handrail test` through the built binary: the shipped emergency-rollback passes against its
 * drills, a copy whose verification was weakened to `kubectl get deploy` fails naming the steps
 * that went green on a broken world, a script bash will not read fails the test wherever it is,
 * and bad input is refused with the flag named.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { parse, stringify } from "yaml";
import { ROOT, runCli, scratchDir } from "../helpers/cli.js";

const SHIPPED = path.join(ROOT, "runbooks/emergency-rollback.yaml");

describe("handrail test", () => {
  it("the shipped emergency-rollback against crashloop-rollback: the documented fix heals and verifies, every other rollback leaves it broken and its verification red", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["test", "emergency-rollback", "--scenario", "crashloop-rollback", "--jobs", "2", "--json", "--junit", "out.xml"], { cwd: dir, timeoutMs: 240_000 });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { passed: number; failed: number; refusedScripts: unknown[]; runs: Array<{ scenario: string; choice: { label: string; expect: string; options: Record<string, string> }; finding: { ok: boolean; outcome: string; verify: Array<{ phase: string; passed: boolean }> } }> };
    expect(report.failed).toBe(0);
    expect(report.refusedScripts).toEqual([]);
    expect(report.runs.length).toBeGreaterThanOrEqual(3);
    const [fix, ...others] = report.runs;
    expect(fix!.choice).toMatchObject({ label: "the documented fix", expect: "healthy", options: { rollback: "service" } });
    expect(fix!.finding).toMatchObject({ ok: true, outcome: "healthy", verify: [{ phase: "verify", passed: true }] });
    for (const run of others) {
      expect(run.choice.options.rollback).not.toBe("service");
      expect(run.finding).toMatchObject({ ok: true, outcome: "broken" });
      expect(run.finding.verify.every((v) => !v.passed)).toBe(true);
    }
    const xml = readFileSync(path.join(dir, "out.xml"), "utf8");
    expect(xml).toContain(`<testsuite name="emergency-rollback/crashloop-rollback" tests="${report.runs.length}" failures="0">`);
  }, 300_000);

  it("a copy whose verification is weakened to `kubectl get deploy` fails: exit 1, naming the verify phase and the steps that went green while the service was broken", async () => {
    const dir = scratchDir(onTestFinished);
    const doc = parse(readFileSync(SHIPPED, "utf8")) as { phases: Array<{ kind: string; steps?: Array<Record<string, unknown>> }> };
    const verify = doc.phases.find((p) => p.kind === "verify")!;
    // Same ids and conditions (later steps read them), every check gone: a listing that always exits 0.
    verify.steps = verify.steps!.map((s) => ({ id: s.id, title: s.title, run: 'kubectl get deploy -n "$namespace"', ...(s.when ? { when: s.when } : {}) }));
    // And a script bash will not read, in a step this walk passes over: only bash -n can find it.
    doc.phases[0]!.steps!.push({ id: "db-name", title: "The database", when: { input: "namespace", equals: "never-this" }, run: 'echo "${db_name:?set the service\'s database}"\n' });
    writeFileSync(path.join(dir, "emergency-rollback.yaml"), stringify(doc));
    const r = await runCli(["--runbooks", dir, "test", "emergency-rollback", "--scenario", "stuck-rollout", "--jobs", "2", "--junit", "out.xml"], { cwd: dir, timeoutMs: 240_000 });
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^ok\s+stuck-rollout\s+the documented fix\s+healthy → healthy/m);
    expect(r.stdout).toMatch(/^FAIL\s+stuck-rollout\s+rollback=\S+\s+broken → broken\s+verify passed/m);
    expect(r.stdout).toMatch(/verify phase verify passed while the world was broken \(.*still on shop\/api:1\.5\.1.*\): available, .*all-pods.* went green/);
    expect(r.stdout).toContain("FAIL  emergency-rollback › db-name: bash refuses its run script (it fails every time it runs): line 1: unexpected EOF while looking for matching `''");
    expect(r.stdout).toMatch(/^1 passed, \d+ failed; 1 run script bash refuses$/m);
    const xml = readFileSync(path.join(dir, "out.xml"), "utf8");
    expect(xml).toMatch(/<failure message="verify phase verify passed while the world was broken/);
    expect(xml).toContain('<testsuite name="bash -n" tests="1" failures="1">');
  }, 300_000);

  it("bad input names the flag or the runbook, exit 2; a runbook no scenario drills is said, and nothing tested is not a pass", async () => {
    const dir = scratchDir(onTestFinished);
    const unknown = await runCli(["test", "emergency-rollbak"], { cwd: dir });
    expect([unknown.exitCode, unknown.stderr]).toEqual([2, expect.stringContaining('no runbook with id "emergency-rollbak"')]);
    const jobs = await runCli(["test", "emergency-rollback", "--jobs", "0"], { cwd: dir });
    expect([jobs.exitCode, jobs.stderr]).toEqual([2, expect.stringContaining("--jobs 0: expected a whole number of at least 1")]);
    const timeout = await runCli(["test", "emergency-rollback", "--timeout", "soon"], { cwd: dir });
    expect([timeout.exitCode, timeout.stderr]).toEqual([2, expect.stringContaining("--timeout soon: expected a duration")]);
    const scenario = await runCli(["test", "emergency-rollback", "--scenario", "stuck-rollot"], { cwd: dir });
    expect([scenario.exitCode, scenario.stderr]).toEqual([2, expect.stringContaining('no drill scenario "stuck-rollot"')]);

    writeFileSync(path.join(dir, "minimal.yaml"), "apiVersion: handrail/v1\nkind: Runbook\nid: minimal\ntitle: Minimal\nphases:\n  - { id: look, kind: diagnose, title: Look, steps: [{ id: up, title: Up, run: \"true\" }] }\n");
    const untested = await runCli(["--runbooks", dir, "test", "minimal"], { cwd: dir });
    expect(untested.stderr).toContain("minimal: no scenario drills it (nothing to test)");
    expect(untested.stderr).toContain("no runbook with a scenario was tested");
    expect(untested.stderr).not.toContain("bash refuses");
    expect(untested.exitCode).toBe(1);

    // A script bash will not read, in a step no walk may reach: named with bash's words, drilled or not.
    writeFileSync(
      path.join(dir, "minimal.yaml"),
      "apiVersion: handrail/v1\nkind: Runbook\nid: minimal\ntitle: Minimal\nphases:\n  - id: look\n    kind: diagnose\n    title: Look\n    steps:\n      - { id: up, title: Up, run: \"true\" }\n      - id: db\n        title: The database\n        run: |\n          echo \"${db_name:?set the service's database}\"\n",
    );
    const refused = await runCli(["--runbooks", dir, "test", "minimal"], { cwd: dir });
    expect(refused.stderr).toContain("FAIL  minimal › db: bash refuses its run script (it fails every time it runs): line 1: unexpected EOF while looking for matching `''");
    expect(refused.stderr).not.toContain("minimal › up");
    expect(refused.exitCode).toBe(1);
  }, 60_000);
});

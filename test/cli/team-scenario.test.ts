/**
 * A team needs no TypeScript to drill its own incident: the runbook and the scenario file of the
 * README's example, written to a directory of the team's, listed, drilled and tested through the
 * built binary. A scenario file with problems is exit 2 wherever it is loaded.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ROOT, runCli, scratchDir } from "../helpers/cli.js";

/** The example files as the README shows them, each the YAML block after `<!-- team-scenario: NAME -->`. */
function readmeExample(): Record<string, string> {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const files: Record<string, string> = {};
  for (const m of readme.matchAll(/<!-- team-scenario: (\S+) -->\n```yaml\n([\s\S]*?)```/g)) files[m[1]!] = m[2]!;
  return files;
}

/** A directory of the team's with the example in it, and a working directory of its own elsewhere. */
function team(): { dir: string; cwd: string } {
  const files = readmeExample();
  expect(Object.keys(files).sort()).toEqual(["checkout-bad-release.yaml", "checkout-down.yaml"]);
  const dir = scratchDir(onTestFinished);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return { dir, cwd: scratchDir(onTestFinished) };
}

// A drill never sees the operator's own cluster.
const noCluster = (cwd: string) => ({ HOME: cwd, KUBECONFIG: path.join(cwd, "no-such-kubeconfig") });

describe("a scenario file of the team's", () => {
  it("validates, and drill --list shows it with its file; the runbook list does not take it for a runbook", async () => {
    const { dir, cwd } = team();
    const valid = await runCli(["validate", dir], { cwd });
    expect(valid.stderr).toBe("");
    expect(valid.stdout.trim()).toBe("1 runbook and 1 scenario valid");
    expect(valid.exitCode).toBe(0);
    const list = await runCli(["drill", "--list", "--runbooks", dir], { cwd });
    expect(list.exitCode).toBe(0);
    const file = path.join(dir, "checkout-bad-release.yaml");
    expect(list.stdout).toMatch(new RegExp(`^checkout-bad-release\\s+checkout-down\\s+checkout 2\\.4\\.0 crash-loops after its release\\s+-\\s+${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    // Its own scenarios first, then the built-in ones.
    expect(list.stdout.split("\n")[1]).toMatch(/^checkout-bad-release /);
    expect(list.stdout).toMatch(/^crashloop-rollback\s.*\sbuilt-in$/m);
    const json = JSON.parse((await runCli(["drill", "--list", "--json", "--runbooks", dir], { cwd })).stdout) as Array<{ id: string; source: string; file?: string }>;
    expect(json[0]).toMatchObject({ id: "checkout-bad-release", source: file, file });
    const runbooks = await runCli(["list", "--runbooks", dir], { cwd });
    expect(runbooks.stderr).toBe("");
    expect(runbooks.stdout).toMatch(/^checkout-down\s/m);
    expect(runbooks.stdout).not.toContain("checkout-bad-release");
  });

  it("run --drill: the documented fix heals it (exit 0), restarting leaves it broken (exit 1)", async () => {
    const { dir, cwd } = team();
    const base = ["--runbooks", dir, "run", "checkout-down", "--drill", "checkout-bad-release", "--yes"];
    const [right, wrong] = await Promise.all([
      runCli([...base, "--option", "remediate=rollback"], { cwd: scratchDir(onTestFinished), env: noCluster(cwd), timeoutMs: 90_000 }),
      runCli([...base, "--option", "remediate=restart"], { cwd: scratchDir(onTestFinished), env: noCluster(cwd), timeoutMs: 90_000 }),
    ]);
    expect(right.stdout).toContain("DRILL    checkout-bad-release: checkout 2.4.0 crash-loops after its release");
    expect(right.stdout).toContain("DRILL checkout-bad-release: HEALTHY — 2/2 pods of checkout ready on shop/checkout:2.3.0; /health answers 200");
    expect(right.exitCode, right.stderr).toBe(0);
    expect(wrong.stdout).toMatch(/DRILL checkout-bad-release: STILL BROKEN — .*\(still on shop\/checkout:2\.4\.0\).*\/health answers 503/);
    expect(wrong.stdout).toContain("what would have fixed it: remediate=rollback (Roll back to the previous release)");
    expect(wrong.exitCode).toBe(1);
  }, 120_000);

  it("handrail test: the fix heals, the other option does not, the verification tells them apart", async () => {
    const { dir, cwd } = team();
    const r = await runCli(["test", "checkout-down", "--runbooks", dir, "--jobs", "2"], { cwd, env: noCluster(cwd), timeoutMs: 150_000 });
    expect(r.stdout).toMatch(/^ok\s+checkout-bad-release\s+the documented fix\s+healthy → healthy\s+verify passed \(2\)/m);
    expect(r.stdout).toMatch(/^ok\s+checkout-bad-release\s+remediate=restart\s+broken → broken\s+verify failed/m);
    expect(r.stdout).toContain("2 passed, 0 failed");
    expect(r.exitCode, r.stderr).toBe(0);
  }, 160_000);
});

describe("a scenario file with problems", () => {
  it("is located (file:line:col) with the closest name, and exit 2 from validate, drill, run --drill and test", async () => {
    const { dir, cwd } = team();
    const file = path.join(dir, "checkout-bad-release.yaml");
    const text = readFileSync(file, "utf8")
      .replace("fixes: { remediate: rollback }", "fixes: { remediate: rolback }")
      .replace("behaviour: crashloop", "behaviour: crash-loop")
      .replace("- { endpoint: /health, status: 200 }", "- { endpoint: /health, status: 200 }\n    - { deployment: shop/chekout }");
    writeFileSync(file, text);
    const validate = await runCli(["validate", file], { cwd });
    expect(validate.exitCode).toBe(2);
    // The schema's problem first: the rest of the checks need a file that parses.
    expect(validate.stderr).toContain(`${file}:14:16 images.shop/checkout:2.4.0.behaviour: expected crashloop | never-ready | pull-error | healthy | slow-start, got "crash-loop" (did you mean "crashloop"?)`);
    writeFileSync(file, text.replace("behaviour: crash-loop", "behaviour: crashloop"));
    const again = await runCli(["validate", dir], { cwd });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain(`${file}:11:21 fixes.remediate: phase "remediate" has no option "rolback" (did you mean "rollback"?)`);
    expect(again.stderr).toContain(`${file}:46:21 health.all[2].deployment: the scenario creates no deployment "shop/chekout" (did you mean "shop/checkout"?)`);
    expect(again.stderr).toContain("2 problems in 1 of 2 files");
    for (const args of [["drill", "checkout-bad-release"], ["run", "checkout-down", "--drill", "checkout-bad-release", "--yes"], ["test", "checkout-down"], ["drill", "--list"]]) {
      const r = await runCli(["--runbooks", dir, ...args], { cwd, env: noCluster(cwd) });
      expect(r.exitCode, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toContain(`${file}:11:21 fixes.remediate: phase "remediate" has no option "rolback"`);
    }
  }, 60_000);
});

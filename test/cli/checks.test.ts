/**
 * Checks that do not lie, through the built binary (issue 14, items 7, 8, 18): `expect` sees the
 * whole output, catastrophic patterns are refused by validate and stopped at run time, and
 * Prometheus' +Inf / NaN samples are read as numbers.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { runCli, scratchDir } from "../helpers/cli.js";

/** A runbook of one verify phase holding `steps` (YAML lines, indented as steps). */
function runbook(dir: string, id: string, steps: string, inputs = ""): string {
  const file = path.join(dir, `${id}.yaml`);
  writeFileSync(file, [`apiVersion: handrail/v1`, `kind: Runbook`, `id: ${id}`, `title: ${id}`, inputs, `phases:`, `  - id: verify`, `    kind: verify`, `    title: Verify`, `    steps:`, steps].join("\n"));
  return file;
}

function finished(dir: string): Array<IncidentEvent & { type: "step.finished" }> {
  const store = path.join(dir, "incidents");
  const files = existsSync(store) ? readdirSync(store).filter((f) => f.endsWith(".jsonl")) : [];
  expect(files).toHaveLength(1);
  const events = readFileSync(path.join(store, files[0]!), "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as IncidentEvent);
  return events.filter((e): e is IncidentEvent & { type: "step.finished" } => e.type === "step.finished");
}

describe("expect over the whole output (item 7)", () => {
  it("seq 1 200000 contains 200000 and reads as 200000; an ERROR printed after the first MiB fails notContains", async () => {
    const dir = scratchDir(onTestFinished);
    const file = runbook(
      dir,
      "whole-output",
      [
        `      - id: last`,
        `        title: The last number is there`,
        `        run: seq 1 200000`,
        `        expect: { stdout: { contains: "200000", matches: "^200000$", min: 200000, max: 200000 } }`,
        `      - id: late-error`,
        `        title: No error anywhere in the output`,
        `        run: seq 1 200000; echo "ERROR disk full"`,
        `        expect: { stdout: { notContains: ERROR } }`,
      ].join("\n"),
    );
    const r = await runCli(["run", file], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('✗ failed (exit 0');
    expect(r.stdout).toContain('stdout contains "ERROR"');
    expect(r.stderr + r.stdout).not.toContain("1 MiB");
    const steps = finished(dir);
    expect(steps.map((e) => [e.step, e.status])).toEqual([
      ["last", "passed"],
      ["late-error", "failed"],
    ]);
    expect(steps[0]!.expectations.every((x) => x.passed)).toBe(true);
  });
});

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

  it("a slow pattern that validate lets through is stopped at run time: the check fails and says so", async () => {
    const dir = scratchDir(onTestFinished);
    // Polynomial, not exponential: common shapes like this pass validate, and one long line makes them crawl.
    const file = runbook(dir, "slow-pattern", [`      - id: check`, `        title: Check`, `        run: head -c 60000 /dev/zero | tr '\\0' a; echo`, `        expect: { stdout: { notMatches: "a*a*a*a*b" } }`].join("\n"));
    expect((await runCli(["validate", file], { cwd: dir })).exitCode).toBe(0);
    const r = await runCli(["run", file], { cwd: dir, timeoutMs: 60_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("/a*a*a*a*b/ took more than 1 s on one part of stdout and was stopped (catastrophic backtracking?); not checked");
    expect(finished(dir).map((e) => e.status)).toEqual(["failed"]);
  });
});

describe("Prometheus' +Inf, -Inf and NaN samples (item 18)", () => {
  it("+Inf passes a min and fails a max; NaN fails with a plain message", async () => {
    const dir = scratchDir(onTestFinished);
    const server = createServer((req, res) => {
      const value = new URL(req.url ?? "/", "http://x").searchParams.get("v") ?? "0";
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1700000000, value] }] } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const step = (id: string, v: string, bound: string) =>
      [`      - id: ${id}`, `        title: ${id}`, `        http: { url: "$prom/api/v1/query", query: { v: "${v}" } }`, `        expect: { json: { path: "data.result[0].value[1]", ${bound} } }`].join("\n");
    const steps = [step("inf-min", "+Inf", "min: 1"), step("neg-inf-max", "-Inf", "max: 0"), step("inf-max", "+Inf", "max: 0.01")].join("\n");
    const file = runbook(dir, "prom", steps, `inputs:\n  prom: { type: url }`);
    const r = await runCli(["run", file, "--set", `prom=${base}`], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("data.result[0].value[1] +Inf is above the maximum 0.01");
    expect(finished(dir).map((e) => [e.step, e.status])).toEqual([
      ["inf-min", "passed"],
      ["neg-inf-max", "passed"],
      ["inf-max", "failed"],
    ]);

    const nanDir = scratchDir(onTestFinished);
    const nan = runbook(nanDir, "prom-nan", step("nan", "NaN", "min: 0"), `inputs:\n  prom: { type: url }`);
    const n = await runCli(["run", nan, "--set", `prom=${base}`], { cwd: nanDir });
    expect(n.exitCode).toBe(1);
    expect(n.stdout).toContain("data.result[0].value[1] is NaN (no data?)");
  });
});

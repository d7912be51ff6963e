/** `run --json`: stdout is one JSON summary a script can act on; the transcript goes to stderr. ✓ and ✗ go to the same stream. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli, scratchDir } from "../helpers/cli.js";

const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: jsonable
title: Jsonable
phases:
  - id: look
    kind: diagnose
    title: Look
    steps:
      - { id: ok, title: Fine, run: "echo all good" }
      - { id: only-prod, title: Production only, run: "true", when: { severity: critical } }
      - { id: bad, title: Broken, run: "echo boom >&2; exit 3" }
      - { id: after, title: After, run: "true" }
`;

describe("run --json", () => {
  it("a walk that stops at a failed step: the summary on stdout (status, exit code, each step, why it stopped, the file); the transcript on stderr", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "jsonable.yaml"), RUNBOOK);
    const r = await runCli(["run", "jsonable.yaml", "--json"], { cwd: dir });
    expect(r.exitCode).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ runbook: "jsonable", severity: "high", status: "stopped", exitCode: 1, clean: false, failed: ["bad"], chosen: {} });
    expect(s.file).toMatch(/incidents\/.*-jsonable-.*\.jsonl$/);
    expect(s.message).toContain("stopped at bad (failed)");
    expect(s.steps).toEqual([
      { key: "ok", phase: "look", status: "passed", exitCode: 0, durationMs: expect.any(Number) },
      { key: "only-prod", phase: "look", status: "not-needed", reason: "condition" },
      { key: "bad", phase: "look", status: "failed", exitCode: 3, durationMs: expect.any(Number) },
    ]);
    expect(r.stderr).toContain("all good");
    expect(r.stderr).toContain("✓ passed");
    expect(r.stderr).toContain("✗ failed (exit 3");
  });

  it("without --json, every result line goes to stdout with the walk (✗ beside ✓); the reason it stopped to stderr", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "jsonable.yaml"), RUNBOOK);
    const r = await runCli(["run", "jsonable.yaml"], { cwd: dir });
    expect(r.stdout).toContain("✓ passed");
    expect(r.stdout).toContain("✗ failed (exit 3");
    expect(r.stderr).not.toContain("✗");
    expect(r.stderr).toContain("boom");
    expect(r.stderr).toContain("stopped at bad (failed)");
  });

  it("a drill: the summary carries the drill's outcome", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["run", "emergency-rollback", "--drill", "stuck-rollout", "--yes", "--option", "rollback=service", "--json"], { cwd: dir, timeoutMs: 90_000 });
    expect(r.exitCode, r.stderr.slice(-2000)).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ status: "complete", exitCode: 0, chosen: { rollback: "service" }, drill: { scenario: "stuck-rollout", healthy: true, walkComplete: true } });
    expect(r.stderr).toContain("DRILL stuck-rollout: HEALTHY");
  }, 120_000);
});

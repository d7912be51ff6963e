/** The built binary: secrets reach steps and never the file, resume from the incident alone, refusals before anything runs, jumps counted. */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { runCli, scratchDir } from "../helpers/cli.js";

const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: secrets
title: Secrets
inputs:
  token: { type: secret }
  service: { type: string, default: api }
phases:
  - id: use
    kind: assess
    title: Use
    steps:
      - { id: hash, title: Hash the token, run: 'printf "%s" "$token" | sha256sum | cut -c1-64 > hash.txt; printf "%s" "$token" > token.txt' }
      - { id: gate, title: Gate, run: 'test -f go' }
  - id: fix
    kind: remediate
    title: Fix
    options:
      - { id: one, title: One, steps: [{ id: s1, title: Step one, run: 'echo one > one.txt' }] }
      - { id: two, title: Two, recommended: true, steps: [{ id: s2, title: Step two, run: 'echo two > two.txt' }] }
`;

function setup(): { dir: string; runbooks: string } {
  const dir = scratchDir(onTestFinished);
  const runbooks = path.join(dir, "books");
  mkdirSync(runbooks);
  writeFileSync(path.join(runbooks, "secrets.yaml"), RUNBOOK);
  return { dir, runbooks };
}

function incident(dir: string): { file: string; text: string; events: IncidentEvent[] } {
  const store = path.join(dir, "incidents");
  const file = path.join(store, readdirSync(store).find((f) => f.endsWith(".jsonl"))!);
  const text = readFileSync(file, "utf8");
  return { file, text, events: text.trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent) };
}

/** The printed "Continue with:" line, run verbatim (handrail is the built binary). */
async function continueWith(stderr: string, cwd: string, env: Record<string, string | undefined> = {}) {
  const line = /Continue with: (.*)$/m.exec(stderr)?.[1];
  expect(line).toBeDefined();
  const words = line!.match(/'[^']*'|\S+/g)!.map((w) => (w.startsWith("'") ? w.slice(1, -1) : w));
  expect(words[0]).toBe("handrail");
  return runCli(words.slice(1), { cwd, env });
}

describe("the runner through the built binary", () => {
  it("a secret input reaches the step as its value, never the file, the report or the screen", async () => {
    const { dir, runbooks } = setup();
    writeFileSync(path.join(dir, "go"), "");
    const r = await runCli(["run", "--runbooks", runbooks, "secrets", "--option", "fix=one"], { cwd: dir, env: { HANDRAIL_INPUT_TOKEN: "tok-1234-very-secret" } });
    expect(r.exitCode).toBe(0);
    const expected = createHash("sha256").update("tok-1234-very-secret").digest("hex");
    expect(readFileSync(path.join(dir, "hash.txt"), "utf8").trim()).toBe(expected);
    expect(readFileSync(path.join(dir, "token.txt"), "utf8")).toBe("tok-1234-very-secret");
    const { text, file } = incident(dir);
    expect(text).not.toContain("tok-1234-very-secret");
    expect(r.stdout + r.stderr).not.toContain("tok-1234-very-secret");
    const report = await runCli(["report", file], { cwd: dir });
    expect(report.stdout).not.toContain("tok-1234-very-secret");
  });

  it("--set on a secret warns that it is now in the shell history", async () => {
    const { dir, runbooks } = setup();
    writeFileSync(path.join(dir, "go"), "");
    const r = await runCli(["run", "--runbooks", runbooks, "secrets", "--option", "fix=one", "--set", "token=abcd-1234"], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("warning: --set token puts a secret in your shell history; use HANDRAIL_INPUT_TOKEN instead");
  });

  it("a missing --option is refused before anything runs (exit 2, no incident), naming every choice; recommended is no default", async () => {
    const { dir, runbooks } = setup();
    const r = await runCli(["run", "--runbooks", runbooks, "secrets"], { cwd: dir, env: { HANDRAIL_INPUT_TOKEN: "tok-1234" } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("--option fix=<one | two>: phase fix needs a choice (the runbook recommends two)");
    expect(r.stderr).toContain("Nothing was run.");
    expect(existsSync(path.join(dir, "incidents"))).toBe(false);
    expect(existsSync(path.join(dir, "hash.txt"))).toBe(false);
  });

  it("the printed resume line works pasted as it is; the runbook comes from the incident; the secret is asked again", async () => {
    const { dir, runbooks } = setup();
    const first = await runCli(["run", "--runbooks", runbooks, "secrets", "--option", "fix=two"], { cwd: dir, env: { HANDRAIL_INPUT_TOKEN: "tok-first-1234" } });
    expect(first.exitCode).toBe(1);
    expect(first.stderr).toContain("stopped at gate (failed)");
    writeFileSync(path.join(dir, "go"), "");
    // Without the secret: refused before anything runs, naming the variable.
    const refused = await continueWith(first.stderr, dir);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("HANDRAIL_INPUT_TOKEN is not set");
    expect(incident(dir).events.filter((e) => e.type === "incident.resumed")).toHaveLength(0);
    // A value too short to mask is refused on resume as on the first run.
    const short = await continueWith(first.stderr, dir, { HANDRAIL_INPUT_TOKEN: "ab" });
    expect(short.exitCode).toBe(2);
    expect(short.stderr).toContain("HANDRAIL_INPUT_TOKEN: a secret of 2 characters cannot be masked in output");
    expect(incident(dir).events.filter((e) => e.type === "incident.resumed")).toHaveLength(0);
    // From another directory, with the secret: the runbook is found from the incident's own record.
    const elsewhere = scratchDir(onTestFinished);
    writeFileSync(path.join(elsewhere, "go"), "");
    const again = await continueWith(first.stderr, elsewhere, { HANDRAIL_INPUT_TOKEN: "tok-again-5678" });
    expect(again.stderr).toBe("");
    expect(again.exitCode).toBe(0);
    expect(readFileSync(path.join(elsewhere, "two.txt"), "utf8").trim()).toBe("two");
    expect(incident(dir).text).not.toContain("tok-again-5678");
  });

  it("a runbook changed since the incident opened is refused on resume unless --accept-changed, and the change is recorded", async () => {
    const { dir, runbooks } = setup();
    const first = await runCli(["run", "--runbooks", runbooks, "secrets", "--option", "fix=one"], { cwd: dir, env: { HANDRAIL_INPUT_TOKEN: "tok-1234" } });
    expect(first.exitCode).toBe(1);
    writeFileSync(path.join(runbooks, "secrets.yaml"), RUNBOOK.replace("test -f go", "true"));
    const { file } = incident(dir);
    // No --runbooks: the incident's own record of its runbook file is enough.
    const refused = await runCli(["run", "--resume", file], { cwd: dir, env: { HANDRAIL_INPUT_TOKEN: "tok-1234" } });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/the runbook secrets changed since the incident was opened \(.*secrets\.yaml: sha256 [0-9a-f]{12}… then, [0-9a-f]{12}… now\)/);
    const accepted = await runCli(["run", "--resume", file, "--accept-changed", "--option", "fix=one"], { cwd: dir, env: { HANDRAIL_INPUT_TOKEN: "tok-1234" } });
    expect(accepted.exitCode).toBe(0);
    const resumed = incident(dir).events.find((e): e is Extract<IncidentEvent, { type: "incident.resumed" }> => e.type === "incident.resumed");
    expect(resumed?.runbookChanged?.file).toBe(path.join(runbooks, "secrets.yaml"));
  });

  it("an edited-looking input value is an argument, never code (the value reaches the step literally)", async () => {
    const dir = scratchDir(onTestFinished);
    const file = path.join(dir, "echo.yaml");
    writeFileSync(file, `apiVersion: handrail/v1\nkind: Runbook\nid: echo\ntitle: Echo\ninputs:\n  name: { type: string }\nphases:\n  - id: a\n    kind: assess\n    title: A\n    steps:\n      - { id: say, title: Say, run: 'printf "%s" "$name" > said.txt' }\n`);
    const value = 'a"; echo INJECTED-$((6*7)); echo "b';
    const r = await runCli(["run", file, "--set", `name=${value}`], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toContain("INJECTED-42");
    expect(readFileSync(path.join(dir, "said.txt"), "utf8")).toBe(value);
  });
});

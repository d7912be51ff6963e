/**
 * `handrail test [runbook…]`: every scenario of each runbook, with its documented fix and with
 * every other option of the phases that remedy, walked headless against a fresh simulated world.
 * The documented fix must heal, the others must not (unless declared), verification must never
 * pass on a broken world, and no step may error. Runs in parallel, up to the cores available.
 */
import { execa } from "execa";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { UsageError } from "../errors.js";
import type { IncidentEvent } from "../incident/events.js";
import { choicesFor, judgeRun, type RunFinding, type TestChoice } from "../incident/test-verdict.js";
import { formatDuration, parseDuration } from "../runbooks/duration.js";
import type { Runbook } from "../runbooks/schema.js";
import { bashRefuses } from "../util/bash-syntax.js";
import { allSteps } from "../runbooks/walk.js";
import { findScenario } from "../sandbox/scenarios/index.js";
import type { Scenario } from "../sandbox/scenarios/types.js";
import { runbookSearchPath, type CommandContext } from "./context.js";
import { loadScenarios } from "./scenarios.js";
import { junitXml } from "./test-junit.js";
import { wholeNumberFlag } from "./whole-number.js";
import { table as columns } from "../util/table.js";

export interface TestOptions {
  json?: boolean;
  junit?: string;
  jobs?: string;
  /** How long one run may take before it is stopped and reported (a duration, default 3m). */
  timeout?: string;
  /** Only these scenarios (ids), e.g. to test one incident while writing its runbook. */
  scenario?: string[];
}

export interface TestRun {
  runbook: string;
  scenario: string;
  choice: TestChoice;
  finding: RunFinding;
  ms: number;
}

/** One headless drill through this very binary, in a directory of its own; its incident file judged. */
async function runOne(ctx: CommandContext, runbook: Runbook, scenario: Scenario, choice: TestChoice, timeoutMs: number): Promise<TestRun> {
  const dir = mkdtempSync(path.join(tmpdir(), "handrail-test-run-"));
  const t0 = Date.now();
  try {
    const args = [process.argv[1]!, ...searchDirs(ctx).flatMap((d) => ["--runbooks", d]), "--incidents", path.join(dir, "incidents"), "run", runbook.id, "--drill", scenario.id, "--yes", "--keep-going", ...Object.entries(choice.options).flatMap(([p, o]) => ["--option", `${p}=${o}`])];
    // A run past its time is stopped (SIGTERM: the running step is cancelled and recorded) and reported as such.
    const r = await execa(process.execPath, args, { cwd: dir, reject: false, env: { ...ctx.env, HOME: dir }, timeout: timeoutMs, killSignal: "SIGTERM", forceKillAfterDelay: 10_000 });
    const store = path.join(dir, "incidents", "drills");
    const name = (() => {
      try {
        return readdirSync(store).find((f) => f.endsWith(".jsonl"));
      } catch {
        return undefined;
      }
    })();
    const events = name ? (readFileSync(path.join(store, name), "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as IncidentEvent)) : [];
    const said = `${r.stdout}\n${r.stderr}`;
    // The option this run varies does not apply where the walk meets the choice (its when:): nothing to judge.
    const refused = /(\S+) has no option (\S+) now \(([^)]*)\)/.exec(said);
    if (refused && choice.expect === "broken" && choice.label === `${refused[1]}=${refused[2]}`) {
      return { runbook: runbook.id, scenario: scenario.id, choice, finding: { ok: true, problems: [], notes: [`not offered when the walk got there (offered: ${refused[3]})`], outcome: "not offered", verify: [] }, ms: Date.now() - t0 };
    }
    const finding = judgeRun(runbook, events, choice);
    if (refused) finding.problems.unshift(`the documented fix's ${refused[1]}=${refused[2]} is not offered when the walk gets there (offered: ${refused[3]})`);
    const needs = /phase (\S+) needs a choice: --option \S+=<([^>]*)>/.exec(said);
    if (needs) finding.problems.unshift(`the walk needs a choice at phase ${needs[1]} (${needs[2]}): name it in the scenario's fixes`);
    if (events.length === 0) finding.problems.unshift(`the run did not start (exit ${r.exitCode ?? "?"}): ${r.stderr.trim().split("\n").slice(-2).join(" ")}`);
    else if (r.timedOut) {
      const last = events.filter((e) => e.type === "step.started").at(-1);
      finding.problems.unshift(`the walk did not end within ${formatDuration(timeoutMs)}${last && "step" in last ? ` (it was at ${last.step})` : ""}`);
    }
    return { runbook: runbook.id, scenario: scenario.id, choice, finding: { ...finding, ok: finding.problems.length === 0 }, ms: Date.now() - t0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A `run` script bash will not read: the step fails every time it runs. */
export interface RefusedScript {
  runbook: string;
  step: string;
  message: string;
}

/** Every `run` script of these runbooks that bash refuses (bash -n), in the runbooks' order. */
async function refusedScripts(runbooks: readonly Runbook[], jobs: number): Promise<RefusedScript[]> {
  const scripts = runbooks.flatMap((runbook) => allSteps(runbook).flatMap(({ step }) => (step.run !== undefined ? [{ runbook: runbook.id, step: step.id, script: step.run }] : [])));
  const said = await pool(scripts, jobs, (s) => bashRefuses(s.script));
  return scripts.flatMap((s, i) => (said[i] !== undefined ? [{ runbook: s.runbook, step: s.step, message: said[i]! }] : []));
}

/**
 * The directories a run must search, in order, as --runbooks: the run's working directory is its own,
 * so ./runbooks of this one would be lost (and with it the runbooks and scenarios found there).
 */
function searchDirs(ctx: CommandContext): string[] {
  return runbookSearchPath(ctx)
    .filter((d) => d.origin !== "shipped" && (d.origin !== "./runbooks" || existsSync(d.dir)))
    .map((d) => d.dir);
}

/**
 * Runs at once unless --jobs says: four a core, at most 32. A drill mostly waits on its simulated
 * world (a rollout takes its second), and each run is a process of ~100 MB. The five shipped
 * runbooks, 40 runs on 2 cores: 1 m 56 s with 4 at a time, 1 m 21 s with 8, 1 m 19 s with 16
 * (~140 s of CPU in each: 8 keep both cores busy).
 */
function defaultJobs(): number {
  return Math.min(32, availableParallelism() * 4);
}

/** Run jobs with at most `limit` at once, results in the order given. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await work(items[i]!);
  });
  await Promise.all(lanes);
  return out;
}

export async function testCommand(ctx: CommandContext, refs: string[], opts: TestOptions): Promise<number> {
  const jobs = opts.jobs !== undefined ? wholeNumberFlag("--jobs", opts.jobs, { min: 1 }) : defaultJobs();
  const timeoutMs = parseDuration(opts.timeout ?? "3m");
  if (timeoutMs === undefined || timeoutMs < 1000) throw new UsageError(`--timeout ${opts.timeout}: expected a duration of at least 1s, such as 90s or 3m`);
  // A scenario file with problems is exit 2: a test that quietly left it out would pass.
  const { lib, registry } = await loadScenarios(ctx, { strict: true });
  const scenarios = registry.scenarios;
  const byId = new Map(lib.entries.map((e) => [e.runbook.id, e.runbook]));
  for (const ref of refs) if (!byId.has(ref)) throw new UsageError(`no runbook with id "${ref}" on the search path`, "List them with: handrail list");
  const wanted = refs.length > 0 ? refs : [...byId.keys()];
  for (const id of opts.scenario ?? []) findScenario(id, scenarios);
  const plans: Array<{ runbook: Runbook; scenario: Scenario; choice: TestChoice }> = [];
  const untested: string[] = [];
  for (const id of wanted) {
    const runbook = byId.get(id)!;
    const mine = scenarios.filter((s) => s.runbook === id && (opts.scenario === undefined || opts.scenario.includes(s.id)));
    if (mine.length === 0) untested.push(id);
    for (const scenario of mine) for (const choice of choicesFor(runbook, scenario.severity, scenario)) plans.push({ runbook, scenario, choice });
  }
  // Every script of every runbook named, drilled or not: a walk meets a broken one only where it goes.
  // Asked while the drills run (~300 scripts, 1.6 s of bash -n on 2 cores, for the shipped five).
  const asking = refusedScripts(wanted.map((id) => byId.get(id)!), jobs);
  for (const id of untested) process.stderr.write(`${id}: no scenario drills it (nothing to test)\n`);
  if (plans.length === 0) {
    for (const r of await asking) process.stderr.write(`${refusedLine(r)}\n`);
    process.stderr.write("handrail test: no runbook with a scenario was tested\n");
    return 1;
  }
  process.stderr.write(`${plans.length} runs (${new Set(plans.map((p) => p.scenario.id)).size} scenarios), ${Math.min(jobs, plans.length)} at a time\n`);
  const runs = await pool(plans, jobs, (p) => runOne(ctx, p.runbook, p.scenario, p.choice, timeoutMs));
  const refused = await asking;
  if (opts.junit) writeFileSync(path.resolve(ctx.cwd, opts.junit), junitXml(runs, refused));
  const failed = runs.filter((r) => !r.finding.ok);
  if (opts.json) process.stdout.write(`${JSON.stringify({ runs, passed: runs.length - failed.length, failed: failed.length, refusedScripts: refused }, null, 2)}\n`);
  else {
    const skipped = runs.filter((r) => r.finding.outcome === "not offered").length;
    const scripts = refused.length > 0 ? `; ${refused.length} run ${refused.length === 1 ? "script" : "scripts"} bash refuses` : "";
    const lines = refused.map((r) => `${refusedLine(r)}\n`).join("");
    process.stdout.write(`${table(runs)}\n${lines}${runs.length - failed.length} passed, ${failed.length} failed${skipped ? ` (${skipped} of the passed: a choice not offered when the walk got there)` : ""}${scripts}\n`);
  }
  return failed.length > 0 || refused.length > 0 ? 1 : 0;
}

function refusedLine(r: RefusedScript): string {
  return `FAIL  ${r.runbook} › ${r.step}: bash refuses its run script (it fails every time it runs): ${r.message}`;
}

/** scenario × choice → expected, outcome, verify, time, and what was wrong. */
function table(runs: readonly TestRun[]): string {
  const rows = runs.map((r) => [r.finding.ok ? "ok" : "FAIL", r.scenario, r.choice.label, `${r.choice.expect} → ${r.finding.outcome}`, r.finding.verify.map((v) => (v.passed ? `${v.phase} passed (${v.green.length})` : `${v.phase} failed (${v.red.length} of ${v.red.length + v.green.length})`)).join(", ") || "not reached", `${(r.ms / 1000).toFixed(1)}s`]);
  const head = ["", "scenario", "choice", "expected → outcome", "verify", "time"];
  const lines = columns([head, ...rows]);
  const out = [lines[0]!];
  for (const [i, row] of lines.slice(1).entries()) {
    out.push(row);
    for (const p of runs[i]!.finding.problems) out.push(`      ${p}`);
    if (runs[i]!.finding.outcome === "not offered") for (const n of runs[i]!.finding.notes) out.push(`      ${n}`);
  }
  return out.join("\n");
}

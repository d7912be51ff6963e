/** `handrail validate [paths…]`: every file, every problem, exit 2 if any. */
import { stat } from "node:fs/promises";
import path from "node:path";
import { EXIT, ReportedError, UsageError } from "../errors.js";
// Only what a validate answered from its cache needs is imported here: the parsers, the schema and the
// checks load when a file has to be checked (check-cache.ts) or a scenario read against its runbook.
import { displayPath, runbookFiles, runbookSearchPath } from "../runbooks/files.js";
import type { CheckedFile } from "../runbooks/check-files.js";
import { cacheFileFor } from "../runbooks/cache-file.js";
import { checkFilesCached } from "../runbooks/check-cache.js";
import { formatProblem, formatWarning, type RunbookProblem } from "../runbooks/problems.js";
import { notRegular } from "../runbooks/regular-file.js";
import type { Library } from "../runbooks/library.js";
import type { Runbook } from "../runbooks/schema.js";
import type { CommandContext } from "./context.js";
import { wholeNumberFlag } from "./whole-number.js";

export interface ValidateOptions {
  json?: boolean;
  /** false with --no-cache: every file parsed and checked again. */
  cache?: boolean;
  /** --threads: how many threads check files (default: check-files.ts workersFor). */
  threads?: string;
}

/** The most --threads takes: past the cores, more threads only wait on each other. */
const MAX_THREADS = 16;

/** A FIFO or device among the files is skipped, and said so: reading it would wait forever. */
function warnSkipped(ctx: CommandContext): (file: string, why: string) => void {
  return (file, why) => process.stderr.write(`warning: skipped ${displayPath(file, ctx.cwd)}: ${why}\n`);
}

async function filesFor(ctx: CommandContext, paths: readonly string[]): Promise<string[]> {
  const onSkip = warnSkipped(ctx);
  if (paths.length === 0) {
    const files: string[] = [];
    for (const { dir } of runbookSearchPath(ctx)) {
      try {
        files.push(...(await runbookFiles(dir, onSkip)));
      } catch {
        // A directory of the default search path that does not exist holds nothing to check.
      }
    }
    return [...new Set(files)];
  }
  const files: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(ctx.cwd, p);
    let why: string | undefined;
    try {
      why = notRegular(await stat(abs));
    } catch {
      throw new UsageError(`${p}: no such file or directory`, "Name runbook files (*.yaml) or directories that hold them.");
    }
    if (why === undefined) {
      files.push(abs);
      continue;
    }
    if (why !== "is a directory") {
      onSkip(abs, why);
      continue;
    }
    const found = await runbookFiles(abs, onSkip);
    if (found.length === 0) throw new UsageError(`${p}: no runbook files (*.yaml, *.yml) in this directory`);
    files.push(...found);
  }
  return files;
}

/** Ids must be unique across what is validated together, as they are on one search path (runbooks and scenarios each among their own). */
function duplicateIds(results: CheckedFile[]): RunbookProblem[] {
  const first = new Map<string, string>();
  const problems: RunbookProblem[] = [];
  for (const r of results) {
    if (r.id === undefined) continue;
    const key = `${r.kind ?? "Runbook"}/${r.id}`;
    const prior = first.get(key);
    if (prior !== undefined) {
      problems.push({ file: r.file, line: 1, column: 1, path: "id", message: `id "${r.id}" is also used by ${prior}` });
    } else first.set(key, r.file);
  }
  return problems;
}

/**
 * A scenario that passed its own checks is checked against the runbook it drills: one among the
 * files validated, else the one on the search path. Its problems join the file's, located in it.
 */
async function checkScenariosAgainstRunbooks(ctx: CommandContext, files: readonly string[], results: CheckedFile[]): Promise<void> {
  const scenarios = results.flatMap((r, i) => (r.kind === "Scenario" && r.id !== undefined ? [i] : []));
  if (scenarios.length === 0) return;
  const [{ loadRunbookFile }, { sortProblems }, { openLibrary }] = await Promise.all([import("../runbooks/load.js"), import("../runbooks/located.js"), import("./context.js")]);
  const runbooks = new Map<string, Runbook>();
  for (const [i, r] of results.entries()) {
    if (r.kind !== "Runbook" || r.id === undefined || runbooks.has(r.id)) continue;
    const loaded = await loadRunbookFile(files[i]!, r.file);
    if (loaded.runbook) runbooks.set(loaded.runbook.id, loaded.runbook);
  }
  let library: Library | undefined;
  for (const i of scenarios) {
    const loaded = await loadRunbookFile(files[i]!, results[i]!.file);
    if (!loaded.scenario) continue;
    if (!runbooks.has(loaded.scenario.spec.runbook)) {
      library ??= await openLibrary(ctx, () => undefined);
      for (const e of library.entries) if (!runbooks.has(e.runbook.id)) runbooks.set(e.runbook.id, e.runbook);
    }
    const problems = loaded.scenario.checkAgainst(runbooks);
    if (problems.length === 0) continue;
    const r = results[i]!;
    results[i] = { ...r, ...sortProblems([...r.problems, ...problems]) };
  }
}

/** "5 runbooks valid", "1 runbook and 2 scenarios valid". */
function validSummary(results: CheckedFile[]): string {
  const scenarios = results.filter((r) => r.kind === "Scenario").length;
  const runbooks = results.length - scenarios;
  const parts = [...(runbooks > 0 || scenarios === 0 ? [`${runbooks} ${runbooks === 1 ? "runbook" : "runbooks"}`] : []), ...(scenarios > 0 ? [`${scenarios} ${scenarios === 1 ? "scenario" : "scenarios"}`] : [])];
  const warnings = results.reduce((n, r) => n + (r.warnings?.length ?? 0), 0);
  return `${parts.join(" and ")} valid${warnings > 0 ? ` (${warnings} ${warnings === 1 ? "warning" : "warnings"})` : ""}`;
}

/** The problems as printed: each file's own, then its count of those not listed, then duplicate ids. */
function printProblems(results: CheckedFile[], duplicates: RunbookProblem[]): void {
  for (const r of results) {
    for (const p of r.problems) process.stderr.write(`${formatProblem(p)}\n`);
    for (const p of r.warnings ?? []) process.stderr.write(`${formatWarning(p)}\n`);
    if (r.moreProblems) process.stderr.write(`${r.file}: … and ${r.moreProblems} more ${r.moreProblems === 1 ? "problem" : "problems"} in this file\n`);
  }
  for (const p of duplicates) process.stderr.write(`${formatProblem(p)}\n`);
}

export async function validateCommand(ctx: CommandContext, paths: readonly string[], opts: ValidateOptions): Promise<void> {
  const threads = opts.threads !== undefined ? wholeNumberFlag("--threads", opts.threads, { min: 1, max: MAX_THREADS }, "Leave it out to use one thread for every two cores") : undefined;
  const files = await filesFor(ctx, paths);
  if (files.length === 0) throw new UsageError("no runbooks to validate", "Name files or directories: handrail validate runbooks/");
  const { results } = await checkFilesCached(
    files.map((f) => ({ path: f, shownAs: displayPath(f, ctx.cwd) })),
    opts.cache === false ? undefined : cacheFileFor(ctx.env),
    threads,
  );
  await checkScenariosAgainstRunbooks(ctx, files, results);
  const duplicates = duplicateIds(results);
  const problems = [...results.flatMap((r) => r.problems), ...duplicates];
  const count = problems.length + results.reduce((n, r) => n + (r.moreProblems ?? 0), 0);
  const badFiles = new Set(problems.map((p) => p.file));
  if (opts.json) {
    const report = results.map((r) => ({
      file: r.file,
      // Only scenario files say so: the report of a runbook reads as it always has.
      ...(r.kind === "Scenario" ? { kind: "Scenario" } : {}),
      id: r.id ?? null,
      problems: [...r.problems, ...duplicates.filter((p) => p.file === r.file)],
      ...(r.moreProblems ? { moreProblems: r.moreProblems } : {}),
      // What may be wrong without making the file invalid; only a file that has some says so.
      ...(r.warnings?.length ? { warnings: r.warnings } : {}),
    }));
    process.stdout.write(`${JSON.stringify({ valid: count === 0, files: report }, null, 2)}\n`);
  } else {
    printProblems(results, duplicates);
    if (count === 0) {
      process.stdout.write(`${validSummary(results)}\n`);
    } else {
      const errors = `${count} ${count === 1 ? "problem" : "problems"}`;
      process.stderr.write(`${errors} in ${badFiles.size} of ${files.length} ${files.length === 1 ? "file" : "files"}\n`);
    }
  }
  if (count > 0) throw new ReportedError(EXIT.usage);
}

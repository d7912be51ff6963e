/** `handrail validate [paths…]`: every file, every problem, exit 2 if any. */
import { stat } from "node:fs/promises";
import path from "node:path";
import { EXIT, ReportedError, UsageError } from "../errors.js";
import { displayPath, runbookFiles } from "../runbooks/library.js";
import { checkFiles, type CheckedFile } from "../runbooks/check-files.js";
import { formatProblem, type RunbookProblem } from "../runbooks/problems.js";
import { notRegular } from "../runbooks/regular-file.js";
import { runbookSearchPath, type CommandContext } from "./context.js";

export interface ValidateOptions {
  json?: boolean;
}

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

/** Ids must be unique across what is validated together, as they are on one search path. */
function duplicateIds(results: CheckedFile[]): RunbookProblem[] {
  const first = new Map<string, string>();
  const problems: RunbookProblem[] = [];
  for (const r of results) {
    if (r.id === undefined) continue;
    const prior = first.get(r.id);
    if (prior !== undefined) {
      problems.push({ file: r.file, line: 1, column: 1, path: "id", message: `id "${r.id}" is also used by ${prior}` });
    } else first.set(r.id, r.file);
  }
  return problems;
}

/** The problems as printed: each file's own, then its count of those not listed, then duplicate ids. */
function printProblems(results: CheckedFile[], duplicates: RunbookProblem[]): void {
  for (const r of results) {
    for (const p of r.problems) process.stderr.write(`${formatProblem(p)}\n`);
    if (r.moreProblems) process.stderr.write(`${r.file}: … and ${r.moreProblems} more ${r.moreProblems === 1 ? "problem" : "problems"} in this file\n`);
  }
  for (const p of duplicates) process.stderr.write(`${formatProblem(p)}\n`);
}

export async function validateCommand(ctx: CommandContext, paths: readonly string[], opts: ValidateOptions): Promise<void> {
  const files = await filesFor(ctx, paths);
  if (files.length === 0) throw new UsageError("no runbooks to validate", "Name files or directories: handrail validate runbooks/");
  const results = await checkFiles(files.map((f) => ({ path: f, shownAs: displayPath(f, ctx.cwd) })));
  const duplicates = duplicateIds(results);
  const problems = [...results.flatMap((r) => r.problems), ...duplicates];
  const count = problems.length + results.reduce((n, r) => n + (r.moreProblems ?? 0), 0);
  const badFiles = new Set(problems.map((p) => p.file));
  if (opts.json) {
    const report = results.map((r) => ({
      file: r.file,
      id: r.id ?? null,
      problems: [...r.problems, ...duplicates.filter((p) => p.file === r.file)],
      ...(r.moreProblems ? { moreProblems: r.moreProblems } : {}),
    }));
    process.stdout.write(`${JSON.stringify({ valid: count === 0, files: report }, null, 2)}\n`);
  } else {
    printProblems(results, duplicates);
    if (count === 0) {
      process.stdout.write(`${files.length} ${files.length === 1 ? "runbook" : "runbooks"} valid\n`);
    } else {
      const errors = `${count} ${count === 1 ? "problem" : "problems"}`;
      process.stderr.write(`${errors} in ${badFiles.size} of ${files.length} ${files.length === 1 ? "file" : "files"}\n`);
    }
  }
  if (count > 0) throw new ReportedError(EXIT.usage);
}

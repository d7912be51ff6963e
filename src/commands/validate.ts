/** `handrail validate [paths…]`: every file, every problem, exit 2 if any. */
import { stat } from "node:fs/promises";
import path from "node:path";
import { EXIT, ReportedError, UsageError } from "../errors.js";
import { displayPath, runbookFiles } from "../runbooks/library.js";
import { checkFiles, type CheckedFile } from "../runbooks/check-files.js";
import { formatProblem, type RunbookProblem } from "../runbooks/problems.js";
import { runbookSearchPath, type CommandContext } from "./context.js";

export interface ValidateOptions {
  json?: boolean;
}

async function filesFor(ctx: CommandContext, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) {
    const files: string[] = [];
    for (const { dir } of runbookSearchPath(ctx)) {
      try {
        files.push(...(await runbookFiles(dir)));
      } catch {
        // A directory of the default search path that does not exist holds nothing to check.
      }
    }
    return [...new Set(files)];
  }
  const files: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(ctx.cwd, p);
    let isDir: boolean;
    try {
      isDir = (await stat(abs)).isDirectory();
    } catch {
      throw new UsageError(`${p}: no such file or directory`, "Name runbook files (*.yaml) or directories that hold them.");
    }
    if (!isDir) {
      files.push(abs);
      continue;
    }
    const found = await runbookFiles(abs);
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

export async function validateCommand(ctx: CommandContext, paths: readonly string[], opts: ValidateOptions): Promise<void> {
  const files = await filesFor(ctx, paths);
  if (files.length === 0) throw new UsageError("no runbooks to validate", "Name files or directories: handrail validate runbooks/");
  const results = await checkFiles(files.map((f) => ({ path: f, shownAs: displayPath(f, ctx.cwd) })));
  const problems = [...results.flatMap((r) => r.problems), ...duplicateIds(results)];
  const badFiles = new Set(problems.map((p) => p.file));
  if (opts.json) {
    const report = results.map((r) => ({ file: r.file, id: r.id ?? null, problems: problems.filter((p) => p.file === r.file) }));
    process.stdout.write(`${JSON.stringify({ valid: problems.length === 0, files: report }, null, 2)}\n`);
  } else {
    for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
    if (problems.length === 0) {
      process.stdout.write(`${files.length} ${files.length === 1 ? "runbook" : "runbooks"} valid\n`);
    } else {
      const errors = `${problems.length} ${problems.length === 1 ? "problem" : "problems"}`;
      process.stderr.write(`${errors} in ${badFiles.size} of ${files.length} ${files.length === 1 ? "file" : "files"}\n`);
    }
  }
  if (problems.length > 0) throw new ReportedError(EXIT.usage);
}

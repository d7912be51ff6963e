/** What every command gets from the global options, resolved once in cli.ts. */
import { UsageError } from "../errors.js";
import { cacheFileFor } from "../runbooks/cache-file.js";
import { runbookSearchPath } from "../runbooks/files.js";
import { loadLibrary, type Library } from "../runbooks/library.js";
import path from "node:path";
import { formatProblem } from "../runbooks/problems.js";
import type { Runbook } from "../runbooks/schema.js";
import { didYouMean } from "../runbooks/suggest.js";

export interface GlobalOptions {
  runbooks?: string[];
  incidents?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /** The shared incident store's URL (postgres://…); HANDRAIL_STORE_URL when absent. */
  store?: string;
}

export interface CommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  shippedDir: string;
  options: GlobalOptions;
}

/** A runbook by id from the library, or by path to its file. */
export async function findRunbook(ctx: CommandContext, ref: string): Promise<{ runbook: Runbook; file: string }> {
  if (/\.ya?ml$/i.test(ref)) {
    // The parsers load only for a runbook named by its file; one from the library comes from its cache.
    const result = await (await import("../runbooks/load.js")).loadRunbookFile(path.resolve(ctx.cwd, ref), ref);
    if (result.kind === "Scenario") throw new UsageError(`${ref} is a drill scenario (kind: Scenario), not a runbook`, `Drill it: handrail run <runbook> --drill <scenario id> (handrail drill --list shows both)`);
    if (!result.runbook) {
      for (const p of result.problems) process.stderr.write(`${formatProblem(p)}\n`);
      throw new UsageError(`${ref}: the runbook has problems (listed above)`);
    }
    return { runbook: result.runbook, file: ref };
  }
  const lib = await openLibrary(ctx, (line) => process.stderr.write(`${line}\n`));
  const entry = lib.entries.find((e) => e.runbook.id === ref);
  if (!entry) {
    throw new UsageError(`no runbook with id "${ref}"${didYouMean(ref, lib.entries.map((e) => e.runbook.id))}`, "List them with: handrail list");
  }
  return { runbook: entry.runbook, file: entry.file };
}

export { runbookSearchPath } from "../runbooks/files.js";

/** The library on the search path; a named directory that does not exist is a usage error. */
export async function openLibrary(ctx: CommandContext, warn: (line: string) => void): Promise<Library> {
  const lib = await loadLibrary(runbookSearchPath(ctx), ctx.cwd, cacheFileFor(ctx.env, "library"));
  const missing = lib.missing[0];
  if (missing) {
    const flag = missing.origin === "--runbooks" ? "--runbooks" : "HANDRAIL_PATH";
    throw new UsageError(`${flag}: no such directory: ${missing.dir}`, "Name a directory that holds runbook files (*.yaml).");
  }
  // A broken scenario file is reported by the commands that use scenarios (drill, run --drill, test, validate).
  for (const broken of lib.broken.filter((b) => b.kind !== "Scenario")) {
    for (const p of broken.problems) warn(`warning: skipped ${broken.file}: ${formatProblem(p)}`);
    if (broken.moreProblems) warn(`warning: skipped ${broken.file}: … and ${broken.moreProblems} more problems in this file`);
  }
  return lib;
}

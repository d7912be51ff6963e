/** What every command gets from the global options, resolved once in cli.ts. */
import { UsageError } from "../errors.js";
import { loadLibrary, searchPath, type Library, type SearchDir } from "../runbooks/library.js";
import { formatProblem } from "../runbooks/problems.js";

export interface GlobalOptions {
  runbooks?: string[];
}

export interface CommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  shippedDir: string;
  options: GlobalOptions;
}

export function runbookSearchPath(ctx: CommandContext): SearchDir[] {
  return searchPath({ cliDirs: ctx.options.runbooks, envPath: ctx.env.HANDRAIL_PATH, cwd: ctx.cwd, shippedDir: ctx.shippedDir });
}

/** The library on the search path; a named directory that does not exist is a usage error. */
export async function openLibrary(ctx: CommandContext, warn: (line: string) => void): Promise<Library> {
  const lib = await loadLibrary(runbookSearchPath(ctx), ctx.cwd);
  const missing = lib.missing[0];
  if (missing) {
    const flag = missing.origin === "--runbooks" ? "--runbooks" : "HANDRAIL_PATH";
    throw new UsageError(`${flag}: no such directory: ${missing.dir}`, "Name a directory that holds runbook files (*.yaml).");
  }
  for (const broken of lib.broken) {
    for (const p of broken.problems) warn(`warning: skipped ${broken.file}: ${formatProblem(p)}`);
  }
  return lib;
}

/** Where runbooks are looked for and which files are runbook files: what validate needs without loading a parser. */
import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { notRegular } from "./regular-file.js";
import { byName } from "../util/compare.js";

export type SearchOrigin = "--runbooks" | "HANDRAIL_PATH" | "./runbooks" | "shipped";

export interface SearchDir {
  dir: string;
  origin: SearchOrigin;
}

export interface SearchPathOptions {
  cliDirs?: readonly string[];
  envPath?: string | undefined;
  cwd: string;
  shippedDir: string;
}

/** The search path of a command: --runbooks, HANDRAIL_PATH, ./runbooks, the shipped runbooks. */
export function runbookSearchPath(ctx: { options: { runbooks?: readonly string[] | undefined }; env: Record<string, string | undefined>; cwd: string; shippedDir: string }): SearchDir[] {
  return searchPath({ cliDirs: ctx.options.runbooks, envPath: ctx.env.HANDRAIL_PATH, cwd: ctx.cwd, shippedDir: ctx.shippedDir });
}

/** The directories to look in, in order; only the explicitly named ones must exist. */
export function searchPath(opts: SearchPathOptions): SearchDir[] {
  const dirs: SearchDir[] = [];
  for (const dir of opts.cliDirs ?? []) dirs.push({ dir: path.resolve(opts.cwd, dir), origin: "--runbooks" });
  for (const dir of (opts.envPath ?? "").split(":")) if (dir !== "") dirs.push({ dir: path.resolve(opts.cwd, dir), origin: "HANDRAIL_PATH" });
  dirs.push({ dir: path.resolve(opts.cwd, "runbooks"), origin: "./runbooks" });
  dirs.push({ dir: path.resolve(opts.shippedDir), origin: "shipped" });
  return dirs;
}

const RUNBOOK_FILE = /\.ya?ml$/i;

/**
 * Runbook files under a directory (recursively), sorted for a stable order. A FIFO, socket or device
 * named `x.yaml` is no runbook, and reading one would wait forever: it is passed to `onSkip` instead.
 */
export async function runbookFiles(dir: string, onSkip?: (file: string, why: string) => void): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => byName(a.name, b.name))) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await runbookFiles(full, onSkip)));
    else if (RUNBOOK_FILE.test(entry.name)) {
      const why = await whyNotRunbookFile(full, entry);
      if (why === undefined) files.push(full);
      else onSkip?.(full, why);
    }
  }
  return files;
}

async function whyNotRunbookFile(full: string, entry: Dirent): Promise<string | undefined> {
  if (entry.isFile()) return undefined;
  if (!entry.isSymbolicLink()) return notRegular(entry);
  try {
    return notRegular(await stat(full));
  } catch {
    // A dangling link is kept: loading it says "no such file", where the operator will see it.
    return undefined;
  }
}

/** A path as the operator would type it: relative when under the working directory. */
export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : abs;
}

/** The runbook search path and the library it yields: first id wins, the rest are shadowed. */
import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { contentKey, readEntries, writeEntries } from "./cache-file.js";
import { loadRunbookFile, type LoadResult } from "./load.js";
import { notRegular } from "./regular-file.js";
import type { RunbookProblem } from "./problems.js";
import type { ScenarioDoc } from "./scenario-load.js";
import type { Runbook } from "./schema.js";

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
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
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

export interface LibraryEntry {
  runbook: Runbook;
  file: string;
  origin: SearchOrigin;
}

/** A scenario file on the search path that passed its own checks (those against its runbook come with the registry). */
export interface ScenarioFileEntry {
  scenario: ScenarioDoc;
  /** As messages show it (relative to the working directory when under it). */
  file: string;
  /** Absolute. */
  path: string;
  /** Its problems of its own (those against its runbook are the registry's to find). */
  problems: RunbookProblem[];
  origin: SearchOrigin;
}

export interface Shadowed {
  id: string;
  file: string;
  shadowedBy: string;
}

export interface Library {
  entries: LibraryEntry[];
  shadowed: Shadowed[];
  /** Scenario files (kind: Scenario) that passed the schema, in the order of the path: not runbooks (broken ones have problems). */
  scenarios: ScenarioFileEntry[];
  /** Files on the path that failed to load (scenario files that failed the schema among them, by `kind`): the library still works without them. */
  broken: LoadResult[];
  /** Explicitly named directories that are missing: a usage error for the caller. */
  missing: SearchDir[];
}

/** Load every runbook on the search path, reading a directory reached twice only once. */
export async function loadLibrary(dirs: readonly SearchDir[], relativeTo?: string, cacheFile?: string): Promise<Library> {
  const lib: Library = { entries: [], scenarios: [], shadowed: [], broken: [], missing: [] };
  // Runbooks that loaded clean before, by content: read from the cache, not parsed and checked again.
  const cache = cacheFile !== undefined ? readEntries<Runbook>(cacheFile) : undefined;
  const fresh: Record<string, Runbook> = {};
  let misses = 0;
  const seen = new Set<string>();
  const byId = new Map<string, LibraryEntry>();
  for (const sd of dirs) {
    let real: string;
    try {
      real = await realpath(sd.dir);
      if (!(await stat(real)).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    } catch {
      if (sd.origin === "--runbooks" || sd.origin === "HANDRAIL_PATH") lib.missing.push(sd);
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    for (const abs of await runbookFiles(sd.dir)) {
      const file = relativeTo !== undefined ? displayPath(abs, relativeTo) : abs;
      const key = cache !== undefined ? contentKey(abs, file) : undefined;
      const hit = key !== undefined ? cache?.[key] : undefined;
      const result: LoadResult = hit ? { file, kind: "Runbook", runbook: hit, problems: [] } : await loadRunbookFile(abs, file);
      if (key !== undefined && result.runbook && result.problems.length === 0) {
        fresh[key] = result.runbook;
        if (!hit) misses++;
      }
      if (result.scenario) {
        lib.scenarios.push({ scenario: result.scenario, file, path: abs, origin: sd.origin, problems: result.problems });
        continue;
      }
      if (!result.runbook) {
        lib.broken.push(result);
        continue;
      }
      const first = byId.get(result.runbook.id);
      if (first) {
        lib.shadowed.push({ id: result.runbook.id, file, shadowedBy: first.file });
        continue;
      }
      const entry = { runbook: result.runbook, file, origin: sd.origin };
      byId.set(result.runbook.id, entry);
      lib.entries.push(entry);
    }
  }
  // Only this search path's runbooks are kept: the cache never grows past the library.
  if (cacheFile !== undefined && (misses > 0 || Object.keys(fresh).length !== Object.keys(cache ?? {}).length)) writeEntries(cacheFile, fresh);
  return lib;
}

/** A path as the operator would type it: relative when under the working directory. */
export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : abs;
}

export type { RunbookProblem };

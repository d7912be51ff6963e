/** The runbook search path and the library it yields: first id wins, the rest are shadowed. */
import { realpath, stat } from "node:fs/promises";
import { contentKey, readEntries, writeEntries } from "./cache-file.js";
import { loadRunbookFile, type LoadResult } from "./load.js";
import type { RunbookProblem } from "./problems.js";
import type { ScenarioDoc } from "./scenario-load.js";
import type { Runbook } from "./schema.js";
import { displayPath, runbookFiles, type SearchDir, type SearchOrigin } from "./files.js";

export { displayPath, runbookFiles, searchPath, type SearchDir, type SearchOrigin, type SearchPathOptions } from "./files.js";

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


export type { RunbookProblem };

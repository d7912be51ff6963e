/** The runbook search path and the library it yields: first id wins, the rest are shadowed. */
import { realpath, stat } from "node:fs/promises";
import { keyOf, readEntries, writeEntries } from "./cache-file.js";
import type { LoadResult } from "./load.js";
import { formatPath, type RunbookProblem } from "./problems.js";
import { readDefinition } from "./read-definition.js";
import { lintScenarioAgainst } from "./scenario-lint.js";
import type { ScenarioDoc } from "./scenario-load.js";
import type { ScenarioSpec } from "./scenario-schema.js";
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

/** What the library cache keeps of a file that loaded clean: the runbook, or the scenario's spec. */
type Cached = { runbook: Runbook } | { scenario: { file: string; spec: ScenarioSpec } };

/** The parsers and checks (js-yaml, yaml, zod) load only when some file is not in the cache. */
const parse = async (bytes: Buffer, file: string): Promise<LoadResult> => (await import("./load.js")).loadRunbookBytes(bytes, file);

/**
 * Load every runbook on the search path, reading a directory reached twice only once. Files that
 * loaded clean before are answered from `cacheFile` by their content, without the parsers.
 */
export async function loadLibrary(dirs: readonly SearchDir[], relativeTo?: string, cacheFile?: string): Promise<Library> {
  const lib: Library = { entries: [], scenarios: [], shadowed: [], broken: [], missing: [] };
  const cache = cacheFile !== undefined ? readEntries<Cached>(cacheFile) : undefined;
  const fresh: Record<string, Cached> = {};
  let misses = 0;
  const seen = new Set<string>();
  // The files read, by the name they are shown as: their entries in the cache are this load's to replace.
  const shown = new Set<string>();
  const byId = new Map<string, LibraryEntry>();
  // Scenarios from the cache, with their bytes: checked against the runbooks once all are read.
  const cachedScenarios: Array<{ entry: ScenarioFileEntry; bytes: Buffer }> = [];
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
      shown.add(file);
      const bytes = await readDefinition(abs, file);
      if (!Buffer.isBuffer(bytes)) {
        lib.broken.push({ file, problems: [bytes] });
        continue;
      }
      const key = cache !== undefined ? keyOf(bytes, file) : undefined;
      const hit = key !== undefined ? cache?.[key] : undefined;
      let result: LoadResult;
      if (hit && "runbook" in hit) result = { file, kind: "Runbook", runbook: hit.runbook, problems: [] };
      else if (hit && "scenario" in hit) result = { file, kind: "Scenario", scenario: cachedScenario(hit.scenario.spec, file), problems: [] };
      else result = await parse(bytes, file);
      if (key !== undefined && result.problems.length === 0 && (result.runbook || result.scenario)) {
        fresh[key] = result.runbook ? { runbook: result.runbook } : { scenario: { file, spec: result.scenario!.spec } };
        if (!hit) misses++;
      }
      if (result.scenario) {
        const entry = { scenario: result.scenario, file, path: abs, origin: sd.origin, problems: result.problems };
        lib.scenarios.push(entry);
        if (hit) cachedScenarios.push({ entry, bytes });
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
  // A cached scenario was clean on its own; against these runbooks it may not be, and its problems need
  // positions in its text: such a file is parsed after all.
  const runbooks = new Map(lib.entries.map((e) => [e.runbook.id, e.runbook]));
  for (const { entry, bytes } of cachedScenarios) {
    if (lintScenarioAgainst(entry.scenario.spec, runbooks).length > 0) entry.scenario = (await parse(bytes, entry.file)).scenario ?? entry.scenario;
  }
  if (cacheFile !== undefined) {
    const next = nextCache(cache ?? {}, fresh, shown);
    if (misses > 0 || next !== undefined) writeEntries(cacheFile, next ?? { ...cache, ...fresh });
  }
  return lib;
}

/**
 * Entries the library cache keeps from other loads than this one, at most: the whole file is read at
 * every start, so others' entries must not make it much larger than one library.
 */
export const MAX_CACHED_FILES = 1_000;

/**
 * The cache after a load: this load's entries, and the other search paths' (another `--runbooks`,
 * another working directory: files are keyed by the name they are shown as), up to MAX_CACHED_FILES.
 * Keeping only this load's made a run from another directory evict the library, and the next run
 * here parse its files again (~200 ms for the shipped five: the parsers load). A file this load read
 * drops its older versions, so an edited runbook leaves no trail. Undefined when nothing is dropped.
 */
function nextCache(cache: Record<string, Cached>, fresh: Record<string, Cached>, shown: ReadonlySet<string>): Record<string, Cached> | undefined {
  const others: string[] = [];
  let stale = false;
  for (const k of Object.keys(cache)) {
    if (fresh[k] !== undefined) continue;
    // A file this load read, in another version (or no longer loading clean).
    if (shown.has(shownAsOf(k))) stale = true;
    else others.push(k);
  }
  const over = others.length > 0 && others.length + Object.keys(fresh).length > MAX_CACHED_FILES;
  if (!over && !stale) return undefined;
  const next: Record<string, Cached> = {};
  if (!over) for (const k of others) next[k] = cache[k]!;
  return Object.assign(next, fresh);
}

/** The name a cache key's file is shown as (keyOf: the content's sha256, a space, the name). */
const shownAsOf = (key: string): string => key.slice(key.indexOf(" ") + 1);

/**
 * A scenario answered from the cache. Its checks against a runbook map are run again; found problems
 * (only against other runbooks than the library's, which loadLibrary checked) are placed at the
 * file's first line, with their path, since the cache keeps no positions.
 */
function cachedScenario(spec: ScenarioSpec, file: string): ScenarioDoc {
  return {
    file,
    spec,
    checkAgainst: (runbooks) => lintScenarioAgainst(spec, runbooks).map((p) => ({ file, line: 1, column: 1, path: formatPath(p.path), message: p.message })),
  };
}

export type { RunbookProblem };

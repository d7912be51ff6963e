/**
 * `handrail validate` remembers what it found in each file, keyed by the file's content (sha256)
 * and the name it is shown as, per build of handrail: a library where nothing changed is not
 * parsed. A file whose identity and times are as they were (device, inode, size, mtime and ctime
 * in nanoseconds, as git's index compares them) is not even read: the content key it had is
 * used. The cache is the user's own file ($XDG_CACHE_HOME/handrail), written whole and renamed
 * into place; a cache that cannot be read or written is simply not used.
 */
import { statSync } from "node:fs";
import { contentKey, readEntries, writeEntries } from "./cache-file.js";
import type { CheckedFile, FileToCheck } from "./check-files.js";

export { cacheFileFor } from "./cache-file.js";

type Entries = Record<string, Omit<CheckedFile, "file">>;

/** Entries kept: far more than a large library, small enough to read in milliseconds. */
const MAX_ENTRIES = 20_000;
/** The entry holding stat key → content key (a content key starts with 64 hex digits, so never this). */
const STAT_INDEX = "#stat-index";

/** What changes when a file's content may have: undefined when it cannot be stat'ed. */
function statKey(file: string, shownAs: string): string | undefined {
  try {
    const st = statSync(file, { bigint: true });
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs} ${shownAs}`;
  } catch {
    return undefined;
  }
}

export interface CachedCheck {
  results: CheckedFile[];
  /** How many files were answered from the cache. */
  hits: number;
}

/** checkFiles (on `threads` threads when given), with each unchanged file's result from the cache (`cacheFile` undefined: no cache). */
export async function checkFilesCached(files: readonly FileToCheck[], cacheFile: string | undefined, threads?: number): Promise<CachedCheck> {
  // The parsers and checks load only when some file must be checked.
  const checkFiles = async (list: readonly FileToCheck[]) => (list.length === 0 ? [] : (await import("./check-files.js")).checkFiles(list, threads));
  if (cacheFile === undefined) return { results: await checkFiles(files), hits: 0 };
  const stored = readEntries<unknown>(cacheFile);
  const index = (stored[STAT_INDEX] ?? {}) as Record<string, string>;
  delete stored[STAT_INDEX];
  const entries = stored as Entries;
  const statKeys = files.map((f) => statKey(f.path, f.shownAs));
  // Unchanged on disk: the content key it had. Otherwise read and hashed; unreadable: no key, checked (and reported) the usual way.
  const keys = files.map((f, i) => {
    const known = statKeys[i] !== undefined ? index[statKeys[i]!] : undefined;
    return known !== undefined && entries[known] !== undefined ? known : contentKey(f.path, f.shownAs);
  });
  const freshIndex: Record<string, string> = {};
  let indexChanged = false;
  keys.forEach((key, i) => {
    const sk = statKeys[i];
    if (key === undefined || sk === undefined) return;
    freshIndex[sk] = key;
    if (index[sk] !== key) indexChanged = true;
  });
  const results = new Array<CheckedFile>(files.length);
  const misses: number[] = [];
  keys.forEach((key, i) => {
    const hit = key !== undefined ? entries[key] : undefined;
    if (hit) results[i] = { file: files[i]!.shownAs, ...hit };
    else misses.push(i);
  });
  const checked = await checkFiles(misses.map((i) => files[i]!));
  const fresh: Entries = {};
  misses.forEach((i, j) => {
    results[i] = checked[j]!;
    const key = keys[i];
    if (key === undefined) return;
    const { file: _file, ...rest } = checked[j]!;
    fresh[key] = rest;
  });
  if (misses.length > 0 || indexChanged) {
    // This run's files first, then the older entries, up to the bound.
    const kept: Record<string, unknown> = { [STAT_INDEX]: freshIndex };
    let count = 0;
    for (const key of keys) {
      if (key === undefined || key in kept) continue;
      const entry = fresh[key] ?? entries[key];
      if (!entry) continue;
      kept[key] = entry;
      count++;
    }
    for (const [k, v] of Object.entries(entries)) {
      if (count >= MAX_ENTRIES) break;
      if (k in kept) continue;
      kept[k] = v;
      count++;
    }
    writeEntries(cacheFile, kept);
  }
  return { results, hits: files.length - misses.length };
}

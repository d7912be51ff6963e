/**
 * `handrail validate` remembers what it found in each file, keyed by the file's content (sha256)
 * and the name it is shown as, per build of handrail: a library where nothing changed is read
 * and hashed, not parsed. The cache is the user's own file ($XDG_CACHE_HOME/handrail), written
 * whole and renamed into place; a cache that cannot be read or written is simply not used.
 */
import { contentKey, readEntries, writeEntries } from "./cache-file.js";
import type { CheckedFile, FileToCheck } from "./check-files.js";

export { cacheFileFor } from "./cache-file.js";

type Entries = Record<string, Omit<CheckedFile, "file">>;

/** Entries kept: far more than a large library, small enough to read in milliseconds. */
const MAX_ENTRIES = 20_000;

export interface CachedCheck {
  results: CheckedFile[];
  /** How many files were answered from the cache. */
  hits: number;
}

/** checkFiles, with each unchanged file's result from the cache (`cacheFile` undefined: no cache). */
export async function checkFilesCached(files: readonly FileToCheck[], cacheFile: string | undefined): Promise<CachedCheck> {
  // The parsers and checks load only when some file must be checked.
  const checkFiles = async (list: readonly FileToCheck[]) => (list.length === 0 ? [] : (await import("./check-files.js")).checkFiles(list));
  if (cacheFile === undefined) return { results: await checkFiles(files), hits: 0 };
  const entries = readEntries<Omit<CheckedFile, "file">>(cacheFile);
  // Unreadable: no key, checked (and reported) the usual way.
  const keys = files.map((f) => contentKey(f.path, f.shownAs));
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
  if (misses.length > 0) {
    // This run's files first, then the older entries, up to the bound.
    const kept: Entries = {};
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

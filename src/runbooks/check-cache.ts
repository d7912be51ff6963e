/**
 * `handrail validate` remembers what it found in each file, keyed by the file's content (sha256)
 * and the name it is shown as, per build of handrail: a library where nothing changed is read
 * and hashed, not parsed. The cache is the user's own file ($XDG_CACHE_HOME/handrail), written
 * whole and renamed into place; a cache that cannot be read or written is simply not used.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { checkFiles, type CheckedFile, type FileToCheck } from "./check-files.js";

declare const HANDRAIL_BUILD: string | undefined;

/** One build of handrail: its checks may differ from another's, so their caches never mix. Undefined from the sources (tests). */
const BUILD = typeof HANDRAIL_BUILD === "string" ? HANDRAIL_BUILD : undefined;
/** Entries kept: far more than a large library, small enough to read in milliseconds. */
const MAX_ENTRIES = 20_000;

type Entries = Record<string, Omit<CheckedFile, "file">>;

export function cacheFileFor(env: Record<string, string | undefined>, build = BUILD): string | undefined {
  if (build === undefined) return undefined;
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(env.HOME || homedir(), ".cache");
  return path.join(base, "handrail", `validate-${build}.json`);
}

function readEntries(file: string): Entries {
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return data && typeof data === "object" && !Array.isArray(data) ? (data as Entries) : {};
  } catch {
    return {};
  }
}

function writeEntries(file: string, entries: Entries): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entries), { mode: 0o600 });
    renameSync(tmp, file);
    // Caches of other builds are of no more use.
    for (const name of readdirSync(path.dirname(file))) {
      if (/^validate-.*\.json$/.test(name) && name !== path.basename(file)) unlinkSync(path.join(path.dirname(file), name));
    }
  } catch {
    // A read-only home or a full disk: validate still answers, next time from scratch.
  }
}

export interface CachedCheck {
  results: CheckedFile[];
  /** How many files were answered from the cache. */
  hits: number;
}

/** checkFiles, with each unchanged file's result from the cache (`cacheFile` undefined: no cache). */
export async function checkFilesCached(files: readonly FileToCheck[], cacheFile: string | undefined): Promise<CachedCheck> {
  if (cacheFile === undefined) return { results: await checkFiles(files), hits: 0 };
  const entries = readEntries(cacheFile);
  const keys = files.map((f) => {
    try {
      return `${createHash("sha256").update(readFileSync(f.path)).digest("hex")} ${f.shownAs}`;
    } catch {
      return undefined; // unreadable: checked (and reported) the usual way
    }
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

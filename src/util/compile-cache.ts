/**
 * V8's code cache for handrail's own modules, where Node keeps one for ES modules
 * (`module.enableCompileCache`, Node ≥ 22.1; Node 20 has none, and this does nothing there): the
 * ~500 KB a `handrail run` loads is compiled once and read back from then on (a one-line run,
 * Node 22.23: 113 → 102 ms; Node 24.22: 118 → 108 ms). Kept in handrail's cache directory, one per
 * build; another build's is removed when this build's is first made. Node checks every entry
 * against the text of its module, never throws for a cache it cannot use, and turns it off for
 * NODE_DISABLE_COMPILE_CACHE=1; NODE_COMPILE_CACHE=dir, set by the operator, takes precedence.
 */
import { existsSync, mkdirSync } from "node:fs";
import * as nodeModule from "node:module";
import path from "node:path";
import { BUILD, cacheDir, dropOtherBuilds } from "./cache-dir.js";

/** The part of node:module this uses; absent before Node 22.1. */
export interface CompileCacheApi {
  enableCompileCache?: (directory: string) => { status: number; message?: string; directory?: string };
}

/**
 * Turn the compile cache on for this thread (a worker thread calls it too: Node's is per thread).
 * The directory in use, or undefined when there is none (Node 20, the sources, Node could not use it).
 */
export function enableCompileCache(env: Record<string, string | undefined>, { api = nodeModule as CompileCacheApi, build = BUILD, prune = true }: { api?: CompileCacheApi; build?: string; prune?: boolean } = {}): string | undefined {
  if (build === undefined || typeof api.enableCompileCache !== "function") return undefined;
  const base = cacheDir(env);
  const dir = path.join(base, `compile-${build}`);
  if (prune && !existsSync(dir)) {
    try {
      // Private like the other caches (0700); Node makes what is below.
      mkdirSync(base, { recursive: true, mode: 0o700 });
      // Another build's modules have other texts: its entries would never be read again.
      dropOtherBuilds(dir);
    } catch {
      // A read-only home: Node cannot write there either, and says so in its status; nothing is cached.
    }
  }
  return api.enableCompileCache(dir).directory;
}

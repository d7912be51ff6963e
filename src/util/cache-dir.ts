/**
 * Where handrail keeps its caches: `$XDG_CACHE_HOME/handrail` (when absolute), else
 * `~/.cache/handrail`, each cache keyed to one build (its checks, its code). Only Node's own
 * modules: the entry point uses it before anything else loads.
 */
import { readdirSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

declare const HANDRAIL_BUILD: string | undefined;

/** One build of handrail: its checks and code may differ from another's, so their caches never mix. Undefined from the sources (tests). */
export const BUILD = typeof HANDRAIL_BUILD === "string" ? HANDRAIL_BUILD : undefined;

/** `$XDG_CACHE_HOME/handrail`, or `$HOME/.cache/handrail`. */
export function cacheDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(env.HOME || homedir(), ".cache");
  return path.join(base, "handrail");
}

/**
 * Remove the other builds' entries of one kind beside `kept` (`<kind>-<build><suffix>`, files or
 * directories): their contents would never be read again. A name with another ending (a writer's
 * `….json.<pid>.tmp`) is left alone. Throws what the file system says.
 */
export function dropOtherBuilds(kept: string, suffix = ""): void {
  const dir = path.dirname(kept);
  const name = path.basename(kept);
  const kind = name.replace(/-.*$/, "");
  for (const other of readdirSync(dir)) if (other.startsWith(`${kind}-`) && other.endsWith(suffix) && other !== name) rmSync(path.join(dir, other), { recursive: true, force: true });
}

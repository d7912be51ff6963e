/**
 * Cache files of handrail's own ($XDG_CACHE_HOME/handrail/<name>-<build>.json): keyed by a file's
 * content (sha256) and the name it is shown as, per build. Written whole and renamed into place,
 * mode 0600; a cache that cannot be read or written is simply not used.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BUILD, cacheDir, dropOtherBuilds } from "../util/cache-dir.js";

/** `$XDG_CACHE_HOME/handrail/<name>-<build>.json`; undefined from the sources (no build to key it to). */
export function cacheFileFor(env: Record<string, string | undefined>, name: "validate" | "library" = "validate", build = BUILD): string | undefined {
  return build === undefined ? undefined : path.join(cacheDir(env), `${name}-${build}.json`);
}

/** The content key of bytes already read: sha256 of them and the name the file is shown as. */
export function keyOf(bytes: Buffer, shownAs: string): string {
  return `${createHash("sha256").update(bytes).digest("hex")} ${shownAs}`;
}

/** A file's content key (keyOf its bytes). Undefined when it cannot be read. */
export function contentKey(file: string, shownAs: string): string | undefined {
  try {
    return keyOf(readFileSync(file), shownAs);
  } catch {
    return undefined;
  }
}

export function readEntries<T>(file: string): Record<string, T> {
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, T>) : {};
  } catch {
    return {};
  }
}

export function writeEntries(file: string, entries: Record<string, unknown>): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entries), { mode: 0o600 });
    renameSync(tmp, file);
    dropOtherBuilds(file, ".json");
  } catch {
    // A read-only home or a full disk: validate still answers, next time from scratch.
  }
}

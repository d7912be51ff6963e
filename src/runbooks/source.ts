/** Where a runbook was read from, as an incident records it: an absolute path and the sha256 of the text. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

export interface RunbookSource {
  file: string;
  sha256: string;
}

/** The sha256 of a runbook file's text. */
export function sha256Of(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** The source of a runbook file (relative paths are taken from `cwd`). */
export function sourceOf(file: string, cwd = process.cwd()): RunbookSource {
  const abs = path.resolve(cwd, file);
  return { file: abs, sha256: sha256Of(abs) };
}

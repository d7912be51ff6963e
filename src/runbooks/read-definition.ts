/**
 * Reading a runbook or scenario file's bytes, without the parsers: the library answers a file it
 * has seen before from its cache by these bytes alone (library.ts), and parses only the others.
 */
import type { RunbookProblem } from "./problems.js";
import { readRegularFile, readRegularFileSync } from "./regular-file.js";

/** The shipped runbooks are 20-60 kB; the located parse needs about 50 bytes of memory per byte of text. */
export const MAX_RUNBOOK_BYTES = 10_000_000;

/** The file's bytes, or why it cannot be read as a problem at 1:1 (`shownAs` names it). */
export async function readDefinition(path: string, shownAs: string): Promise<Buffer | RunbookProblem> {
  try {
    return await readRegularFile(path, MAX_RUNBOOK_BYTES);
  } catch (e) {
    return unreadable(e, shownAs);
  }
}

/** readDefinition on this thread alone (validate's batches, where nothing else waits for the event loop). */
export function readDefinitionSync(path: string, shownAs: string): Buffer | RunbookProblem {
  try {
    return readRegularFileSync(path, MAX_RUNBOOK_BYTES);
  } catch (e) {
    return unreadable(e, shownAs);
  }
}

function unreadable(e: unknown, shownAs: string): RunbookProblem {
  const err = e as NodeJS.ErrnoException;
  const why =
    err.code === "ENOENT" ? "no such file" : err.code === "EACCES" ? "permission denied" : err.code === "EISDIR" ? "is a directory" : err.code === "ENXIO" ? "not a regular file" : err.message;
  return { file: shownAs, line: 1, column: 1, path: "", message: `cannot read the file: ${why}` };
}

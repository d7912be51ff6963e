/** One batch of validate's files, checked: what a worker of check-files.ts, or the thread that started them, does with each. */
import { underOneDeadline } from "../util/regex-deadline.js";
import type { CheckedFile, FileToCheck } from "./check-files.js";
import { loadRunbookBytes } from "./load.js";
import { readDefinitionSync } from "./read-definition.js";

/**
 * Check a batch of files, keeping only what validate reports. The files are read first, then
 * checked under one regex deadline (src/util/regex-deadline.ts): a deadline costs a watchdog
 * thread's start and stop, ~0.1 ms idle and over 1 ms on a busy machine, which a deadline per
 * runbook paid a thousand times. Should the batch's run out, it is checked again with a deadline
 * per runbook, so the slow pattern is the one reported, as it would have been.
 */
export function checkBatch(files: readonly FileToCheck[]): CheckedFile[] {
  // Read on this thread: it has nothing else to do meanwhile, and asynchronous reads cost five times the CPU.
  const read = files.map((f) => readDefinitionSync(f.path, f.shownAs));
  return underOneDeadline(() => read.map((bytes, i) => (Buffer.isBuffer(bytes) ? checked(loadRunbookBytes(bytes, files[i]!.shownAs)) : { file: files[i]!.shownAs, problems: [bytes] })));
}

function checked(r: ReturnType<typeof loadRunbookBytes>): CheckedFile {
  const kind = r.kind !== undefined ? { kind: r.kind } : {};
  const more = r.moreProblems !== undefined ? { moreProblems: r.moreProblems } : {};
  if (r.runbook) return { file: r.file, ...kind, id: r.runbook.id, problems: r.problems };
  if (r.scenario) return { file: r.file, ...kind, id: r.scenario.spec.id, problems: r.problems, ...more };
  return { file: r.file, ...kind, problems: r.problems, ...more };
}

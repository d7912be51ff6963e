/** One batch of validate's files, checked: what a worker of check-files.ts, or the thread that started them, does with each. */
import { underOneDeadline } from "../util/regex-deadline.js";
import type { CheckedFile, FileToCheck } from "./check-files.js";
import type { LoadResult } from "./load.js";
import { quickLoadBytes } from "./quick-load.js";
import { placeByText, uncheckedWarnings, type UncheckedFinding } from "./lint-unchecked.js";
import type { RunbookProblem } from "./problems.js";
import { readDefinitionSync } from "./read-definition.js";

/**
 * Check a batch of files, keeping only what validate reports. The files are read first, then
 * checked under one regex deadline (src/util/regex-deadline.ts): a deadline costs a watchdog
 * thread's start and stop, ~0.1 ms idle and over 1 ms on a busy machine, which a deadline per
 * runbook paid a thousand times. Should the batch's run out, it is checked again with a deadline
 * per runbook, so the slow pattern is the one reported, as it would have been.
 *
 * A valid runbook takes the fast path (quick-load.ts); the full loader, its located parse and zod
 * (a third of a thread's start-up) load only when some file is not one, and find its problems.
 */
export async function checkBatch(files: readonly FileToCheck[]): Promise<CheckedFile[]> {
  // Read on this thread: it has nothing else to do meanwhile, and asynchronous reads cost five times the CPU.
  const read = files.map((f) => readDefinitionSync(f.path, f.shownAs));
  // A valid runbook's warnings, unlocated, by the file's index.
  const findings = new Map<number, UncheckedFinding[]>();
  const checked = (r: LoadResult, i: number): CheckedFile => {
    if (r.runbook) {
      const found = uncheckedWarnings(r.runbook);
      if (found.length > 0) findings.set(i, found);
    }
    return resultOf(r);
  };
  // Each runbook's data is dropped as soon as it is checked: kept for the batch, it survived the young generation's collections.
  const results = underOneDeadline(() =>
    read.map((bytes, i): CheckedFile | undefined => {
      if (!Buffer.isBuffer(bytes)) return { file: files[i]!.shownAs, problems: [bytes] };
      const r = quickLoadBytes(bytes, files[i]!.shownAs);
      return r !== undefined ? checked(r, i) : undefined;
    }),
  );
  const rest = results.flatMap((r, i) => (r === undefined ? [i] : []));
  if (rest.length > 0) {
    const { loadRunbookBytes } = await import("./load.js");
    const loaded = underOneDeadline(() => rest.map((i) => checked(loadRunbookBytes(read[i] as Buffer, files[i]!.shownAs), i)));
    rest.forEach((i, j) => (results[i] = loaded[j]));
  }
  // Placed by the text where it says plainly; a located parse (~6 ms a file) only where it does not.
  for (const [i, found] of findings) {
    const src = (read[i] as Buffer).toString("utf8");
    const file = results[i]!.file;
    const placed = found.map((f) => placeByText(src, file, f));
    const warnings = placed.every((p) => p !== undefined) ? placed : (await import("./load.js")).locateFindings(read[i] as Buffer, file, found);
    results[i] = { ...results[i]!, warnings: warnings as RunbookProblem[] };
  }
  return results as CheckedFile[];
}

function resultOf(r: LoadResult): CheckedFile {
  const kind = r.kind !== undefined ? { kind: r.kind } : {};
  const more = r.moreProblems !== undefined ? { moreProblems: r.moreProblems } : {};
  if (r.runbook) return { file: r.file, ...kind, id: r.runbook.id, problems: r.problems };
  if (r.scenario) return { file: r.file, ...kind, id: r.scenario.spec.id, problems: r.problems, ...more };
  return { file: r.file, ...kind, problems: r.problems, ...more };
}

/** One batch of validate's files, checked: what a worker of check-files.ts, or the thread that started them, does with each. */
import { underOneDeadline, withMatchesPutOff, type PutOffMatch } from "../util/regex-deadline.js";
import type { CheckedFile, FileToCheck } from "./check-files.js";
import type { LoadResult } from "./load.js";
import { quickLoadBytes } from "./quick-load.js";
import { placeByText, scriptsToRead, uncheckedCommands, uncheckedFindings, type RunScript, type UncheckedCommand, type UncheckedFinding } from "./lint-unchecked.js";
import type { RunbookProblem } from "./problems.js";
import { readDefinitionSync } from "./read-definition.js";

/**
 * What uncheckedCommands finds in each script, in order: on this thread, or on a worker that does
 * nothing else (check-files.ts), while this thread goes on to its next batch.
 */
export type ScriptReader = (scripts: string[]) => Promise<Array<UncheckedCommand[] | undefined>>;

/** The scripts read on this thread. */
export const readHere: ScriptReader = async (scripts) => scripts.map((s) => uncheckedCommands(s));

/**
 * Check a batch of files, keeping only what validate reports. The files are read first, then
 * checked under one regex deadline (src/util/regex-deadline.ts): a deadline costs a watchdog
 * thread's start and stop, ~0.1 ms idle and over 1 ms on a busy machine, which a deadline per
 * runbook paid a thousand times. Should the batch's run out, it is checked again with a deadline
 * per runbook, so the slow pattern is the one reported, as it would have been.
 *
 * With `putOff`, a valid runbook's defaults are not matched against their patterns here: each
 * match is taken to hold, and handed to `putOff` with the file's index. The caller confirms them,
 * all under one deadline, and checks again without `putOff` each file of which one does not hold.
 *
 * A valid runbook takes the fast path (quick-load.ts); the full loader, its located parse and zod
 * (a third of a thread's start-up) load only when some file is not one, and find its problems.
 * Its scripts of several commands are read for commands that can fail unseen by `readScripts`.
 */
export async function checkBatch(files: readonly FileToCheck[], readScripts: ScriptReader = readHere, putOff?: (index: number, matches: PutOffMatch[]) => void): Promise<CheckedFile[]> {
  // Read on this thread: it has nothing else to do meanwhile, and asynchronous reads cost five times the CPU.
  const read = files.map((f) => readDefinitionSync(f.path, f.shownAs));
  // A valid runbook's scripts of several commands, by the file's index.
  const scripts = new Map<number, RunScript[]>();
  const checked = (r: LoadResult, i: number): CheckedFile => {
    if (r.runbook) {
      const several = scriptsToRead(r.runbook);
      if (several.length > 0) scripts.set(i, several);
    }
    return resultOf(r);
  };
  const quick = (bytes: Buffer, i: number): LoadResult | undefined => {
    if (!putOff) return quickLoadBytes(bytes, files[i]!.shownAs);
    const { value, matches } = withMatchesPutOff(() => quickLoadBytes(bytes, files[i]!.shownAs));
    // Only a file found valid rests on its matches: any other goes to the full loader below, which matches them itself.
    if (value !== undefined && matches.length > 0) putOff(i, matches);
    return value;
  };
  // Each runbook's data is dropped as soon as it is checked: kept for the batch, it survived the young generation's collections.
  const quickAll = () =>
    read.map((bytes, i): CheckedFile | undefined => {
      if (!Buffer.isBuffer(bytes)) return { file: files[i]!.shownAs, problems: [bytes] };
      const r = quick(bytes, i);
      return r !== undefined ? checked(r, i) : undefined;
    });
  const results = putOff ? quickAll() : underOneDeadline(quickAll);
  const rest = results.flatMap((r, i) => (r === undefined ? [i] : []));
  if (rest.length > 0) {
    const { loadRunbookBytes } = await import("./load.js");
    const loaded = underOneDeadline(() => rest.map((i) => checked(loadRunbookBytes(read[i] as Buffer, files[i]!.shownAs), i)));
    rest.forEach((i, j) => (results[i] = loaded[j]));
  }
  // Warnings, unlocated, by the file's index; and the scripts the lexer could not follow.
  const listed = [...scripts.values()];
  const found = listed.length > 0 ? await readScripts(listed.flatMap((list) => list.map((s) => s.script))) : [];
  const findings = new Map<number, UncheckedFinding[]>();
  const unread = new Map<number, RunScript[]>();
  let at = 0;
  for (const [i, list] of scripts) {
    const beyond: RunScript[] = [];
    const warnings = uncheckedFindings(list, found.slice(at, (at += list.length)), beyond);
    if (warnings.length > 0) findings.set(i, warnings);
    if (beyond.length > 0) unread.set(i, beyond);
  }
  // Placed by the text where it says plainly; a located parse (~6 ms a file) only where it does not.
  const place = async (i: number, found: UncheckedFinding[]): Promise<RunbookProblem[]> => {
    const src = (read[i] as Buffer).toString("utf8");
    const file = results[i]!.file;
    const placed = found.map((f) => placeByText(src, file, f));
    return (placed.every((p) => p !== undefined) ? placed : (await import("./load.js")).locateFindings(read[i] as Buffer, file, found)) as RunbookProblem[];
  };
  for (const [i, found] of findings) results[i] = { ...results[i]!, warnings: await place(i, found) };
  // A script the lexer could not follow is bash's to judge (rare: a process each). One bash refuses
  // fails every time its step runs: a problem, in bash's words, at the line bash names.
  // bash-syntax.ts (and execa, ~30 ms to load) only for such a script: no valid library here has one.
  if (unread.size > 0) {
    const { bashRefuses } = await import("../util/bash-syntax.js");
    for (const [i, scripts] of unread) {
      const refused: UncheckedFinding[] = [];
      for (const s of scripts) {
        const said = await bashRefuses(s.script);
        if (said !== undefined) refused.push({ path: s.path, stepId: s.stepId, token: lineNamed(s.script, said), message: `bash refuses this script, so the step fails every time it runs: ${said}` });
      }
      if (refused.length > 0) results[i] = { ...results[i]!, problems: [...results[i]!.problems, ...(await place(i, refused))] };
    }
  }
  return results as CheckedFile[];
}

/** The script's line bash's message names ("line 3: …"), else its first line with text: what the problem points at. */
function lineNamed(script: string, said: string): string {
  const lines = script.split("\n");
  const n = Number(/^line (\d+):/.exec(said)?.[1] ?? 0);
  const named = lines[n - 1]?.trim();
  return named || lines.find((l) => l.trim() !== "")!.trim();
}

function resultOf(r: LoadResult): CheckedFile {
  const kind = r.kind !== undefined ? { kind: r.kind } : {};
  const more = r.moreProblems !== undefined ? { moreProblems: r.moreProblems } : {};
  if (r.runbook) return { file: r.file, ...kind, id: r.runbook.id, problems: r.problems };
  if (r.scenario) return { file: r.file, ...kind, id: r.scenario.spec.id, problems: r.problems, ...more };
  return { file: r.file, ...kind, problems: r.problems, ...more };
}

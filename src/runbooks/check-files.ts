/**
 * Check many runbook files on every core: `handrail validate` of a large library. The calling
 * thread checks batches too, workers pull the next batch when done, and each result lands at its
 * file's index, so the output order is the files' order whatever thread finished first.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { loadRunbookFile } from "./load.js";
import type { RunbookProblem } from "./problems.js";

/** What validate needs of a checked file: its problems, and its id when it is valid. */
export interface CheckedFile {
  file: string;
  /** What the file declares itself to be, once its data says (a runbook unless it says Scenario). */
  kind?: "Runbook" | "Scenario";
  id?: string;
  problems: RunbookProblem[];
  /** Problems beyond those listed (load.ts MAX_PROBLEMS_PER_FILE). */
  moreProblems?: number;
}

/** A file to check and the name its messages use. */
export interface FileToCheck {
  path: string;
  shownAs: string;
}

/** Messages between the pool and a worker (check-worker.ts). */
export type ToWorker = { from: number; files: FileToCheck[] } | { done: true };
export interface FromWorker {
  from: number;
  results: CheckedFile[];
}

// Below this a worker's start (≈ 0.1 s to load the parsers) costs more than it saves.
const MIN_FILES_FOR_WORKERS = 100;
const BATCH = 20;
const MAX_WORKERS = 3;

// The bundle has dist/check-worker.js beside its chunks; run from source (tests) there is none,
// and the files are checked on this thread alone.
const WORKER_FILE = fileURLToPath(new URL("./check-worker.js", import.meta.url));

/** Check one file, keeping only what validate reports. */
export async function checkFile(f: FileToCheck): Promise<CheckedFile> {
  const r = await loadRunbookFile(f.path, f.shownAs);
  const kind = r.kind !== undefined ? { kind: r.kind } : {};
  if (r.runbook) return { file: r.file, ...kind, id: r.runbook.id, problems: r.problems };
  if (r.scenario) return { file: r.file, ...kind, id: r.scenario.spec.id, problems: r.problems, ...(r.moreProblems !== undefined ? { moreProblems: r.moreProblems } : {}) };
  return { file: r.file, ...kind, problems: r.problems, ...(r.moreProblems !== undefined ? { moreProblems: r.moreProblems } : {}) };
}

/** Every file checked, in the order given. */
export async function checkFiles(files: readonly FileToCheck[]): Promise<CheckedFile[]> {
  const workerCount = files.length < MIN_FILES_FOR_WORKERS || !existsSync(WORKER_FILE) ? 0 : Math.min(MAX_WORKERS, os.availableParallelism() - 1);
  if (workerCount <= 0) return Promise.all(files.map(checkFile));

  const results = new Array<CheckedFile>(files.length);
  let next = 0;
  const take = (): { from: number; files: FileToCheck[] } | undefined => {
    if (next >= files.length) return undefined;
    const from = next;
    next = Math.min(files.length, next + BATCH);
    return { from, files: files.slice(from, next) };
  };

  const workers = Array.from({ length: workerCount }, () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(WORKER_FILE);
      const send = () => {
        const batch = take();
        worker.postMessage(batch ?? ({ done: true } satisfies ToWorker));
      };
      worker.on("message", (m: FromWorker) => {
        m.results.forEach((r, i) => (results[m.from + i] = r));
        send();
      });
      worker.once("online", send);
      worker.once("error", reject);
      worker.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`a validate worker exited with code ${code}`))));
    }),
  );
  // This thread works through batches as well; each await lets the workers' messages in.
  for (let batch = take(); batch !== undefined; batch = take()) {
    for (let i = 0; i < batch.files.length; i++) results[batch.from + i] = await checkFile(batch.files[i]!);
  }
  await Promise.all(workers);
  return results;
}

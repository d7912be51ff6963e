/**
 * Check many runbook files on every core: `handrail validate` of a large library. The calling
 * thread checks batches too, workers pull the next batch when done, and each result lands at its
 * file's index, so the output order is the files' order whatever thread finished first. Batches
 * and the choice to start workers go by bytes, not file count: the work is the text's. This module
 * loads no parser: the workers start before this thread loads its own (check-batch.ts).
 */
import { existsSync, statSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { confirmMatches, testWithDeadline, type PutOffMatch } from "../util/regex-deadline.js";
import type { ScriptReader } from "./check-batch.js";
import type { UncheckedCommand } from "./lint-unchecked.js";
import type { RunbookProblem } from "./problems.js";

/** What validate needs of a checked file: its problems, and its id when it is valid. */
export interface CheckedFile {
  file: string;
  /** What the file declares itself to be, once its data says (a runbook unless it says Scenario). */
  kind?: "Runbook" | "Scenario";
  id?: string;
  problems: RunbookProblem[];
  /** What may be wrong without making the file invalid (lint-unchecked.ts): validate prints them and still passes. */
  warnings?: RunbookProblem[];
  /** Problems beyond those listed (load.ts MAX_PROBLEMS_PER_FILE). */
  moreProblems?: number;
}

/** A file to check and the name its messages use. */
export interface FileToCheck {
  path: string;
  shownAs: string;
}

/** Messages between the pool and a worker (check-worker.ts): batches to check, or scripts to read (check-batch.ts ScriptReader). */
export type ToWorker = { from: number; files: FileToCheck[] } | { reading: number; scripts: string[] } | { done: true };
export type FromWorker = { from: number; results: CheckedFile[] } | { reading: number; found: Array<UncheckedCommand[] | undefined> };

// Below this much text a worker's start (≈ 0.1 s to load the parsers) costs more than it saves (~2 MB is ~0.3 s of checks).
const MIN_BYTES_FOR_WORKERS = 2_000_000;
// A batch is ~30 ms of checks once warm: no thread waits long on another's last one, and the first,
// checked while the code is still cold, stays well inside its one deadline on a busy machine.
const BATCH_BYTES = 200_000;
const MAX_WORKERS = 3;

/**
 * Workers beside this thread on a machine of `cores`: a core for each thread that checks and one
 * for its V8 background work. While the code is cold, TurboFan compiles on a background thread and
 * the GC marks and scavenges on others: one thread alone, 1,000 runbooks, took 1.45–1.62 s held to
 * one core and 1.14–1.44 s (median 1.19) given two. On 2 cores a worker made two such starved threads:
 * 1.23 s against one thread's 1.25 s (medians of 20 interleaved runs), within the noise, for ~0.5 s
 * more CPU. So 2 cores check on this thread.
 */
export function workersFor(cores: number): number {
  return Math.max(0, Math.min(MAX_WORKERS, Math.floor(cores / 2) - 1));
}

// The bundle has dist/check-worker.js beside its chunks; run from source (tests) there is none,
// and the files are checked on this thread alone.
const WORKER_FILE = fileURLToPath(new URL("./check-worker.js", import.meta.url));

/** Consecutive runs of files of about BATCH_BYTES each (a larger file is a batch of its own). */
export function batchesBySize(sizes: readonly number[], batchBytes = BATCH_BYTES): Array<{ from: number; to: number }> {
  const batches: Array<{ from: number; to: number }> = [];
  let from = 0;
  let bytes = 0;
  sizes.forEach((size, i) => {
    bytes += size;
    if (bytes >= batchBytes) {
      batches.push({ from, to: i + 1 });
      from = i + 1;
      bytes = 0;
    }
  });
  if (from < sizes.length) batches.push({ from, to: sizes.length });
  return batches;
}

/** A file's size for batching (a stat on this thread: ~10 µs, where an asynchronous one costs several times that); one that cannot be stat'ed counts as empty (reading it says why). */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * A worker that only reads `run` scripts for commands that can fail unseen (lint-unchecked.ts, ~15 %
 * of the checks), for a thread that checks alone beside a second core. It warms up V8 only for the
 * lexer, where a second checking thread warms up everything again (see workersFor), and this thread
 * sends it each batch's scripts and goes on to the next batch.
 */
export function scriptWorker(file = WORKER_FILE): { read: ScriptReader; close: () => Promise<void> } {
  const worker = new Worker(file);
  const waiting = new Map<number, { resolve: (found: Array<UncheckedCommand[] | undefined>) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failed: Error | undefined;
  const fail = (e: Error) => {
    failed ??= e;
    for (const w of waiting.values()) w.reject(failed);
    waiting.clear();
  };
  worker.on("message", (m: FromWorker) => {
    if (!("reading" in m)) return;
    waiting.get(m.reading)?.resolve(m.found);
    waiting.delete(m.reading);
  });
  worker.once("error", fail);
  const exited = new Promise<void>((resolve) =>
    worker.once("exit", (code) => {
      fail(new Error(`a validate worker exited with code ${code}${waiting.size > 0 ? " before it had read every script" : ""}`));
      resolve();
    }),
  );
  return {
    read: (scripts) =>
      failed !== undefined
        ? Promise.reject(failed)
        : new Promise((resolve, reject) => {
            const reading = next++;
            waiting.set(reading, { resolve, reject });
            worker.postMessage({ reading, scripts } satisfies ToWorker);
          }),
    close: async () => {
      worker.postMessage({ done: true } satisfies ToWorker);
      await exited;
    },
  };
}

/**
 * Every file checked, in the order given; on `threads` threads when given (`validate --threads`), else as workersFor says.
 * `workerFile` is what the workers run (a test's own).
 */
export async function checkFiles(files: readonly FileToCheck[], threads?: number, workerFile = WORKER_FILE): Promise<CheckedFile[]> {
  const sizes = files.map((f) => sizeOf(f.path));
  const total = sizes.reduce((a, b) => a + b, 0);
  const cores = os.availableParallelism();
  const haveWorker = existsSync(workerFile);
  const wanted = threads !== undefined ? threads - 1 : total < MIN_BYTES_FOR_WORKERS ? 0 : workersFor(cores);
  const workerCount = haveWorker ? wanted : 0;
  const batches = batchesBySize(sizes);
  const results = new Array<CheckedFile>(files.length);
  let next = 0;
  const take = (): { from: number; files: FileToCheck[] } | undefined => {
    const batch = batches[next++];
    return batch && { from: batch.from, files: files.slice(batch.from, batch.to) };
  };

  const workers = Array.from({ length: Math.max(0, Math.min(workerCount, files.length - 1)) }, () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(workerFile);
      let pending = 0;
      let done = false;
      const send = () => {
        const batch = done ? undefined : take();
        if (batch !== undefined) {
          pending++;
          worker.postMessage(batch satisfies ToWorker);
        } else if (pending === 0 && !done) {
          done = true;
          worker.postMessage({ done: true } satisfies ToWorker);
        }
      };
      worker.on("message", (m: FromWorker) => {
        if (!("results" in m)) return;
        m.results.forEach((r, i) => (results[m.from + i] = r));
        pending--;
        send();
      });
      // Two batches ahead: the next is there when one is done, even while this thread is busy with its own.
      worker.once("online", () => {
        send();
        send();
      });
      worker.once("error", reject);
      worker.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`a validate worker exited with code ${code}`))));
    }),
  );
  // Checking alone by default beside a second core (2 or 3 cores): the scripts are read on a worker of their own.
  const reader = threads === undefined && workerCount === 0 && haveWorker && total >= MIN_BYTES_FOR_WORKERS && cores >= 2 ? scriptWorker(workerFile) : undefined;
  try {
    // This thread works through batches as well, once the parsers and checks are loaded: the workers load theirs meanwhile.
    const { checkBatch, readHere } = await import("./check-batch.js");
    // A worker that fails leaves its scripts to this thread: a helper's crash is no reason for validate to fail.
    const readScripts: ScriptReader | undefined = reader && ((scripts) => reader.read(scripts).catch(() => readHere(scripts)));
    const checking: Array<Promise<void>> = [];
    // Valid files whose defaults were taken to match their patterns, with those matches (check-batch.ts).
    const doubtful: Array<{ index: number; matches: PutOffMatch[] }> = [];
    for (let batch = take(); batch !== undefined; batch = take()) {
      const { from } = batch;
      const putOff = (i: number, matches: PutOffMatch[]) => doubtful.push({ index: from + i, matches });
      // A batch whose scripts are on the reader finishes when they are back; this thread goes on meanwhile.
      const checked = checkBatch(batch.files, readScripts, putOff).then((rs) => rs.forEach((r, i) => (results[from + i] = r)));
      // Awaited below with the others; until then a failure must not count as unhandled (it would end the process).
      checked.catch(() => undefined);
      checking.push(checked);
      // Workers' results and requests for their next batch come in here.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await Promise.all([...checking, ...workers]);
    // The files whose defaults do not all match are checked again the ordinary way, which says where and why.
    const wrong = unconfirmed(doubtful);
    if (wrong.length > 0) {
      const again = await checkBatch(wrong.map((i) => files[i]!), readScripts);
      again.forEach((r, j) => (results[wrong[j]!] = r));
    }
  } finally {
    await reader?.close();
  }
  return results;
}

/**
 * The files of which a match put off does not hold: all of them confirmed under one deadline, and
 * file by file only when one does not hold or that deadline ran out. A file whose deadline ran out
 * has its matches tried one by one until the one that runs away is found: testWithDeadline then
 * knows it, and checking the file again meets it at once rather than after two deadlines more.
 */
export function unconfirmed(doubtful: ReadonlyArray<{ index: number; matches: readonly PutOffMatch[] }>): number[] {
  if (confirmMatches(doubtful.flatMap((d) => d.matches)) === true) return [];
  return doubtful
    .filter((d) => {
      const held = confirmMatches(d.matches);
      if (held === undefined) for (const m of d.matches) if (testWithDeadline(m.re, m.text) === undefined) break;
      return held !== true;
    })
    .map((d) => d.index);
}

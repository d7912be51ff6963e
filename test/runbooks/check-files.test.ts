/** validate's batches: cut by bytes, read then checked under one regex deadline, each file's own problems kept. */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { checkBatch } from "../../src/runbooks/check-batch.js";
import { batchesBySize, checkFiles, scriptWorker, workersFor } from "../../src/runbooks/check-files.js";
import { uncheckedCommands } from "../../src/runbooks/lint-unchecked.js";
import { loadRunbookFile } from "../../src/runbooks/load.js";
import { ROOT, scratchDir } from "../helpers/cli.js";

const WORKER = path.join(ROOT, "dist/check-worker.js");
const RUNAWAY = `inputs:\n  name: { type: string, pattern: "(a+)+$", default: "${"a".repeat(40)}!" }\n`;
/** A pattern validate does not refuse (its time grows with a power of the length, not exponentially) on a default it takes ~18 s to try. */
const SLOW = `inputs:\n  name: { type: string, pattern: "a*a*a*a*a*a*a*a*b", default: "${"a".repeat(60)}" }\n`;
/** A default its pattern does not match. */
const WRONG = `inputs:\n  name: { type: string, pattern: "[a-z]+", default: "ABC" }\n`;

/** Copies of a shipped runbook with new ids; the one at `runaway` has a default its pattern takes forever on, or each at its index the inputs given. */
function files(dir: string, count: number, runaway: number | Record<number, string>) {
  const shipped = readFileSync(path.join(ROOT, "runbooks", "emergency-rollback.yaml"), "utf8");
  const inputs = typeof runaway === "number" ? { [runaway]: RUNAWAY } : runaway;
  return Array.from({ length: count }, (_, i) => {
    let text = shipped.replace(/^id: (\S+)$/m, `id: $1-${i}`);
    if (inputs[i] !== undefined) text = text.replace(/^inputs:\n/m, inputs[i]);
    const file = path.join(dir, `${i}.yaml`);
    writeFileSync(file, text);
    return { path: file, shownAs: `${i}.yaml` };
  });
}

describe("batchesBySize", () => {
  it("cuts consecutive runs at the byte size, a large file alone, every file once and in order", () => {
    expect(batchesBySize([100, 100, 100, 100, 100], 250)).toEqual([
      { from: 0, to: 3 },
      { from: 3, to: 5 },
    ]);
    expect(batchesBySize([10, 1000, 10, 10], 250)).toEqual([
      { from: 0, to: 2 },
      { from: 2, to: 4 },
    ]);
    expect(batchesBySize([1000, 1000], 250)).toEqual([
      { from: 0, to: 1 },
      { from: 1, to: 2 },
    ]);
    expect(batchesBySize([], 250)).toEqual([]);
  });
});

describe("workersFor", () => {
  it("a core for each thread that checks and one for its V8 background work: none beside this thread on 2 cores, at most 3", () => {
    expect([1, 2, 3, 4, 5, 6, 8, 16, 64].map(workersFor)).toEqual([0, 0, 0, 1, 1, 2, 3, 3, 3]);
  });
});

describe("checkBatch and checkFiles", () => {
  it("a default that runs away under its pattern is reported as on its own, and the batch's other files are checked as usual", async () => {
    const dir = scratchDir(onTestFinished);
    const list = files(dir, 4, 2);
    const results = await checkBatch(list);
    const alone = await Promise.all(list.map((f) => loadRunbookFile(f.path, f.shownAs)));
    expect(results.map((r) => r.problems)).toEqual(alone.map((r) => r.problems));
    expect(results[2]!.problems.map((p) => p.message)).toContainEqual("bad default: the pattern /(a+)+$/ took more than 1 s on this value and was stopped (catastrophic backtracking?)");
    expect(results.filter((r) => r.problems.length === 0).map((r) => r.id)).toEqual(["emergency-rollback-0", "emergency-rollback-1", "emergency-rollback-3"]);
  });

  it("defaults taken to match their patterns and confirmed at the end: one that does not match, or runs away, is reported as the file on its own", async () => {
    const dir = scratchDir(onTestFinished);
    const list = files(dir, 6, { 1: WRONG, 4: SLOW });
    const alone = await Promise.all(list.map((f) => loadRunbookFile(f.path, f.shownAs)));
    for (const threads of [1, undefined]) {
      const results = await checkFiles(list, threads);
      expect(results.map((r) => r.problems)).toEqual(alone.map((r) => r.problems));
      expect(results.filter((r) => r.problems.length === 0).map((r) => r.id)).toEqual([0, 2, 3, 5].map((i) => `emergency-rollback-${i}`));
    }
    expect(alone[1]!.problems.map((p) => [p.line, p.message])).toEqual([[31, 'bad default: expected text matching /[a-z]+/, got "ABC"']]);
    expect(alone[4]!.problems.map((p) => p.message)).toEqual(["bad default: the pattern /a*a*a*a*a*a*a*a*b/ took more than 1 s on this value and was stopped (catastrophic backtracking?)"]);
  }, 20_000);

  it("a file it cannot read is a problem at 1:1 among files that are checked; a FIFO is not waited on", async () => {
    const dir = scratchDir(onTestFinished);
    const fifo = path.join(dir, "fifo.yaml");
    execFileSync("mkfifo", [fifo]);
    const list = [...files(dir, 2, -1), { path: path.join(dir, "gone.yaml"), shownAs: "gone.yaml" }, { path: fifo, shownAs: "fifo.yaml" }];
    const results = await checkFiles(list);
    expect(results.map((r) => r.file)).toEqual(["0.yaml", "1.yaml", "gone.yaml", "fifo.yaml"]);
    expect(results[2]!.problems).toEqual([{ file: "gone.yaml", line: 1, column: 1, path: "", message: "cannot read the file: no such file" }]);
    expect(results[3]!.problems).toEqual([{ file: "fifo.yaml", line: 1, column: 1, path: "", message: "cannot read the file: not a regular file (a FIFO)" }]);
    expect(results[0]!.problems).toEqual([]);
  });
});

describe("scriptWorker", () => {
  const SCRIPTS = ["git tag a\ngit tag b", "set -e\ngit tag a\ngit tag b", "echo 'open\ngit tag a\ngit tag b", "cd /srv; rm -rf cache; ls"];

  it("reads scripts on the worker as this thread would, each read answered with its own scripts", async () => {
    const worker = scriptWorker(WORKER);
    try {
      const [first, second] = await Promise.all([worker.read(SCRIPTS), worker.read(SCRIPTS.slice(2))]);
      expect(first).toEqual(SCRIPTS.map((s) => uncheckedCommands(s)));
      expect(first![0]).toEqual([{ text: "git tag a", line: 1 }]);
      expect(first![2]).toBeUndefined();
      expect(second).toEqual(SCRIPTS.slice(2).map((s) => uncheckedCommands(s)));
    } finally {
      await worker.close();
    }
  });

  // The script worker is used by default on 2 or 3 cores only (check-files.ts workersFor); elsewhere these cannot show it.
  it.runIf([2, 3].includes(os.availableParallelism()))("past 2 MB by default: the scripts read on the worker, or on this thread when the worker fails, give what one thread gives", async () => {
    const dir = scratchDir(onTestFinished);
    const list = [...files(dir, 70, -1), { path: path.join(dir, "tags.yaml"), shownAs: "tags.yaml" }];
    writeFileSync(path.join(dir, "tags.yaml"), "apiVersion: handrail/v1\nkind: Runbook\nid: tags\ntitle: Tags\nphases:\n  - id: a\n    kind: remediate\n    title: A\n    steps:\n      - id: tags\n        title: Tags\n        run: |\n          git tag a\n          git tag b\n");
    expect(list.reduce((sum, f) => sum + statSync(f.path).size, 0)).toBeGreaterThan(2_000_000);
    const broken = path.join(dir, "broken-worker.mjs");
    writeFileSync(broken, 'throw new Error("the worker broke");\n');
    const one = await checkFiles(list, 1);
    expect(one.at(-1)!.warnings!.map((w) => w.message)).toEqual([expect.stringContaining("`git tag a` can fail unseen")]);
    expect(await checkFiles(list, undefined, WORKER)).toEqual(one);
    expect(await checkFiles(list, undefined, broken)).toEqual(one);
  });

  it("a worker that fails rejects the reads it was given, and closing it does not wait forever", async () => {
    const dir = scratchDir(onTestFinished);
    const broken = path.join(dir, "broken-worker.mjs");
    writeFileSync(broken, 'throw new Error("the worker broke");\n');
    const worker = scriptWorker(broken);
    await expect(worker.read(SCRIPTS)).rejects.toThrow("the worker broke");
    await expect(worker.read(SCRIPTS)).rejects.toThrow("the worker broke");
    await worker.close();
  });
});

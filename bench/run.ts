/**
 * `npm run bench`: every figure of issue 7, each measured against a baseline in the same run
 * (alternating, several rounds), one line a figure, all of them in bench/results.json.
 * Never timed assertions in tests: these are figures to read.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { cleanup, hasTmux, stopAll, stopTmux } from "./measure.js";
import { formatFigure, type Figure } from "./stats.js";
import { clusterPanel } from "./suites/cluster.js";
import { streamingConsole } from "./suites/console.js";
import { library, report } from "./suites/files.js";
import { runbookTests } from "./suites/runbook-test.js";
import { startup } from "./suites/startup.js";
import { streamingHeadless } from "./suites/streaming.js";
import { storeFollowers } from "./suites/store.js";

const only = process.argv.slice(2);
const tmux = await hasTmux();
// A suite that cannot run here (no PostgreSQL) says why instead of figures.
const suites: Array<{ name: string; needsTmux?: boolean; run: () => Promise<Figure[] | { skip: string }> }> = [
  { name: "startup", run: () => startup(7) },
  { name: "headless", run: () => streamingHeadless([{ lines: 1_000_000, rounds: 5 }, { lines: 10_000_000, rounds: 5 }]) },
  { name: "console", needsTmux: true, run: () => streamingConsole(10_000_000, Number(process.env.BENCH_ROUNDS ?? 3)) },
  { name: "library", run: () => library(7) },
  { name: "report", run: () => report(9) },
  { name: "cluster", needsTmux: true, run: () => clusterPanel(5_000, 3, 3) },
  { name: "test", run: () => runbookTests() },
  { name: "store", run: () => storeFollowers({ lines: 1_000_000, followers: 50, rounds: Number(process.env.BENCH_ROUNDS ?? 3) }) },
];

// Interrupted: still remove the temp dirs, the bench's own tmux server and what the suites started (a private PostgreSQL).
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    cleanup();
    void Promise.all([stopTmux(), stopAll()]).finally(() => process.exit(130));
  });
}

const started = performance.now();
// Other work on the machine moves every figure: the load is recorded with them.
const loadBefore = os.loadavg()[0]!;
const figures: Figure[] = [];
const skipped: string[] = [];
try {
  for (const s of suites) {
    if (only.length > 0 && !only.includes(s.name)) continue;
    if (s.needsTmux && !tmux) {
      skipped.push(s.name);
      console.log(`${s.name}: skipped, tmux is not installed`);
      continue;
    }
    const out = await s.run();
    if ("skip" in out) {
      skipped.push(s.name);
      console.log(`${s.name}: skipped, ${out.skip}`);
      continue;
    }
    for (const f of out) {
      figures.push(f);
      console.log(formatFigure(f));
    }
  }
} finally {
  cleanup();
  await stopTmux();
  await stopAll();
}
const machine = { nproc: os.availableParallelism(), memoryGB: Math.round(os.totalmem() / 2 ** 30), cpu: os.cpus()[0]?.model ?? "?", node: process.version, platform: `${os.type()} ${os.release()}`, loadavg: { before: loadBefore, after: os.loadavg()[0]! } };
writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify({ date: new Date().toISOString(), machine, seconds: Math.round((performance.now() - started) / 1000), skipped, figures }, null, 2)}\n`);
const missed = figures.filter((f) => f.met === false).map((f) => f.name);
console.log(`${figures.length} figures in ${((performance.now() - started) / 1000).toFixed(0)} s on ${machine.nproc} cores, ${machine.memoryGB} GB, Node ${machine.node}, load average ${loadBefore.toFixed(1)} → ${machine.loadavg.after.toFixed(1)}; ${missed.length === 0 ? "every target met" : `targets missed: ${missed.join("; ")}`}`);

/**
 * Streaming headless: `handrail run` on `seq 1 N` into an incident, against `seq | tee FILE`. Time and peak RSS.
 * Beside them the floor: the least a Node process does to keep the output as DESIGN.md asks (read, sha256,
 * write, fsync: bench/durable-copy.mjs), so the figure shows how much is handrail's and how much any such process's;
 * and the same with handrail's own masking scan (its Redactor, bundled from the sources), which the design asks
 * of every step's output: what is left above that is handrail's start-up and bookkeeping.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { floodRunbook } from "../fixtures.js";
import { BIN, ROOT, tempDir, timeProcess, type Timed } from "../measure.js";
import { figure, type Figure } from "../stats.js";

export async function streamingHeadless(sizes: ReadonlyArray<{ lines: number; rounds: number }>): Promise<Figure[]> {
  const dir = floodRunbook(tempDir("stream"));
  const mask = path.join(dir, "redact.mjs");
  await build({ entryPoints: [path.join(ROOT, "src/incident/redact.ts")], bundle: true, platform: "node", format: "esm", target: "node20", minifyWhitespace: true, minifySyntax: true, outfile: mask, logLevel: "warning" });
  const figures: Figure[] = [];
  for (const { lines, rounds } of sizes) {
    const base: Timed[] = [];
    const floor: Timed[] = [];
    const masked: Timed[] = [];
    const subj: Timed[] = [];
    const label = lines >= 1_000_000 ? `${lines / 1_000_000} M` : String(lines);
    for (let i = 0; i < rounds; i++) {
      // A new file each round, as handrail writes its output into a new incident each round: tee over the last
      // round's 78 MB file paid for dropping its pages (and slowed the run after it), 80 -> ~200 ms.
      rmSync(path.join(dir, "tee.out"), { force: true });
      base.push(await timeProcess("bash", ["-c", `seq 1 ${lines} | tee ${path.join(dir, "tee.out")} >/dev/null`]));
      floor.push(await timeProcess(process.execPath, [path.join(ROOT, "bench/durable-copy.mjs"), String(lines), path.join(dir, `copy-${lines}-${i}.out`)]));
      rmSync(path.join(dir, `copy-${lines}-${i}.out`));
      masked.push(await timeProcess(process.execPath, [path.join(ROOT, "bench/durable-copy.mjs"), String(lines), path.join(dir, `masked-${lines}-${i}.out`), mask]));
      rmSync(path.join(dir, `masked-${lines}-${i}.out`));
      subj.push(await timeProcess(process.execPath, [BIN, "--runbooks", dir, "--incidents", path.join(dir, `incidents-${lines}-${i}`), "run", "flood", "--set", `lines=${lines}`], { cwd: dir }));
    }
    figures.push(figure({ name: `headless run, seq ${label} lines`, unit: "ms", subject: subj.map((t) => t.ms), baselineName: "seq | tee", baseline: base.map((t) => t.ms), ...(lines >= 10_000_000 ? { target: { ratio: 3 } } : {}) }));
    figures.push(figure({ name: `floor: Node read + sha256 + write + fsync, seq ${label} lines`, unit: "ms", subject: floor.map((t) => t.ms), baselineName: "seq | tee", baseline: base.map((t) => t.ms) }));
    figures.push(figure({ name: `headless run, seq ${label} lines, over the floor`, unit: "ms", subject: subj.map((t) => t.ms), baselineName: "Node read + sha256 + write + fsync", baseline: floor.map((t) => t.ms) }));
    figures.push(figure({ name: `floor with handrail's masking scan, seq ${label} lines`, unit: "ms", subject: masked.map((t) => t.ms), baselineName: "Node read + sha256 + write + fsync", baseline: floor.map((t) => t.ms) }));
    figures.push(figure({ name: `headless run, seq ${label} lines, over the floor with masking`, unit: "ms", subject: subj.map((t) => t.ms), baselineName: "Node read + mask scan + sha256 + write + fsync", baseline: masked.map((t) => t.ms) }));
    figures.push(figure({ name: `headless run, seq ${label} lines, peak RSS`, unit: "MB", subject: subj.map((t) => t.rssMB ?? NaN).filter(Number.isFinite), baselineName: "seq | tee", baseline: base.map((t) => t.rssMB ?? NaN).filter(Number.isFinite), target: { max: 150 } }));
  }
  return figures;
}

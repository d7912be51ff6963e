// Benchmarks print ratios against a baseline measured in the same run (never timed test assertions).
// Each benchmark: { name, baseline(), subject(), rounds }; we alternate baseline and subject and
// report the median and min–max of each, and the ratio of the medians. Results go to bench/results.json.
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { benchmarks } from "./suites.mjs";

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const results = [];
for (const b of benchmarks) {
  const base = [];
  const subj = [];
  for (let i = 0; i < b.rounds; i++) {
    base.push(await time(b.baseline));
    subj.push(await time(b.subject));
  }
  const B = stats(base);
  const S = stats(subj);
  const ratio = S.median / B.median;
  const target = b.target ? ` (target ${b.target})` : "";
  console.log(
    `${b.name}: ${S.median.toFixed(1)} ms [${S.min.toFixed(1)}–${S.max.toFixed(1)}] vs ${b.baselineName} ${B.median.toFixed(1)} ms [${B.min.toFixed(1)}–${B.max.toFixed(1)}] = ${ratio.toFixed(2)}x${target}`,
  );
  results.push({ name: b.name, baseline: b.baselineName, subjectMs: S, baselineMs: B, ratio, target: b.target ?? null });
}
writeFileSync(new URL("./results.json", import.meta.url), JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2));

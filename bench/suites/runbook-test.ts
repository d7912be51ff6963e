/** `handrail test` on the shipped runbooks: every scenario × choice, at the default number of runs at once. */
import { spawn } from "node:child_process";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { BIN, tempDir } from "../measure.js";
import { figure, type Figure } from "../stats.js";

/** bash's `times`: its own user and system time, then its children's (`0m1.234s 0m0.056s`). */
function childrenCpuMs(times: string): number {
  const line = times.trim().split("\n").at(-1) ?? "";
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60_000 + Number(m[2]) * 1000);
  if (parts.length !== 2) throw new Error(`bash's times printed ${JSON.stringify(times)}`);
  return parts[0]! + parts[1]!;
}

export async function runbookTests(): Promise<Figure[]> {
  const cores = os.availableParallelism();
  // From an empty directory: the shipped runbooks alone, as a new user's `handrail test` finds them.
  const t0 = performance.now();
  const child = spawn("bash", ["-c", '"$0" "$1" test >/dev/null 2>&1; code=$?; times; exit $code', process.execPath, BIN], { cwd: tempDir("runbook-test"), stdio: ["ignore", "pipe", "inherit"] });
  let times = "";
  child.stdout.on("data", (d: Buffer) => (times += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`handrail test exited ${code}: a shipped runbook's drill failed (run it to see which)`);
  // No order of these runs on these cores takes less than their CPU spread over every core.
  const floor = childrenCpuMs(times) / cores;
  return [
    figure({
      name: "handrail test, the shipped runbooks (every scenario × choice, the default runs at once)",
      unit: "ms",
      subject: [ms],
      baselineName: `the runs' CPU time over ${cores} cores`,
      baseline: [floor],
      target: { max: 120_000 },
    }),
  ];
}

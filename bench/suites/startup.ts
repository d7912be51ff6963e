/** Start-up: process start to the home screen's first frame, against a bare Ink "hello" built the same way. */
import { build } from "esbuild";
import path from "node:path";
import { bundleOptions } from "../../scripts/bundle-options.mjs";
import { BIN, ROOT, tempDir, timeToFirstFrame } from "../measure.js";
import { figure, type Figure } from "../stats.js";

const HELLO = `import { render, Text } from "ink";\nrender(<Text>hello from ink</Text>);\nsetTimeout(() => {}, 60_000);\n`;

export async function startup(rounds: number): Promise<Figure[]> {
  const dir = tempDir("startup");
  const hello = path.join(dir, "hello.js");
  await build({ ...bundleOptions(), stdin: { contents: HELLO, loader: "tsx", resolveDir: ROOT, sourcefile: "hello.tsx" }, outfile: hello });
  const env = { HANDRAIL_INCIDENTS: path.join(dir, "incidents"), HANDRAIL_PATH: "" };
  const base: number[] = [];
  const subj: number[] = [];
  const filled: number[] = [];
  // One of each first, unmeasured: the page cache then holds both, as it would for an operator.
  await timeToFirstFrame(`node ${hello}`, "hello from ink", { cwd: dir });
  await timeToFirstFrame(`node ${BIN}`, "open incidents", { cwd: dir, env });
  for (let i = 0; i < rounds; i++) {
    base.push(await timeToFirstFrame(`node ${hello}`, "hello from ink", { cwd: dir }));
    subj.push(await timeToFirstFrame(`node ${BIN}`, "open incidents", { cwd: dir, env }));
    // Home is drawn before the library is read; this is when the list is there to pick from.
    filled.push(await timeToFirstFrame(`node ${BIN}`, "Canary Release (canary-release)", { cwd: dir, env }));
  }
  return [
    figure({ name: "start-up to the home screen's first frame", unit: "ms", subject: subj, baselineName: "bare Ink hello", baseline: base, target: { ratio: 1.25 } }),
    figure({ name: "start-up to home with the runbook list (shipped runbooks, cache warm)", unit: "ms", subject: filled, baselineName: "bare Ink hello", baseline: base, note: "no target: the list fills in after the first frame" }),
  ];
}

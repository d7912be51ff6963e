/** Start-up: process start to the home screen's first frame, against a bare Ink "hello" built the same way. */
import { build } from "esbuild";
import path from "node:path";
import { bundleOptions } from "../../scripts/bundle-options.mjs";
import { BIN, ROOT, tempDir, timeProcess, timeToFirstFrame } from "../measure.js";
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
    ...(await nodeStart(rounds)),
    figure({ name: "start-up to the home screen's first frame", unit: "ms", subject: subj, baselineName: "bare Ink hello", baseline: base, target: { ratio: 1.25 } }),
    figure({ name: "start-up to home with the runbook list (shipped runbooks, cache warm)", unit: "ms", subject: filled, baselineName: "bare Ink hello", baseline: base, note: "no target: the list fills in after the first frame" }),
  ];
}

/**
 * Node's own start, with NODE_EXTRA_CA_CERTS as this environment sets it and without: Node 20 reads
 * and parses the file's certificates before any JavaScript runs (~45 ms for 144 of them here; Node
 * 22 defers it). Every Node process of every figure pays it, handrail's and the Node baselines'
 * alike; `seq | tee` and kubectl do not. Nothing when the variable is not set.
 */
async function nodeStart(rounds: number): Promise<Figure[]> {
  if (!process.env.NODE_EXTRA_CA_CERTS) return [];
  const { NODE_EXTRA_CA_CERTS: _, ...without } = process.env;
  const withCerts: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < rounds; i++) {
    withCerts.push((await timeProcess(process.execPath, ["-e", "0"])).ms);
    bare.push((await timeProcess(process.execPath, ["-e", "0"], { env: without })).ms);
  }
  return [
    figure({
      name: "Node's own start, node -e 0, with NODE_EXTRA_CA_CERTS as set here",
      unit: "ms",
      subject: withCerts,
      baselineName: "without it",
      baseline: bare,
      note: "no target: in every Node process of every figure, handrail's and the Node baselines' alike",
    }),
  ];
}

/** The library and the report: validating 1,000 runbooks, and 100,000 events to Markdown. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { largeIncident, runbookLibrary } from "../fixtures.js";
import { BIN, tempDir, timeProcess } from "../measure.js";
import { figure, type Figure } from "../stats.js";

const NODE_E0 = [process.execPath, ["-e", "0"]] as const;

export async function library(rounds: number): Promise<Figure[]> {
  const dir = runbookLibrary(tempDir("library"), 1000);
  const mb = (readdirSync(dir).reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0) / 1e6).toFixed(0);
  // Its own cache directory: the cold runs bypass it (--no-cache), the warm ones read what the first filled.
  const env = { ...process.env, XDG_CACHE_HOME: tempDir("validate-cache") };
  await timeProcess(process.execPath, [BIN, "validate", dir], { env });
  const base: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < rounds; i++) {
    base.push((await timeProcess(...NODE_E0)).ms);
    cold.push((await timeProcess(process.execPath, [BIN, "validate", "--no-cache", dir], { env })).ms);
    warm.push((await timeProcess(process.execPath, [BIN, "validate", dir], { env })).ms);
  }
  return [
    figure({ name: `validate 1,000 runbooks (${mb} MB), cold (--no-cache)`, unit: "ms", subject: cold, baselineName: "node -e 0", baseline: base, target: { max: 1000 } }),
    figure({ name: "validate 1,000 runbooks, nothing changed (cache)", unit: "ms", subject: warm, baselineName: "node -e 0", baseline: base, target: { max: 200 } }),
  ];
}

// The least any report must do: read the file and parse every line.
const PARSE_ONLY = `const t=require("fs").readFileSync(process.argv[1],"utf8");let n=0;for(const l of t.split("\\n"))if(l)JSON.parse(l),n++;if(!n)process.exit(1)`;

export async function report(rounds: number): Promise<Figure[]> {
  const dir = tempDir("report");
  const file = largeIncident(dir, 100_000);
  const events = readFileSync(file, "utf8").split("\n").filter(Boolean).length;
  if (events !== 100_000) throw new Error(`the generated incident has ${events} events`);
  const base: number[] = [];
  const subj: number[] = [];
  for (let i = 0; i < rounds; i++) {
    base.push((await timeProcess(process.execPath, ["-e", PARSE_ONLY, file])).ms);
    subj.push((await timeProcess(process.execPath, [BIN, "report", file, "-o", path.join(dir, "report.md")])).ms);
  }
  return [figure({ name: "report of 100,000 events to Markdown", unit: "ms", subject: subj, baselineName: "node reading and JSON.parse of every line", baseline: base, target: { ratio: 1.5 } })];
}

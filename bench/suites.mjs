// The benchmark list. Runs against the built bundle's sources through the dist binary.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "dist/handrail.js");

// 1,000 runbooks: copies of the shipped ones with new ids.
const library = mkdtempSync(path.join(tmpdir(), "handrail-bench-"));
const shipped = readdirSync(path.join(root, "runbooks")).filter((f) => f.endsWith(".yaml"));
for (let i = 0; i < 1000; i++) {
  const file = shipped[i % shipped.length];
  const text = readFileSync(path.join(root, "runbooks", file), "utf8").replace(/^id: (\S+)$/m, `id: $1-copy-${i}`);
  writeFileSync(path.join(library, `${i}-${file}`), text);
}

export const benchmarks = [
  {
    name: "validate 1,000 runbooks",
    baselineName: "node -e 0",
    target: "≤ 1 s absolute (issue 7)",
    rounds: 5,
    baseline: () => execFileSync(process.execPath, ["-e", "0"]),
    subject: () => execFileSync(process.execPath, [bin, "validate", library], { stdio: "ignore" }),
  },
];

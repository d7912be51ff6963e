import { readFileSync } from "node:fs";
import jsyaml from "js-yaml";
import { runbookSchema } from "/work/main/src/runbooks/schema.ts";
const files = ["canary-release","deployment-failure","emergency-rollback","release-train-troubleshooting","release-train"].map(f => jsyaml.load(readFileSync(`/work/main/runbooks/${f}.yaml`, "utf8")));
for (let round = 0; round < 3; round++) {
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) for (const d of files) { const r = runbookSchema.safeParse(d); if (!r.success) throw new Error("bad"); }
  console.log("1000 parses", (performance.now() - t0).toFixed(0), "ms");
}
const t1 = performance.now();
for (let i = 0; i < 200; i++) for (const f of ["canary-release","deployment-failure","emergency-rollback","release-train-troubleshooting","release-train"]) jsyaml.load(readFileSync(`/work/main/runbooks/${f}.yaml`, "utf8"));
console.log("1000 js-yaml loads", (performance.now() - t1).toFixed(0), "ms");

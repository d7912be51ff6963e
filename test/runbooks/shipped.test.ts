/** The shipped runbooks: valid to the loader, valid to the exported JSON Schema, faithful in shape. */
import { Ajv2020 } from "ajv/dist/2020.js";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { runbookJsonSchema } from "../../src/runbooks/json-schema.js";
import { loadRunbookFile } from "../../src/runbooks/load.js";
import { formatProblem } from "../../src/runbooks/problems.js";
import { stepKind, type Runbook } from "../../src/runbooks/schema.js";
import { allSteps } from "../../src/runbooks/walk.js";

const DIR = path.resolve(import.meta.dirname, "../../runbooks");
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".yaml")).sort();

async function load(file: string): Promise<Runbook> {
  const r = await loadRunbookFile(path.join(DIR, file), `runbooks/${file}`);
  expect(r.problems.map(formatProblem)).toEqual([]);
  return r.runbook!;
}

describe("shipped runbooks", () => {
  it("are the five from the seeds", () => {
    expect(FILES).toEqual([
      "canary-release.yaml",
      "deployment-failure.yaml",
      "emergency-rollback.yaml",
      "release-train-troubleshooting.yaml",
      "release-train.yaml",
    ]);
  });

  it.each(FILES)("%s loads without problems and its id matches the file name", async (file) => {
    const rb = await load(file);
    expect(`${rb.id}.yaml`).toBe(file);
  });

  it.each(FILES)("%s validates against the exported JSON Schema", (file) => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(runbookJsonSchema());
    const ok = validate(parse(readFileSync(path.join(DIR, file), "utf8")));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(FILES)("%s points editors at the committed schema", (file) => {
    expect(readFileSync(path.join(DIR, file), "utf8").split("\n")[0]).toBe("# yaml-language-server: $schema=../schema/handrail-v1.schema.json");
  });

  it("high and critical steps name what the operator types back", async () => {
    for (const file of FILES) {
      const rb = await load(file);
      for (const { step } of allSteps(rb)) {
        if (step.risk === "high" || step.risk === "critical") expect(step.target, `${file} ${step.id}`).toBeDefined();
      }
    }
  });

  it("the release train deploys participants in order and rolls back in reverse", async () => {
    const rb = await load("release-train.yaml");
    expect(rb.inputs?.participants?.type).toBe("list");
    const places = [...rb.phases.filter((p) => p.forEach === "participants"), ...allSteps(rb).map((s) => s.step).filter((s) => s.forEach === "participants")];
    expect(places.some((p) => p.reverse === true)).toBe(true);
    expect(places.some((p) => p.reverse !== true)).toBe(true);
  });

  it("the canary's metrics gate queries Prometheus with thresholds", async () => {
    const rb = await load("canary-release.yaml");
    const queries = allSteps(rb).map((s) => s.step).filter((s) => stepKind(s) === "http" && s.http?.url.includes("/api/v1/query"));
    const limits = queries.flatMap((s) => (s.expect?.json === undefined ? [] : Array.isArray(s.expect.json) ? s.expect.json : [s.expect.json])).map((j) => j.max);
    // error rate < 1 %, p95 < 1000 ms, p99 < 2000 ms (the histogram is in seconds)
    expect(limits).toEqual([0.01, 1, 2]);
  });

  it("the emergency rollback maps its three levels onto severities", async () => {
    const rb = await load("emergency-rollback.yaml");
    const labels = Object.values(rb.severities ?? {}).map((s) => s.label ?? "");
    expect(labels.filter((l) => /Level [123]/.test(l))).toHaveLength(3);
  });

  it("the deployment failure runbook keeps the seed's severity table", async () => {
    const rb = await load("deployment-failure.yaml");
    expect(Object.fromEntries(Object.entries(rb.severities ?? {}).map(([k, v]) => [k, v.respondWithin]))).toEqual({ critical: "5m", high: "15m", medium: "1h", low: "24h" });
  });
});

/**
 * The loader's fast check (ajv on the exported JSON Schema, plus the refinements) says yes exactly where
 * runbookSchema does: on every runbook in the repository and on thousands of single changes to them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { runbookFiles } from "../../src/runbooks/files.js";
import { quickRunbook } from "../../src/runbooks/quick-schema.js";
import { runbookSchema } from "../../src/runbooks/schema.js";
import { ROOT } from "../helpers/cli.js";

type Path = Array<string | number>;

/** Every node's path, parents before children. */
function paths(node: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (node !== null && typeof node === "object") for (const [k, v] of Object.entries(node)) paths(v, [...at, Array.isArray(node) ? Number(k) : k], out);
  return out;
}

function withChange(data: unknown, at: Path, change: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  const copy = structuredClone(data) as Record<string | number, unknown>;
  if (at.length === 0) return copy;
  let parent = copy;
  for (const seg of at.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  change(parent, at[at.length - 1]!);
  return copy;
}

// Values that cross each rule the schema has: types, empty text, ids, enums, numbers' bounds, durations' bounds.
// YAML also reads .inf and .nan as numbers: zod refuses them, and JSON Schema never meets them.
const VALUES: unknown[] = [null, "", "x", "Not-An-Id", "low", "diagnose", 0, -1, 1.5, 2 ** 53, 600, Infinity, -Infinity, NaN, true, [], [{}], {}, "0s", "1ms", "25d", "5m", "goto:nowhere", "stop"];

/** Single changes at every `stride`-th node: replaced by each of VALUES, removed, an unknown key added, a list emptied. */
function* changes(data: unknown, stride: number): Generator<{ what: string; data: unknown }> {
  const all = paths(data);
  for (let i = 0; i < all.length; i += stride) {
    const at = all[i]!;
    const where = at.join(".");
    for (const v of VALUES) yield { what: `${where} = ${typeof v === "number" ? String(v) : JSON.stringify(v)}`, data: withChange(data, at, (p, k) => (p[k] = structuredClone(v))) };
    if (at.length > 0) yield { what: `${where} removed`, data: withChange(data, at, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k])) };
    yield { what: `${where}.zzz added`, data: withChange(data, [...at, "zzz"], (p, k) => p !== null && typeof p === "object" && !Array.isArray(p) && (p[k] = "x")) };
  }
}

describe("the loader's fast schema check", () => {
  it("accepts every valid runbook in the repository, as zod does, and returns the data as zod would", async () => {
    const files = [...(await runbookFiles(path.join(ROOT, "runbooks"))), ...(await runbookFiles(path.join(ROOT, "test/fixtures")))];
    let valid = 0;
    for (const file of files) {
      const data = parse(readFileSync(file, "utf8")) as unknown;
      const zod = runbookSchema.safeParse(data);
      expect(quickRunbook(data) !== undefined, file).toBe(zod.success);
      if (zod.success) {
        valid++;
        expect(quickRunbook(data), file).toEqual(zod.data);
      }
    }
    expect(valid).toBeGreaterThanOrEqual(5);
  });

  it("says yes exactly where zod does on single changes to DESIGN.md's example (every node) and the shipped runbooks (a sample)", async () => {
    const shipped = (await runbookFiles(path.join(ROOT, "runbooks"))).filter((f) => !f.includes(`${path.sep}scenarios${path.sep}`));
    const docs = [{ file: path.join(ROOT, "test/fixtures/design-example.yaml"), stride: 1 }, ...shipped.map((file) => ({ file, stride: 401 }))];
    let checked = 0;
    let accepted = 0;
    for (const { file, stride } of docs) {
      const data = parse(readFileSync(file, "utf8")) as unknown;
      for (const c of changes(data, stride)) {
        checked++;
        const zod = runbookSchema.safeParse(c.data).success;
        if (zod) accepted++;
        expect(quickRunbook(c.data) !== undefined, `${path.basename(file)}: ${c.what}`).toBe(zod);
      }
    }
    // Both answers occur often: the changes cross the rules, and many leave a valid runbook.
    expect(checked).toBeGreaterThan(2500);
    expect(accepted).toBeGreaterThan(300);
    expect(checked - accepted).toBeGreaterThan(1000);
  }, 120_000);

  it("holds the refinements a JSON Schema cannot say: one kind per step, steps or options per phase, durations in range", () => {
    const base = { apiVersion: "handrail/v1", kind: "Runbook", id: "r", title: "R", phases: [{ id: "p", kind: "diagnose", title: "P", steps: [{ id: "s", title: "S", run: "true" }] }] };
    const variant = (change: (r: typeof base & Record<string, unknown>) => void) => {
      const r = structuredClone(base) as typeof base & Record<string, unknown>;
      change(r);
      return r;
    };
    expect(quickRunbook(base)).toEqual(base);
    const refused = [
      variant((r) => Object.assign(r.phases[0]!.steps[0]!, { manual: "also" })),
      variant((r) => delete (r.phases[0]!.steps[0] as { run?: string }).run),
      variant((r) => (r.phases[0]!.steps = [])),
      variant((r) => Object.assign(r.phases[0]!.steps[0]!, { timeout: "25d" })),
      variant((r) => Object.assign(r.phases[0]!.steps[0]!, { timeout: "0s" })),
      variant((r) => (r.severities = { high: { respondWithin: "0ms" } })),
      variant((r) => (r.escalations = [{ after: "30d", to: "VP" }])),
    ];
    for (const r of refused) {
      expect(quickRunbook(r), JSON.stringify(r)).toBeUndefined();
      expect(runbookSchema.safeParse(r).success).toBe(false);
    }
    // An escalation may be due at once.
    expect(quickRunbook(variant((r) => (r.escalations = [{ after: "0s", to: "VP" }])))).toBeDefined();
  });
});

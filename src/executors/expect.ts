/** `expect` and `found` checks: exit code, output text, output read as a number, HTTP status, JSON fields, latency. */
import type { Expectation } from "../runbooks/schema.js";
import { bound, quote, type Field, type TextOutcomes } from "./stream-checks.js";
import type { ExpectOutcome } from "./types.js";

export interface Observed {
  exitCode?: number | null;
  /** Text checks already evaluated over the whole output (stream-checks.ts), by stream. */
  text?: TextOutcomes;
  status?: number;
  json?: unknown;
  /** Why the body was not read as JSON, when there is more to say than "not JSON". */
  jsonNote?: string;
  latencyMs?: number;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * A JSON value read as a number: numbers, numeric strings, and Prometheus' "+Inf", "-Inf" and
 * "NaN" samples (strings in its JSON). Undefined when it is no number at all.
 */
export function jsonNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  const s = value.trim();
  if (/^\+?inf$/i.test(s)) return Infinity;
  if (/^-inf$/i.test(s)) return -Infinity;
  if (/^nan$/i.test(s)) return NaN;
  const n = s === "" ? NaN : Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** `data.result[0].value[1]` → ["data", "result", 0, "value", 1]. */
export function parseJsonPath(path: string): Array<string | number> {
  const segments: Array<string | number> = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) segments.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return segments;
}

export function jsonAt(value: unknown, path: string): { found: boolean; value?: unknown } {
  let cur: unknown = value;
  for (const seg of parseJsonPath(path)) {
    if (cur === null || typeof cur !== "object" || !(seg in (cur as object))) return { found: false };
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return { found: true, value: cur };
}

function checkJson(j: Exclude<Expectation["json"], undefined | unknown[]>, seen: Observed, out: ExpectOutcome[]): void {
  const name = `json ${j.path}`;
  if (seen.json === undefined) {
    out.push({ check: name, passed: false, reason: `the response is not JSON${seen.jsonNote ? ` (${seen.jsonNote})` : ""}` });
    return;
  }
  const at = jsonAt(seen.json, j.path);
  if (j.exists !== undefined) {
    const passed = at.found === j.exists;
    out.push({ check: `${name} exists`, passed, ...(passed ? {} : { reason: `${j.path} ${at.found ? "exists" : "is missing"}` }) });
  }
  if (!at.found) {
    if (j.equals !== undefined || j.min !== undefined || j.max !== undefined) out.push({ check: name, passed: false, reason: `${j.path} is missing from the response` });
    return;
  }
  if (j.equals !== undefined) {
    const passed = String(at.value) === String(j.equals);
    out.push({ check: `${name} equals`, passed, ...(passed ? {} : { reason: `${j.path} is ${quote(JSON.stringify(at.value) ?? "undefined")}, expected ${quote(String(j.equals))}` }) });
  }
  if (j.min === undefined && j.max === undefined) return;
  const n = jsonNumber(at.value);
  if (n === undefined) out.push({ check: name, passed: false, reason: `${j.path} is not a number: ${quote(JSON.stringify(at.value) ?? "")}` });
  // NaN compares false with everything: say so plainly rather than "NaN is below the minimum".
  else if (Number.isNaN(n)) out.push({ check: name, passed: false, reason: `${j.path} is NaN (no data?)` });
  else {
    if (j.min !== undefined) out.push(bound(`${name} min`, j.path, n, j.min, "min"));
    if (j.max !== undefined) out.push(bound(`${name} max`, j.path, n, j.max, "max"));
  }
}

/**
 * Every check of an expectation (or a found) against what was observed. Defaults apply when the
 * expectation does not say (exit code 0, a 2xx status); a found passes none. Check names carry
 * `found.` for a found.
 */
export function checkExpectations(expect: Expectation | undefined, seen: Observed, defaults: { exitCode?: number; status?: "2xx" } = {}, field: Field = "expect"): ExpectOutcome[] {
  const out: ExpectOutcome[] = [];
  const codes = list(expect?.exitCode);
  if (seen.exitCode !== undefined) {
    const wanted = codes.length > 0 ? codes : defaults.exitCode !== undefined ? [defaults.exitCode] : [];
    if (wanted.length > 0) {
      const passed = seen.exitCode !== null && wanted.includes(seen.exitCode);
      out.push({ check: "exitCode", passed, ...(passed ? {} : { reason: `exit code ${seen.exitCode ?? "none"}, expected ${wanted.join(" or ")}` }) });
    }
  }
  const statuses = list(expect?.status);
  if (seen.status !== undefined && (statuses.length > 0 || defaults.status !== undefined)) {
    const passed = statuses.length > 0 ? statuses.includes(seen.status) : seen.status >= 200 && seen.status < 300;
    const wanted = statuses.length > 0 ? statuses.join(" or ") : "2xx";
    out.push({ check: "status", passed, ...(passed ? {} : { reason: `HTTP status ${seen.status}, expected ${wanted}` }) });
  }
  if (expect?.stdout && seen.text?.stdout) out.push(...seen.text.stdout);
  if (expect?.stderr && seen.text?.stderr) out.push(...seen.text.stderr);
  for (const j of list(expect?.json)) checkJson(j, seen, out);
  if (expect?.latencyMs && seen.latencyMs !== undefined) {
    out.push(bound("latencyMs", "latency (ms)", Math.round(seen.latencyMs), expect.latencyMs.max, "max"));
  }
  return field === "found" ? out.map((o) => ({ ...o, check: `found.${o.check}` })) : out;
}

/** The status a step's checks give: failed when an `expect` check failed; found when every `found` check held; else passed. */
export function verdict(expectations: readonly ExpectOutcome[], found?: readonly ExpectOutcome[]): "passed" | "found" | "failed" {
  if (!expectations.every((e) => e.passed)) return "failed";
  return found !== undefined && found.length > 0 && found.every((f) => f.passed) ? "found" : "passed";
}

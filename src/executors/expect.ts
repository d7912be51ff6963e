/** `expect` checks: exit code, output text, output read as a number, HTTP status, JSON fields, latency. */
import type { Expectation, OutputCheck } from "../runbooks/schema.js";
import { stripAnsi } from "./output.js";
import type { ExpectOutcome } from "./types.js";

export interface Observed {
  exitCode?: number | null;
  stdout?: { text: string; truncated: boolean };
  stderr?: string;
  status?: number;
  json?: unknown;
  latencyMs?: number;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const quote = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);

/** The output read as a number: the whole trimmed text, or else its last non-empty line. */
export function readNumber(text: string): number | undefined {
  const trimmed = text.trim();
  const whole = trimmed === "" ? NaN : Number(trimmed);
  if (Number.isFinite(whole)) return whole;
  const last = trimmed.split("\n").map((l) => l.trim()).filter((l) => l !== "").at(-1);
  const n = last === undefined ? NaN : Number(last);
  return Number.isFinite(n) ? n : undefined;
}

function checkOutput(name: string, check: OutputCheck, raw: string, truncated: boolean, out: ExpectOutcome[]): void {
  const text = stripAnsi(raw);
  const cut = truncated ? " (checked the first 1 MiB of output)" : "";
  for (const needle of list(check.contains)) {
    const passed = text.includes(needle);
    out.push({ check: `${name}.contains`, passed, ...(passed ? {} : { reason: `${name} does not contain ${quote(needle)}${cut}` }) });
  }
  for (const needle of list(check.notContains)) {
    const passed = !text.includes(needle);
    out.push({ check: `${name}.notContains`, passed, ...(passed ? {} : { reason: `${name} contains ${quote(needle)}` }) });
  }
  if (check.matches !== undefined) {
    const passed = new RegExp(check.matches, "m").test(text);
    out.push({ check: `${name}.matches`, passed, ...(passed ? {} : { reason: `${name} does not match /${check.matches}/${cut}` }) });
  }
  if (check.notMatches !== undefined) {
    const m = new RegExp(check.notMatches, "m").exec(text);
    out.push({ check: `${name}.notMatches`, passed: m === null, ...(m === null ? {} : { reason: `${name} matches /${check.notMatches}/: ${quote(m[0])}` }) });
  }
  if (check.empty !== undefined) {
    const isEmpty = text.trim() === "";
    const passed = isEmpty === check.empty;
    out.push({ check: `${name}.empty`, passed, ...(passed ? {} : { reason: check.empty ? `${name} is not empty` : `${name} is empty` }) });
  }
  if (check.min !== undefined || check.max !== undefined) {
    const n = readNumber(text);
    if (n === undefined) {
      out.push({ check: `${name}.number`, passed: false, reason: `${name} is not a number: ${quote(text.trim())}` });
    } else {
      if (check.min !== undefined) out.push(bound(`${name}.min`, `${name}`, n, check.min, "min"));
      if (check.max !== undefined) out.push(bound(`${name}.max`, `${name}`, n, check.max, "max"));
    }
  }
}

function bound(check: string, what: string, n: number, limit: number, side: "min" | "max"): ExpectOutcome {
  const passed = side === "min" ? n >= limit : n <= limit;
  if (passed) return { check, passed };
  return { check, passed, reason: `${what} ${n} is ${side === "min" ? "below the minimum" : "above the maximum"} ${limit}` };
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

/** Every check of an expectation against what was observed; defaults apply when none is given. */
export function checkExpectations(expect: Expectation | undefined, seen: Observed, defaults: { exitCode?: number; status?: "2xx" } = {}): ExpectOutcome[] {
  const out: ExpectOutcome[] = [];
  const codes = list(expect?.exitCode);
  if (seen.exitCode !== undefined) {
    const wanted = codes.length > 0 ? codes : defaults.exitCode !== undefined ? [defaults.exitCode] : [];
    if (wanted.length > 0) {
      const passed = seen.exitCode !== null && wanted.includes(seen.exitCode);
      out.push({ check: "exitCode", passed, ...(passed ? {} : { reason: `exit code ${seen.exitCode ?? "none"}, expected ${wanted.join(" or ")}` }) });
    }
  }
  if (seen.status !== undefined) {
    const statuses = list(expect?.status);
    const passed = statuses.length > 0 ? statuses.includes(seen.status) : seen.status >= 200 && seen.status < 300;
    const wanted = statuses.length > 0 ? statuses.join(" or ") : "2xx";
    out.push({ check: "status", passed, ...(passed ? {} : { reason: `HTTP status ${seen.status}, expected ${wanted}` }) });
  }
  if (expect?.stdout && seen.stdout) checkOutput("stdout", expect.stdout, seen.stdout.text, seen.stdout.truncated, out);
  if (expect?.stderr && seen.stderr !== undefined) checkOutput("stderr", expect.stderr, seen.stderr, false, out);
  for (const j of list(expect?.json)) {
    const name = `json ${j.path}`;
    if (seen.json === undefined) {
      out.push({ check: name, passed: false, reason: "the response is not JSON" });
      continue;
    }
    const at = jsonAt(seen.json, j.path);
    if (j.exists !== undefined) {
      const passed = at.found === j.exists;
      out.push({ check: `${name} exists`, passed, ...(passed ? {} : { reason: `${j.path} ${at.found ? "exists" : "is missing"}` }) });
    }
    if (!at.found) {
      if (j.equals !== undefined || j.min !== undefined || j.max !== undefined) out.push({ check: name, passed: false, reason: `${j.path} is missing from the response` });
      continue;
    }
    if (j.equals !== undefined) {
      const passed = String(at.value) === String(j.equals);
      out.push({ check: `${name} equals`, passed, ...(passed ? {} : { reason: `${j.path} is ${quote(JSON.stringify(at.value) ?? "undefined")}, expected ${quote(String(j.equals))}` }) });
    }
    if (j.min !== undefined || j.max !== undefined) {
      const n = typeof at.value === "number" ? at.value : typeof at.value === "string" ? Number(at.value) : NaN;
      if (!Number.isFinite(n)) out.push({ check: name, passed: false, reason: `${j.path} is not a number: ${quote(JSON.stringify(at.value) ?? "")}` });
      else {
        if (j.min !== undefined) out.push(bound(`${name} min`, j.path, n, j.min, "min"));
        if (j.max !== undefined) out.push(bound(`${name} max`, j.path, n, j.max, "max"));
      }
    }
  }
  if (expect?.latencyMs && seen.latencyMs !== undefined) {
    out.push(bound("latencyMs", "latency (ms)", Math.round(seen.latencyMs), expect.latencyMs.max, "max"));
  }
  return out;
}

/** The status a step's checks give: failed when an `expect` check failed; found when every `found` check held; else passed. */
export function verdict(expectations: readonly ExpectOutcome[], found?: readonly ExpectOutcome[]): "passed" | "found" | "failed" {
  if (!expectations.every((e) => e.passed)) return "failed";
  return found !== undefined && found.length > 0 && found.every((f) => f.passed) ? "found" : "passed";
}

/**
 * `expect` and `found` text checks evaluated over the whole of a stream as it arrives, fed the
 * same chunks as the OutputCollector. A verify step's `notContains: ERROR` must see an error
 * printed after gigabytes of output, without that output being held: needles are searched with
 * an overlap across pieces, regexes run line by line (or over a sliding window when the pattern
 * spans lines) under a deadline, and the numeric checks keep only the last non-blank line.
 */
import type { OutputCheck } from "../runbooks/schema.js";
import { REGEX_DEADLINE_MS } from "../util/regex-deadline.js";
import { PatternScan } from "./pattern-scan.js";
import { LastLine, LineChunker, type Piece } from "./stream-text.js";
import type { ExpectOutcome, Stream } from "./types.js";

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
export const quote = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);

/** contains / notContains: every needle searched in each piece plus the end of the one before. */
class Needles {
  readonly found = new Map<string, boolean>();
  private tail = "";
  private readonly keep: number;
  private left: number;

  constructor(needles: string[]) {
    for (const n of needles) this.found.set(n, false);
    this.left = this.found.size;
    this.keep = Math.max(0, ...needles.map((n) => n.length - 1));
  }

  feed(piece: Piece): void {
    if (this.left === 0) return;
    const hay = this.tail + piece.text;
    for (const [needle, seen] of this.found) {
      if (!seen && hay.includes(needle)) {
        this.found.set(needle, true);
        this.left--;
      }
    }
    this.tail = this.keep === 0 ? "" : hay.slice(-this.keep);
  }
}

/** One `stdout:` / `stderr:` block of an expect or a found, being evaluated. */
class CheckRun {
  private readonly needles: Needles;
  private readonly matches: PatternScan | undefined;
  private readonly notMatches: PatternScan | undefined;

  constructor(
    private readonly name: Stream,
    private readonly check: OutputCheck,
    private readonly last: LastLine | undefined,
  ) {
    this.needles = new Needles([...list(check.contains), ...list(check.notContains)]);
    this.matches = check.matches !== undefined ? new PatternScan(check.matches) : undefined;
    this.notMatches = check.notMatches !== undefined ? new PatternScan(check.notMatches) : undefined;
  }

  feed(piece: Piece): void {
    this.needles.feed(piece);
    this.matches?.feed(piece);
    this.notMatches?.feed(piece);
  }

  finish(): void {
    this.matches?.finish();
    this.notMatches?.finish();
  }

  outcomes(): ExpectOutcome[] {
    const { name, check } = this;
    const out: ExpectOutcome[] = [];
    const add = (what: string, passed: boolean, reason: string) => out.push({ check: `${name}.${what}`, passed, ...(passed ? {} : { reason }) });
    for (const n of list(check.contains)) add("contains", this.needles.found.get(n) === true, `${name} does not contain ${quote(n)}`);
    for (const n of list(check.notContains)) add("notContains", this.needles.found.get(n) !== true, `${name} contains ${quote(n)}`);
    if (this.matches) {
      const s = this.matches;
      add("matches", s.state === "matched", patternTrouble(name, s) ?? `${name} does not match /${s.pattern}/`);
    }
    if (this.notMatches) {
      const s = this.notMatches;
      add("notMatches", s.state === "searching", patternTrouble(name, s) ?? `${name} matches /${s.pattern}/: ${quote(s.match)}`);
    }
    if (check.empty !== undefined && this.last) {
      const isEmpty = !this.last.nonBlank;
      add("empty", isEmpty === check.empty, check.empty ? `${name} is not empty` : `${name} is empty`);
    }
    if ((check.min !== undefined || check.max !== undefined) && this.last) out.push(...this.numberOutcomes(this.last));
    return out;
  }

  private numberOutcomes(last: LastLine): ExpectOutcome[] {
    const { name, check } = this;
    const seen = last.last;
    const n = seen === undefined || seen.long ? NaN : Number(seen.text);
    if (!Number.isFinite(n)) {
      const reason = seen === undefined ? `${name} is empty, not a number` : `${name} is not a number: its last line is ${quote(seen.text)}${seen.long ? " (cut)" : ""}`;
      return [{ check: `${name}.number`, passed: false, reason }];
    }
    const out: ExpectOutcome[] = [];
    if (check.min !== undefined) out.push(bound(`${name}.min`, name, n, check.min, "min"));
    if (check.max !== undefined) out.push(bound(`${name}.max`, name, n, check.max, "max"));
    return out;
  }
}

function patternTrouble(name: string, s: PatternScan): string | undefined {
  if (s.state === "invalid") return `/${s.pattern}/ is not a valid regular expression`;
  if (s.state === "too-slow") return `/${s.pattern}/ took more than ${REGEX_DEADLINE_MS / 1000} s on one part of ${name} and was stopped (catastrophic backtracking?); not checked`;
  return undefined;
}

/** `n` against a min or a max, with the reason in words. */
export function bound(check: string, what: string, n: number, limit: number, side: "min" | "max"): ExpectOutcome {
  const passed = side === "min" ? n >= limit : n <= limit;
  if (passed) return { check, passed };
  const shown = n === Infinity ? "+Inf" : n === -Infinity ? "-Inf" : String(n);
  return { check, passed, reason: `${what} ${shown} is ${side === "min" ? "below the minimum" : "above the maximum"} ${limit}` };
}

export type Field = "expect" | "found";
export type TextOutcomes = Partial<Record<Stream, ExpectOutcome[]>>;

/** Every text check of a step (its expect and its found, on stdout and stderr), fed chunk by chunk. */
export class OutputChecks {
  private readonly chunkers: Partial<Record<Stream, LineChunker>> = {};
  private readonly runs = new Map<string, CheckRun>();
  private finished = false;
  private readonly factCount: number;

  /** `facts`: stdout checks later conditions ask of this step (`when: { step, stdout }`), each judged on its own. */
  constructor(checks: Partial<Record<Field, { stdout?: OutputCheck; stderr?: OutputCheck } | undefined>> & { facts?: readonly OutputCheck[] }) {
    this.factCount = checks.facts?.length ?? 0;
    for (const stream of ["stdout", "stderr"] as const) {
      const sets: Array<{ field: string; check: OutputCheck }> = (["expect", "found"] as const).flatMap((field) => {
        const check = checks[field]?.[stream];
        return check ? [{ field: field as string, check }] : [];
      });
      if (stream === "stdout") (checks.facts ?? []).forEach((check, i) => sets.push({ field: `fact${i}`, check }));
      if (sets.length === 0) continue;
      const needsLast = sets.some(({ check }) => check.empty !== undefined || check.min !== undefined || check.max !== undefined);
      const last = needsLast ? new LastLine() : undefined;
      const runs = sets.map(({ field, check }) => {
        const run = new CheckRun(stream, check, last);
        this.runs.set(`${field}.${stream}`, run);
        return run;
      });
      this.chunkers[stream] = new LineChunker((piece) => {
        last?.feed(piece);
        for (const run of runs) run.feed(piece);
      });
    }
  }

  push(stream: Stream, chunk: Buffer): void {
    this.chunkers[stream]?.push(chunk);
  }

  /** The end of both streams; safe to call more than once. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const stream of ["stdout", "stderr"] as const) this.chunkers[stream]?.finish();
    for (const run of this.runs.values()) run.finish();
  }

  /** Whether each fact check held (every one of its tests passed), in the order given. */
  factResults(): boolean[] {
    this.finish();
    return Array.from({ length: this.factCount }, (_, i) => this.runs.get(`fact${i}.stdout`)?.outcomes().every((o) => o.passed) === true);
  }

  /** The outcomes of an expect's or a found's text checks, by stream (names unprefixed: `stdout.contains`). */
  results(field: Field): TextOutcomes {
    this.finish();
    const out: TextOutcomes = {};
    for (const stream of ["stdout", "stderr"] as const) {
      const run = this.runs.get(`${field}.${stream}`);
      if (run) out[stream] = run.outcomes();
    }
    return out;
  }
}

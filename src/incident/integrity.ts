/**
 * What is wrong with an incident file, line by line: seq numbers missing or repeated, lines
 * duplicated, lines that are not JSON or not events, a torn last line. Pure: the file's text in,
 * the events and one sentence per problem out, so report, incidents and resume say the same.
 */
import type { IncidentEvent } from "./events.js";

export type IssueKind = "gap" | "duplicate" | "repeat" | "out-of-order" | "not-json" | "not-event" | "blank" | "torn" | "fenced" | "not-opened" | "empty";

export interface IntegrityIssue {
  /** 1-based line number in the file. */
  line: number;
  kind: IssueKind;
  /** One line for the operator, e.g. "line 7: seq 5 follows 3 (4 missing)". */
  message: string;
}

export interface ParsedIncident {
  /** The events in file order; an exact duplicate of an earlier line is left out (it happened once). */
  events: IncidentEvent[];
  issues: IntegrityIssue[];
  /** Lines that are not events (not JSON, not an event, torn): skipped when the file is replayed. */
  damaged: Array<{ line: number; text: string }>;
}

/** Events a resume writes right after fencing off a crash fragment. */
const AFTER_FENCE = new Set(["incident.resumed", "lock.forced"]);

function asEvent(raw: string): IncidentEvent | "not-json" | "not-event" {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return "not-json";
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) return "not-event";
  const e = v as Record<string, unknown>;
  if (typeof e.seq !== "number" || !Number.isInteger(e.seq) || e.seq < 1 || typeof e.type !== "string") return "not-event";
  return v as IncidentEvent;
}

function missing(from: number, to: number): string {
  return from === to ? `${from} missing` : `${from}-${to} missing`;
}

function excerpt(raw: string): string {
  return raw.length > 80 ? `${raw.slice(0, 77)}...` : raw;
}

/** Parse an incident file's text and name every problem in it by line number. */
export function parseIncidentText(text: string): ParsedIncident {
  const lines = text.split("\n");
  // A file that ends with a newline splits into a last empty string: not a line.
  const complete = lines.at(-1) === "";
  if (complete) lines.pop();
  const parsed = lines.map(asEvent);
  const events: IncidentEvent[] = [];
  const issues: IntegrityIssue[] = [];
  const damaged: ParsedIncident["damaged"] = [];
  // seq → the index of the line that first held it (its text is lines[index]): one number per event, not an object.
  const seen = new Map<number, number>();
  let maxSeq = 0;
  const issue = (line: number, kind: IssueKind, what: string) => issues.push({ line, kind, message: `line ${line}: ${what}` });

  parsed.forEach((p, i) => {
    const line = i + 1;
    const raw = lines[i]!;
    if (typeof p === "string") {
      if (raw === "") {
        issue(line, "blank", "empty line");
        return;
      }
      damaged.push({ line, text: excerpt(raw) });
      const last = i === lines.length - 1;
      const next = parsed.slice(i + 1).find((q) => typeof q !== "string");
      if (last && !complete && p === "not-json") issue(line, "torn", "torn last line (a crash mid-write)");
      else if (p === "not-json" && raw.startsWith('{"seq":') && next !== undefined && AFTER_FENCE.has(next.type)) {
        issue(line, "fenced", "torn line (a crash mid-write, fenced off by the resume after it)");
      } else issue(line, p, p === "not-json" ? "not JSON" : "not an incident event (no seq or type)");
      return;
    }
    const before = seen.get(p.seq);
    if (before !== undefined) {
      if (lines[before] === raw) issue(line, "duplicate", `duplicate of seq ${p.seq}`);
      else {
        issue(line, "repeat", `seq ${p.seq} again (line ${before + 1} holds another event with seq ${p.seq})`);
        events.push(p);
      }
      return;
    }
    seen.set(p.seq, i);
    if (events.length === 0 && p.type !== "incident.opened") issue(line, "not-opened", `the first event is ${p.type}, not incident.opened`);
    if (p.seq > maxSeq + 1) issue(line, "gap", maxSeq === 0 ? `starts at seq ${p.seq} (${missing(1, p.seq - 1)})` : `seq ${p.seq} follows ${maxSeq} (${missing(maxSeq + 1, p.seq - 1)})`);
    else if (p.seq <= maxSeq) issue(line, "out-of-order", `seq ${p.seq} follows ${maxSeq} (out of order)`);
    maxSeq = Math.max(maxSeq, p.seq);
    events.push(p);
  });
  if (lines.length === 0) issues.push({ line: 1, kind: "empty", message: "line 1: the file is empty (no incident.opened)" });
  return { events, issues, damaged };
}

/** The highest seq in the file: the next event takes the one after it. */
export function lastSeqOf(events: readonly IncidentEvent[]): number {
  let max = 0;
  for (const e of events) if (e.seq > max) max = e.seq;
  return max;
}

/**
 * What is wrong with an incident file, line by line: seq numbers missing or repeated, lines
 * duplicated, lines that are not JSON or not events, a torn last line. Pure: the file's lines in
 * (all at once, or one by one as a file is read), the events and one sentence per problem out,
 * so report, incidents and resume say the same.
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

/** A line that is no event, judged once the next event is known (a resume's fence is told by what follows it). */
interface Pending {
  line: number;
  kind: "blank" | "not-json" | "not-event";
  seqLike: boolean;
}

/**
 * seq → a line index. The seqs of a file come in order, so most go in an array at their own place
 * (a map's hashing was a tenth of a long report's read); one far past the others goes in a map.
 */
class SeqIndex {
  private readonly near: number[] = [];
  private readonly far = new Map<number, number>();

  get(seq: number): number | undefined {
    const i = seq < this.near.length ? this.near[seq]! : -1;
    return i >= 0 ? i : this.far.size ? this.far.get(seq) : undefined;
  }

  /** Only for a seq not set before. */
  set(seq: number, index: number): void {
    if (seq < this.near.length) this.near[seq] = index;
    else if (seq - this.near.length <= 1024) {
      while (this.near.length < seq) this.near.push(-1);
      this.near.push(index);
    } else this.far.set(seq, index);
  }
}

/**
 * The integrity check one line at a time: each event is handed on as soon as it is judged, and
 * nothing of a line is kept but where its seq first appeared, so a file of any size is checked
 * in one pass. `rawOf` gives an earlier line's text back (0-based), asked only when a seq repeats.
 */
export class IntegrityScanner {
  readonly issues: IntegrityIssue[] = [];
  readonly damaged: ParsedIncident["damaged"] = [];
  private lines = 0;
  private kept = 0;
  private maxSeq = 0;
  // seq → the index of the line that first held it: one number per event, not its text.
  private readonly seen = new SeqIndex();
  private pending: Pending[] = [];

  constructor(
    private readonly onEvent: (e: IncidentEvent) => void,
    private readonly rawOf: (index: number) => string,
  ) {}

  /** The next line of the file, without its newline. */
  line(raw: string): void {
    const index = this.lines++;
    const line = index + 1;
    const p = raw === "" ? "blank" : asEvent(raw);
    if (typeof p === "string") {
      if (p !== "blank") this.damaged.push({ line, text: excerpt(raw) });
      this.pending.push({ line, kind: p, seqLike: raw.startsWith('{"seq":') });
      return;
    }
    this.settle(p.type, false);
    const before = this.seen.get(p.seq);
    if (before !== undefined) {
      if (this.rawOf(before) === raw) this.issue(line, "duplicate", `duplicate of seq ${p.seq}`);
      else {
        this.issue(line, "repeat", `seq ${p.seq} again (line ${before + 1} holds another event with seq ${p.seq})`);
        this.emit(p);
      }
      return;
    }
    this.seen.set(p.seq, index);
    if (this.kept === 0 && p.type !== "incident.opened") this.issue(line, "not-opened", `the first event is ${p.type}, not incident.opened`);
    if (p.seq > this.maxSeq + 1) this.issue(line, "gap", this.maxSeq === 0 ? `starts at seq ${p.seq} (${missing(1, p.seq - 1)})` : `seq ${p.seq} follows ${this.maxSeq} (${missing(this.maxSeq + 1, p.seq - 1)})`);
    else if (p.seq <= this.maxSeq) this.issue(line, "out-of-order", `seq ${p.seq} follows ${this.maxSeq} (out of order)`);
    this.maxSeq = Math.max(this.maxSeq, p.seq);
    this.emit(p);
  }

  /** The file has ended; `complete` when its last line ended with a newline. */
  end(complete: boolean): void {
    this.settle(undefined, !complete);
    if (this.lines === 0) this.issues.push({ line: 1, kind: "empty", message: "line 1: the file is empty (no incident.opened)" });
  }

  private emit(e: IncidentEvent): void {
    this.kept++;
    this.onEvent(e);
  }

  private issue(line: number, kind: IssueKind, what: string): void {
    this.issues.push({ line, kind, message: `line ${line}: ${what}` });
  }

  /** The lines that were no event, now that the event after them (or the end) is known. */
  private settle(nextType: string | undefined, unterminated: boolean): void {
    for (const d of this.pending) {
      if (d.kind === "blank") this.issue(d.line, "blank", "empty line");
      else if (unterminated && d.line === this.lines && d.kind === "not-json") this.issue(d.line, "torn", "torn last line (a crash mid-write)");
      else if (d.kind === "not-json" && d.seqLike && nextType !== undefined && AFTER_FENCE.has(nextType)) {
        this.issue(d.line, "fenced", "torn line (a crash mid-write, fenced off by the resume after it)");
      } else this.issue(d.line, d.kind, d.kind === "not-json" ? "not JSON" : "not an incident event (no seq or type)");
    }
    if (this.pending.length) this.pending = [];
  }
}

/** Parse an incident file's text and name every problem in it by line number. */
export function parseIncidentText(text: string): ParsedIncident {
  const lines = text.split("\n");
  // A file that ends with a newline splits into a last empty string: not a line.
  const complete = lines.at(-1) === "";
  if (complete) lines.pop();
  const events: IncidentEvent[] = [];
  const scan = new IntegrityScanner(
    (e) => events.push(e),
    (i) => lines[i]!,
  );
  for (const line of lines) scan.line(line);
  scan.end(complete);
  return { events, issues: scan.issues, damaged: scan.damaged };
}

/** The highest seq in the file: the next event takes the one after it. */
export function lastSeqOf(events: readonly IncidentEvent[]): number {
  let max = 0;
  for (const e of events) if (e.seq > max) max = e.seq;
  return max;
}

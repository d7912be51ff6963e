/**
 * A step attempt's output as the report quotes it: the first lines as they came and the last ones,
 * gathered while the attempt runs and kept only for the attempts the report quotes (evidence, and
 * every attempt that did not pass). A passed attempt's lines are counted, not held: a long incident
 * has tens of thousands of them, and holding them was most of the report's memory.
 */
import type { ReportStep } from "./report-model.js";

/** Lines of a step's output quoted from each end. */
export const QUOTE_LINES = 8;

/**
 * The output events' own line arrays, referenced and not copied: most attempts pass, and their
 * window is dropped unread. An output event nearly always carries QUOTE_LINES lines or more, so
 * the common case holds the first batch and the latest one, and costs one comparison per event;
 * only short batches keep a list of the ones before (a long incident has tens of thousands of events).
 */
export class OutputWindow {
  /** The first batch, and the ones after it until they hold QUOTE_LINES lines (nearly always none). */
  private readonly first: readonly string[];
  private firstMore: Array<readonly string[]> | undefined;
  private firstLines: number;
  /** The latest batch, and (only while it is short) the batches before it that the last QUOTE_LINES lines reach into, oldest first. */
  private last: readonly string[];
  private before: Array<readonly string[]> | undefined;
  private beforeLines = 0;

  constructor(lines: readonly string[]) {
    this.first = lines;
    this.firstLines = lines.length;
    this.last = lines;
  }

  add(lines: readonly string[]): void {
    if (this.firstLines < QUOTE_LINES) {
      (this.firstMore ??= []).push(lines);
      this.firstLines += lines.length;
    }
    if (lines.length >= QUOTE_LINES) {
      this.before = undefined;
      this.beforeLines = 0;
    } else {
      const before = (this.before ??= []);
      before.push(this.last);
      this.beforeLines += this.last.length;
      // Only the batches the last QUOTE_LINES lines come from. (shift, not splice: no list of what is removed.)
      while (before.length > 0 && this.beforeLines - before[0]!.length + lines.length >= QUOTE_LINES) this.beforeLines -= before.shift()!.length;
    }
    this.last = lines;
  }

  get head(): string[] {
    return (this.firstMore ? [this.first, ...this.firstMore].flat() : this.first).slice(0, QUOTE_LINES);
  }

  get tail(): string[] {
    return (this.before ? [...this.before, this.last].flat() : this.last).slice(-QUOTE_LINES);
  }
}

/** An attempt has ended (or never will): its quote, when the report shows it; the tail step.finished recorded wins over the window's. */
export function quoteEnded(s: ReportStep, window: OutputWindow | undefined, recordedTail?: string[]): void {
  if (s.status === "passed" && !s.evidence) return;
  if (window) {
    s.head = window.head;
    s.tail = window.tail;
  }
  if (recordedTail?.length) s.tail = recordedTail;
}

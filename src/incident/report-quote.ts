/**
 * A step attempt's output as the report quotes it: the first lines as they came and the last ones,
 * gathered while the attempt runs and kept only for the attempts the report quotes (evidence, and
 * every attempt that did not pass). A passed attempt's lines are counted, not held: a long incident
 * has tens of thousands of them, and holding them was most of the report's memory.
 */
import type { ReportStep } from "./report-model.js";

/** Lines of a step's output quoted from each end. */
export const QUOTE_LINES = 8;

/** The output events' own line arrays, referenced and not copied: most attempts pass, and their window is dropped unread. */
export class OutputWindow {
  private readonly first: Array<readonly string[]> = [];
  private firstLines = 0;
  private readonly last: Array<readonly string[]> = [];
  private lastLines = 0;

  add(lines: readonly string[]): void {
    if (this.firstLines < QUOTE_LINES) {
      this.first.push(lines);
      this.firstLines += lines.length;
    }
    this.last.push(lines);
    this.lastLines += lines.length;
    // Only the batches the last QUOTE_LINES lines come from: a long step has tens of thousands of output events.
    // (shift, not splice: splice makes an array of what it removes, on most output events of a long incident.)
    while (this.last.length > 1 && this.lastLines - this.last[0]!.length >= QUOTE_LINES) this.lastLines -= this.last.shift()!.length;
  }

  get head(): string[] {
    return this.first.flat().slice(0, QUOTE_LINES);
  }

  get tail(): string[] {
    return this.last.flat().slice(-QUOTE_LINES);
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

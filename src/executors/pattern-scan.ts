/**
 * One `matches` / `notMatches` pattern over a stream, until it matches once or runs out of time:
 * on each line (its first LONG_LINE_CHARS), or, for a pattern that names a newline, over a
 * window of whole lines that slides through the output. Every search runs under the deadline.
 */
import { PATTERN_WINDOW_CHARS, spansLines } from "../runbooks/patterns.js";
import { withDeadline } from "../util/regex-deadline.js";
import { LONG_LINE_CHARS, type Piece } from "./stream-text.js";

/** Whole lines gathered before a per-line pattern scans them. */
const BATCH_CHARS = 65_536;
/** A pattern that spans lines sees any run of whole lines up to this long together. */
export const MULTILINE_WINDOW_CHARS = PATTERN_WINDOW_CHARS;

/** One matches / notMatches pattern: until it matches once, or runs out of time. */
export class PatternScan {
  state: "searching" | "matched" | "too-slow" | "invalid" = "searching";
  match = "";
  private readonly re: RegExp | undefined;
  private readonly spans: boolean;
  private context = "";
  private pending = "";

  /**
   * The pattern over a whole piece at once ("gm": ^ and $ at line ends), to find the candidate
   * lines: ten million lines tested one by one cost seconds, one search per piece does not.
   * A line a look-around could judge differently in context is why it is not used with them.
   */
  private readonly sweep: RegExp | undefined;

  constructor(readonly pattern: string) {
    this.spans = spansLines(pattern);
    try {
      // "m" on a single line too: ^ and $ then also match around a lone CR (a progress bar
      // rewriting its line), as they did when the checks ran over the whole text.
      this.re = new RegExp(pattern, "m");
      if (!this.spans && !/\(\?<?[=!]/.test(pattern)) this.sweep = new RegExp(pattern, "gm");
    } catch {
      this.state = "invalid";
    }
  }

  feed(piece: Piece): void {
    if (this.state !== "searching") return;
    if (this.spans) {
      this.pending += piece.text;
      if (this.pending.length >= MULTILINE_WINDOW_CHARS) this.scanWindow();
    } else if (piece.startsLine && piece.endsLine) {
      // Whole lines are gathered into one scan of up to BATCH_CHARS: a slow writer's small
      // chunks would otherwise each pay for a deadline (≈ 60 µs) and a search of their own.
      this.pending += piece.text;
      if (this.pending.length >= BATCH_CHARS) this.scanPending();
    } else {
      this.scanPending();
      this.guarded(() => this.scanLines(piece));
    }
  }

  finish(): void {
    if (this.spans) {
      if (this.state === "searching" && this.pending !== "") this.scanWindow();
    } else this.scanPending();
  }

  private scanPending(): void {
    if (this.pending === "") return;
    const text = this.pending;
    this.pending = "";
    this.guarded(() => this.scanLines({ text, startsLine: true, endsLine: true }));
  }

  private guarded(scan: () => void): void {
    if (this.state !== "searching") return;
    if (!withDeadline(scan).done) this.state = "too-slow";
  }

  /** Each line on its own, without its line ending; a long line by its first segment. */
  private scanLines(piece: Piece): void {
    const { text } = piece;
    let start = 0;
    if (!piece.startsLine) {
      const nl = text.indexOf("\n");
      if (nl === -1) return;
      start = nl + 1;
    }
    while (start < text.length) {
      if (this.sweep) {
        // The leftmost match in the piece is in the first line that matches on its own, or is a
        // false lead (a match across lines): the line says which; go on after it.
        this.sweep.lastIndex = start;
        const m = this.sweep.exec(text);
        if (m === null) return;
        start = m.index === 0 ? 0 : text.lastIndexOf("\n", m.index - 1) + 1;
        // After the piece's last newline there is no line, only the place where the next one starts.
        if (start >= text.length) return;
      }
      const nl = text.indexOf("\n", start);
      if (this.lineMatches(text.slice(start, Math.min(nl === -1 ? text.length : nl, start + LONG_LINE_CHARS)))) return;
      if (nl === -1) return;
      start = nl + 1;
    }
  }

  private lineMatches(raw: string): boolean {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const m = this.re!.exec(line);
    if (m === null) return false;
    this.state = "matched";
    this.match = m[0];
    return true;
  }

  /** The kept whole lines and the new text together; then keep the last whole lines that fit the window. */
  private scanWindow(): void {
    const window = this.context + this.pending;
    this.pending = "";
    this.guarded(() => {
      const m = this.re!.exec(window);
      if (m) {
        this.state = "matched";
        this.match = m[0];
      }
    });
    if (window.length <= MULTILINE_WINDOW_CHARS) this.context = window;
    else {
      const cut = window.length - MULTILINE_WINDOW_CHARS;
      const nl = window.indexOf("\n", cut - 1);
      this.context = nl === -1 || nl + 1 >= window.length ? window.slice(cut) : window.slice(nl + 1);
    }
  }
}

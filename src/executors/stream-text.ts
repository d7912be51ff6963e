/**
 * A stream's text for `expect` / `found` checks: decoded across chunk boundaries, colour codes
 * removed, handed on in pieces of whole lines. Memory stays flat however much is printed: only
 * the line being assembled is kept, and a line longer than LONG_LINE_CHARS goes on in segments.
 */
import { StringDecoder } from "node:string_decoder";
import { PATTERN_LINE_CHARS } from "../runbooks/patterns.js";
import { stripAnsi } from "./output.js";

/** A line longer than this is handed on in segments (a per-line regex sees its first segment only). */
export const LONG_LINE_CHARS = PATTERN_LINE_CHARS;

/**
 * Either whole lines (`endsLine`: the text ends with "\n", or the stream ended), or a segment of
 * one long line (no "\n" in it). `startsLine` is false when the text continues a long line.
 */
export interface Piece {
  text: string;
  startsLine: boolean;
  endsLine: boolean;
}

const ESC = "\u001b";

export class LineChunker {
  private readonly decoder = new StringDecoder("utf8");
  /** The line being assembled: never holds a "\n", never grows past LONG_LINE_CHARS. */
  private carry = "";
  private inLongLine = false;

  constructor(private readonly onPiece: (piece: Piece) => void) {}

  push(chunk: Buffer): void {
    const text = this.decoder.write(chunk);
    if (text === "") return;
    const nl = text.lastIndexOf("\n");
    if (nl === -1) this.carry += text;
    else {
      this.emit(this.carry + text.slice(0, nl + 1), true);
      this.carry = text.slice(nl + 1);
    }
    if (this.carry.length > LONG_LINE_CHARS) {
      this.emit(this.carry, false);
      this.carry = "";
    }
  }

  /** The end of the stream ends its last line, newline or not. */
  finish(): void {
    const rest = this.carry + this.decoder.end();
    this.carry = "";
    if (rest !== "" || this.inLongLine) this.emit(rest, true);
  }

  private emit(raw: string, endsLine: boolean): void {
    // Escapes do not span lines, so whole lines are stripped whole; a segment cut inside one is the rare miss.
    const text = raw.includes(ESC) ? stripAnsi(raw) : raw;
    const startsLine = !this.inLongLine;
    this.inLongLine = !endsLine;
    this.onPiece({ text, startsLine, endsLine });
  }
}

/** Longest text read as a number; a longer last line is "not a number" without being kept. */
const NUMBER_CHARS = 1_000;

/** What the numeric and `empty` checks need of a whole stream: whether anything but white space came, and its last non-blank line. */
export class LastLine {
  nonBlank = false;
  /** The last non-blank line, trimmed; `long` when it was too long to be a number (text is then its start). */
  last: { text: string; long: boolean } | undefined;
  private current: { head: string; overflow: boolean } | undefined;

  feed(piece: Piece): void {
    if (!this.nonBlank && /\S/.test(piece.text)) this.nonBlank = true;
    if (!piece.endsLine) {
      if (piece.startsLine || this.current === undefined) this.current = { head: "", overflow: false };
      this.extend(piece.text);
      return;
    }
    let text = piece.text;
    if (!piece.startsLine && this.current !== undefined) {
      const nl = text.indexOf("\n");
      this.extend(nl === -1 ? text : text.slice(0, nl));
      this.endLong();
      if (nl === -1) return;
      text = text.slice(nl + 1);
    }
    this.lastOf(text);
  }

  private lastOf(text: string): void {
    let end = text.endsWith("\n") ? text.length - 1 : text.length;
    for (;;) {
      const nl = end === 0 ? -1 : text.lastIndexOf("\n", end - 1);
      const line = text.slice(nl + 1, end);
      if (/\S/.test(line)) {
        const t = line.trim();
        this.last = t.length > NUMBER_CHARS ? { text: t.slice(0, 100), long: true } : { text: t, long: false };
        return;
      }
      if (nl < 0) return;
      end = nl;
    }
  }

  private extend(part: string): void {
    const c = this.current!;
    let rest = c.head === "" ? part.trimStart() : part;
    const room = NUMBER_CHARS + 1 - c.head.length;
    if (room > 0) {
      c.head += rest.slice(0, room);
      rest = rest.slice(room);
    }
    if (!c.overflow && /\S/.test(rest)) c.overflow = true;
  }

  private endLong(): void {
    const c = this.current!;
    this.current = undefined;
    const t = c.head.trim();
    if (t === "") return;
    this.last = c.overflow || t.length > NUMBER_CHARS ? { text: t.slice(0, 100), long: true } : { text: t, long: false };
  }
}

/**
 * The position of the fast YAML reader (yaml-fast.ts) in its text, and the moves between lines that
 * every part of it shares. Each move mirrors what js-yaml's loader does at the same place; where the
 * two could differ, the reader declines (Decline) and js-yaml reads the file instead.
 */

export const NL = 0x0a;
export const SPACE = 0x20;
export const HASH = 0x23;
export const COLON = 0x3a;
export const DASH = 0x2d;
export const DOT = 0x2e;

/** Thrown to say "not in the subset I read exactly": never a problem of the file, only of the reader. */
export class Decline {
  constructor(readonly reason: string) {}
}

export function decline(reason: string): never {
  throw new Decline(reason);
}

export function isWsOrEol(c: number): boolean {
  // Tabs and carriage returns never reach the reader (yaml-fast.ts declines them), and 0 is the end.
  return c === SPACE || c === NL || c === 0;
}

export function isFlowIndicator(c: number): boolean {
  return c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d;
}

export class Cursor {
  pos = 0;
  /** Offset of the start of the current line. */
  lineStart = 0;
  /** Indentation of the current content line (seek); -1 at the end of the text. */
  indent = 0;
  /** Where the text ends: `src` holds a NUL there (js-yaml's terminator), which reads as the end wherever a character is read. */
  readonly len: number;

  /** `src`: the text, ending with a line break and then a NUL (yaml-fast.ts adds them; the text has no other NUL). */
  constructor(readonly src: string) {
    this.len = src.length - 1;
  }

  skipSpaces(): number {
    let c = this.src.charCodeAt(this.pos);
    while (c === SPACE) c = this.src.charCodeAt(++this.pos);
    return c;
  }

  /** After a node on its line: only spaces and a comment may follow it before the line ends. */
  endLine(): void {
    let c = this.skipSpaces();
    if (c === HASH) {
      const nl = this.src.indexOf("\n", this.pos);
      this.pos = nl < 0 ? this.len : nl;
      c = this.src.charCodeAt(this.pos);
    }
    if (c !== NL && c !== 0) decline("more on the line after a node");
    if (c === NL) this.pos++;
    this.lineStart = this.pos;
    this.seek();
  }

  /**
   * From the start of a line, past blank and comment lines to the first character of the next
   * content line, its indentation in `indent` (-1 at the end). A document marker there is declined.
   */
  seek(): void {
    for (;;) {
      let c = this.src.charCodeAt(this.pos);
      while (c === SPACE) c = this.src.charCodeAt(++this.pos);
      if (c === 0) {
        this.indent = -1;
        return;
      }
      if (c === HASH || c === NL) {
        const nl = this.src.indexOf("\n", this.pos);
        this.pos = nl < 0 ? this.len : nl + 1;
        this.lineStart = this.pos;
        continue;
      }
      this.indent = this.pos - this.lineStart;
      if (this.indent === 0 && this.atDocumentMarker()) decline("a document marker");
      return;
    }
  }

  /** `---` or `...` followed by a space or the line's end (the caller is at a line's start). */
  atDocumentMarker(): boolean {
    const c = this.src.charCodeAt(this.pos);
    return (c === DASH || c === DOT) && this.src.charCodeAt(this.pos + 1) === c && this.src.charCodeAt(this.pos + 2) === c && isWsOrEol(this.src.charCodeAt(this.pos + 3));
  }

  /**
   * Spaces, line breaks and comments between the tokens of a flow collection (js-yaml's
   * skipSeparationSpace with comments). Whether a line break was crossed.
   */
  flowSpace(): boolean {
    let crossed = false;
    for (;;) {
      let c = this.skipSpaces();
      if (c === HASH) {
        const nl = this.src.indexOf("\n", this.pos);
        this.pos = nl < 0 ? this.len : nl;
        c = this.src.charCodeAt(this.pos);
      }
      if (c !== NL) return crossed;
      crossed = true;
      this.lineStart = ++this.pos;
      if (this.atDocumentMarker()) decline("a document marker inside a flow collection");
    }
  }
}

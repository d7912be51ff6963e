/**
 * A Kubernetes list (`{"kind":…,"metadata":…,"items":[…]}`) read as it arrives: each item is
 * handed out as soon as its closing brace is in, so the panel can show the first pods of 5,000
 * while the rest are still on the wire. The list without its items (kind, metadata and its
 * resourceVersion) is parsed at the end.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Depths: the list object is 1, its items array 2, each item 3. */
const ITEM_DEPTH = 3;

/**
 * The API server writes each item as `{"metadata":…}`: the next `},{"metadata":` (or the `}]`
 * closing the items) is where an item most likely ends. JSON.parse, native and twice as fast as
 * scanning character by character here, says whether it does: a slice that stops inside a string
 * or a nested object is not valid JSON. Undefined when there is no such end yet (the caller scans).
 */
function wholeItem(t: string, start: number): { end: number; item: unknown } | undefined {
  let end = t.indexOf('},{"metadata":', start);
  if (end < 0) end = t.indexOf("}]", start);
  if (end < 0) return undefined;
  try {
    return { end, item: JSON.parse(t.slice(start, end + 1)) };
  } catch {
    return undefined;
  }
}

export class ListReader {
  /** Text not yet handed out or folded into `shell`; `pos` is how far it has been scanned. */
  private text = "";
  private pos = 0;
  /** The list without its items, as far as it has been read. */
  private shell = "";
  private mode: "head" | "items" | "tail" = "head";
  private depth = 0;
  private inString = false;
  private escaped = false;
  private stringStart = 0;
  /** At depth 1: the last string seen, and the key whose value comes next. */
  private lastString = "";
  private key: string | undefined;
  private itemStart = -1;
  private tailStart = 0;

  /** Feed the next piece of the body; returns the items it completed, parsed. */
  push(chunk: string): unknown[] {
    this.text += chunk;
    const items: unknown[] = [];
    const t = this.text;
    let i = this.pos;
    for (; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.depth === 1) this.lastString = t.slice(this.stringStart + 1, i);
        }
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        this.stringStart = i;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.depth++;
        if (this.mode === "head" && this.depth === 2 && c === OPEN_BRACKET && this.key === "items") {
          this.mode = "items";
          this.shell += t.slice(0, i + 1);
        } else if (this.mode === "items" && this.depth === ITEM_DEPTH && c === OPEN_BRACE) {
          const whole = wholeItem(t, i);
          if (!whole) this.itemStart = i;
          else {
            items.push(whole.item);
            this.depth--;
            i = whole.end;
          }
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (this.mode === "items" && this.depth === ITEM_DEPTH && c === CLOSE_BRACE) {
          items.push(JSON.parse(t.slice(this.itemStart, i + 1)));
          this.itemStart = -1;
        } else if (this.mode === "items" && this.depth === 2) {
          // The items' closing bracket: what follows (the rest of the list) is kept whole, it is small.
          this.mode = "tail";
          this.tailStart = i;
        }
        this.depth--;
      } else if (this.depth === 1 && c === COLON) {
        this.key = this.lastString;
      } else if (this.depth === 1 && c === COMMA) {
        this.key = undefined;
      }
    }
    // Drop what is no longer needed: between items, everything scanned; inside one, what precedes it.
    if (this.mode === "items") {
      const keep = this.itemStart >= 0 ? this.itemStart : i;
      this.text = t.slice(keep);
      if (this.itemStart >= 0) this.itemStart -= keep;
      this.pos = i - keep;
    } else {
      this.pos = i;
    }
    return items;
  }

  /** The list without its items (its metadata, or a Status), once the body has ended; throws if it is not JSON. */
  end(): Record<string, unknown> {
    const whole = this.mode === "head" ? this.text : this.mode === "items" ? `${this.shell}]` : `${this.shell}${this.text.slice(this.tailStart)}`;
    return JSON.parse(whole) as Record<string, unknown>;
  }
}

/**
 * A reader for the YAML that runbooks are written in, several times faster than js-yaml: block
 * mappings and sequences, flow collections, plain and quoted scalars on one line, block scalars,
 * comments, anchors and aliases. It gives the data js-yaml would give, or declines: on anything
 * else (tags, directives, several documents, tabs, keys given twice, a scalar over several lines,
 * whatever js-yaml would reject), and js-yaml then reads the file as before (load.ts quickParse).
 * test/runbooks/yaml-fast.test.ts holds the two to the same answer over real and mutated runbooks.
 */
import { COLON, Cursor, DASH, Decline, NL, decline, isWsOrEol } from "./yaml-fast-cursor.js";
import { blockScalar, plainKey, plainRaw, plainStarts, quoted, resolvePlain } from "./yaml-fast-scalars.js";

/** `nodes`: how many the data holds once every alias is written out (load.ts bounds it, as it bounds js-yaml's). */
export type FastRead = { data: Record<string, unknown>; aliases: boolean; nodes: number } | { declined: string };

/** Tabs, carriage returns, a BOM, C0/C1 controls, surrogates, U+FFFE/FFFF: js-yaml's business. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for.
export const UNSUPPORTED_TEXT = /[\x00-\x09\x0B-\x1F\x7F-\x9F\uD800-\uDFFF\uFEFF\uFFFE\uFFFF]/;

/** js-yaml stops at 100 levels; runbooks use about ten. */
const MAX_DEPTH = 50;

/**
 * The text's data as js-yaml (core schema) reads it, when the text is a mapping in the subset read here.
 * `plain`: the caller has found none of UNSUPPORTED_TEXT's characters in it (text-scan.ts, on its bytes).
 */
export function readFastYaml(text: string, plain = false): FastRead {
  if (!plain && UNSUPPORTED_TEXT.test(text)) return { declined: "a tab, carriage return, control or astral character" };
  // js-yaml reads the text with a line break at its end; the NUL after it marks the end for every read (Cursor).
  // Joined rather than added: the reader gets one flat string, where `+` makes a pair that every read would go through.
  const reader = new Reader([text, text.endsWith("\n") ? "\0" : "\n\0"].join(""));
  try {
    return { data: reader.document(), aliases: reader.aliases, nodes: reader.nodes };
  } catch (e) {
    if (e instanceof Decline) return { declined: e.reason };
    throw e;
  }
}

/** A mapping's key is given twice when it holds fewer keys than were read (a look-up per key cost more, as js-yaml pays it). */
function keyRepeated(map: Record<string, unknown>, keysRead: number): boolean {
  return Object.keys(map).length !== keysRead;
}

class Reader extends Cursor {
  aliases = false;
  /** Nodes read, an alias counting as many as its anchor's node holds. */
  nodes = 0;
  private depth = 0;
  private readonly anchors = new Map<string, { value: unknown; nodes: number }>();
  /** Anchors whose node is being read: js-yaml would let an alias inside it name the unfinished node. */
  private readonly open = new Set<string>();

  document(): Record<string, unknown> {
    this.seek();
    if (this.indent !== 0) decline("not a mapping at the first column");
    const c = this.src.charCodeAt(this.pos);
    if (c === 0x25 || (c === DASH && isWsOrEol(this.src.charCodeAt(this.pos + 1)))) decline("a directive or a top-level list");
    // It returns at the end of the text: a line at the first column is one of its keys, or declined.
    return this.mapping(0);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) decline("nesting too deep");
    this.nodes++;
  }

  /** A block mapping whose keys are at column `n`, from its first key; ends at the first line less indented. */
  private mapping(n: number): Record<string, unknown> {
    this.enter();
    const map: Record<string, unknown> = {};
    let keys = 0;
    for (;;) {
      const key = this.key();
      if (key === "__proto__") decline("a __proto__ key");
      this.skipSpaces();
      map[key] = this.value(n, true);
      keys++;
      if (this.indent < n) break;
      if (this.indent > n) decline("a line indented past its mapping");
    }
    if (keyRepeated(map, keys)) decline("a key given twice");
    this.depth--;
    return map;
  }

  /** A block sequence whose dashes are at column `n`. */
  private sequence(n: number): unknown[] {
    this.enter();
    const list: unknown[] = [];
    while (this.indent === n && this.src.charCodeAt(this.pos) === DASH && isWsOrEol(this.src.charCodeAt(this.pos + 1))) {
      this.pos++;
      const c = this.skipSpaces();
      if (c === DASH && isWsOrEol(this.src.charCodeAt(this.pos + 1))) decline("a list in a list on one line");
      list.push(this.keyAhead() ? this.mapping(this.pos - this.lineStart) : this.value(n, false));
      if (this.indent > n) decline("a line indented past its list");
    }
    this.depth--;
    return list;
  }

  /** A mapping or sequence starting at the cursor, on a line of its own indented `m`. */
  private blockNode(m: number): unknown {
    const c = this.src.charCodeAt(this.pos);
    if (c === DASH && isWsOrEol(this.src.charCodeAt(this.pos + 1))) return this.sequence(m);
    if (this.keyAhead()) return this.mapping(m);
    return decline("a scalar on a line of its own");
  }

  /**
   * The value after a key's colon or a sequence's dash, in a collection at column `n` (`inMapping`:
   * a mapping's, where a list may sit at the keys' own column). Ends at the next content line.
   */
  private value(n: number, inMapping: boolean): unknown {
    let c = this.src.charCodeAt(this.pos);
    let anchor: string | undefined;
    const before = this.nodes;
    if (c === 0x26) {
      anchor = this.name();
      if (this.open.has(anchor)) decline("an anchor inside its own node");
      this.open.add(anchor);
      c = this.skipSpaces();
      if (c === 0x2a) decline("an alias with an anchor");
    }
    let v: unknown;
    if (c === NL || c === 0 || c === 0x23) {
      this.endLine();
      const m = this.indent;
      if (m > n) v = this.blockNode(m);
      else if (inMapping && m === n && this.src.charCodeAt(this.pos) === DASH && isWsOrEol(this.src.charCodeAt(this.pos + 1))) v = this.sequence(n);
      else if (anchor !== undefined) decline("an anchor on an empty value");
      // js-yaml reads a dash after an empty entry as the list's next entry, however little it is indented.
      else if (!inMapping && m < n && m >= 0) decline("an empty list entry before a less indented line");
      else {
        v = null;
        this.nodes++;
      }
    } else {
      if (c === 0x7c || c === 0x3e) {
        v = blockScalar(this, n + 1);
        this.nodes++;
        this.seek();
      } else {
        v = this.inline(false);
        this.endLine();
      }
      if (this.indent > n) decline("a line indented past its node (a multi-line scalar?)");
    }
    if (anchor !== undefined) {
      this.open.delete(anchor);
      this.anchors.set(anchor, { value: v, nodes: this.nodes - before });
    }
    return v;
  }

  /**
   * A node that starts and, unless it is a flow collection, ends on this line: quoted, plain, flow,
   * alias. A plain one ending at `: ` is declined (a mapping's key is read by key() or flow()).
   */
  private inline(inFlow: boolean): unknown {
    const c = this.src.charCodeAt(this.pos);
    if (c === 0x26 && inFlow) return this.anchoredInFlow();
    if (c === 0x5b || c === 0x7b) return this.flow();
    if (c === 0x2a) {
      const name = this.name();
      // An alias inside the node of its own anchor: js-yaml would name the unfinished node.
      const anchored = this.open.has(name) ? undefined : this.anchors.get(name);
      if (anchored === undefined) decline("an alias to no anchor, or to the node it is in");
      this.aliases = true;
      this.nodes += anchored.nodes;
      return anchored.value;
    }
    this.nodes++;
    if (c === 0x22 || c === 0x27) return quoted(this);
    if (!plainStarts(this, inFlow)) decline("a node the reader leaves to js-yaml");
    const raw = plainRaw(this, inFlow);
    const end = this.src.charCodeAt(this.pos);
    if (end === COLON) decline("a mapping where a scalar was expected");
    if (end === NL && inFlow && !this.flowEntryEndsHere()) decline("a plain scalar that may go on over lines in a flow collection");
    return resolvePlain(raw);
  }

  /** Whether what follows the line's end (after blank space) ends a flow entry, so that the plain scalar before it ends at the line. */
  private flowEntryEndsHere(): boolean {
    let i = this.pos;
    let c = this.src.charCodeAt(i);
    while (c === NL || c === 0x20) c = this.src.charCodeAt(++i);
    return c === 0x2c || c === 0x5d || c === 0x7d || c === 0x23;
  }

  /** A flow collection's entry with an anchor (`&name node`). */
  private anchoredInFlow(): unknown {
    const anchor = this.name();
    if (this.open.has(anchor)) decline("an anchor inside its own node");
    this.flowSpace();
    const c = this.src.charCodeAt(this.pos);
    if (c === 0x2a || c === 0x26 || c === 0x2c || c === 0x5d || c === 0x7d) decline("an anchor on an alias, an anchor or nothing");
    this.open.add(anchor);
    const before = this.nodes;
    const v = this.inline(true);
    this.open.delete(anchor);
    this.anchors.set(anchor, { value: v, nodes: this.nodes - before });
    return v;
  }

  /** An anchor's or alias's name (the cursor at its `&` or `*`). */
  private name(): string {
    const start = ++this.pos;
    let c = this.src.charCodeAt(this.pos);
    while (!isWsOrEol(c) && c !== 0x2c && c !== 0x5b && c !== 0x5d && c !== 0x7b && c !== 0x7d) c = this.src.charCodeAt(++this.pos);
    if (this.pos === start) decline("an empty anchor or alias name");
    return this.src.slice(start, this.pos);
  }

  /** Whether a `key:` (plain or quoted, on this line) starts at the cursor; the cursor does not move. */
  private keyAhead(): boolean {
    const c = this.src.charCodeAt(this.pos);
    if (c !== 0x22 && c !== 0x27 && !plainStarts(this, false)) return false;
    const at = this.pos;
    try {
      if (c === 0x22 || c === 0x27) quoted(this);
      else plainRaw(this, false);
      return this.skipSpaces() === COLON && isWsOrEol(this.src.charCodeAt(this.pos + 1));
    } catch (e) {
      if (e instanceof Decline) return false;
      throw e;
    } finally {
      this.pos = at;
    }
  }

  /** A block mapping's key and its colon: the cursor ends after the colon. */
  private key(): string {
    const c = this.src.charCodeAt(this.pos);
    let key: string;
    if (c === 0x22 || c === 0x27) key = quoted(this);
    else if (plainStarts(this, false)) key = plainKey(this, false);
    else return decline("a key the reader leaves to js-yaml");
    if (this.skipSpaces() !== COLON || !isWsOrEol(this.src.charCodeAt(this.pos + 1))) decline("a line that is not a key");
    this.pos++;
    return key;
  }

  /** A flow collection (`[…]` or `{…}`), over as many lines as it takes. */
  private flow(): unknown[] | Record<string, unknown> {
    this.enter();
    const mapping = this.src.charCodeAt(this.pos) === 0x7b;
    const close = mapping ? 0x7d : 0x5d;
    const out: unknown[] | Record<string, unknown> = mapping ? {} : [];
    this.pos++;
    let more = true;
    let keys = 0;
    for (;;) {
      this.flowSpace();
      const c = this.src.charCodeAt(this.pos);
      if (c === close) break;
      if (!more || c === 0x2c || c === 0 || ((c === 0x3f || c === COLON) && isWsOrEol(this.src.charCodeAt(this.pos + 1)))) decline("a flow collection the reader leaves to js-yaml");
      if (mapping) {
        // A key ending at the line's end is declined below: its colon must follow on its line.
        const name = c === 0x22 || c === 0x27 ? quoted(this) : plainStarts(this, true) ? plainKey(this, true) : decline("a flow key the reader leaves to js-yaml");
        if (this.skipSpaces() !== COLON) decline("a flow mapping entry without a value");
        this.pos++;
        this.flowSpace();
        const v = this.src.charCodeAt(this.pos);
        if (v === 0x2c || v === close) decline("an empty value in a flow mapping");
        if (name === "__proto__") decline("a __proto__ key");
        (out as Record<string, unknown>)[name] = this.inline(true);
        keys++;
      } else {
        (out as unknown[]).push(this.inline(true));
        this.flowSpace();
        if (this.src.charCodeAt(this.pos) === COLON) decline("a pair in a flow sequence");
      }
      this.flowSpace();
      more = this.src.charCodeAt(this.pos) === 0x2c;
      if (more) this.pos++;
    }
    if (mapping && keyRepeated(out as Record<string, unknown>, keys)) decline("a key given twice");
    this.pos++;
    this.depth--;
    return out;
  }
}

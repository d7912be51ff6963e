/**
 * Scalars for the fast YAML reader (yaml-fast.ts): quoted on one line, plain on one line, and block
 * scalars (`|`, `>`), each read as js-yaml's loader reads it. Plain scalars resolve through js-yaml's
 * own core-schema types, so `1.0`, `~` or `0x1F` become what js-yaml makes of them.
 */
import jsyaml from "js-yaml";
import { COLON, Cursor, HASH, NL, SPACE, decline, isFlowIndicator, isWsOrEol } from "./yaml-fast-cursor.js";

/** The types js-yaml tries on a plain scalar under the core schema (null, bool, int, float), in its order. */
const IMPLICIT = (jsyaml.CORE_SCHEMA as unknown as { compiledImplicit: jsyaml.Type[] }).compiledImplicit;

/** First characters of a plain scalar that a core-schema type may claim: `~`, digits, + - . (2), and n N t T f F (1). */
const MAYBE_TYPED = new Uint8Array(128);
for (const ch of "~0123456789+-.") MAYBE_TYPED[ch.charCodeAt(0)] = 2;
for (const ch of "nNtTfF") MAYBE_TYPED[ch.charCodeAt(0)] = 1;

/**
 * Plain scalars js-yaml and YAML 1.2's core schema (the located parse) read differently: `0b11`,
 * `-0b1`, `-.5`. The reader declines them, and the loader leaves such a file to the located parse
 * (quick-load.ts quickUnsafe).
 */
const READ_OTHERWISE = /^[-+]?0b[01]|^[-+]\.\d/;

/** A plain scalar's value under js-yaml's core schema. */
export function resolvePlain(raw: string): unknown {
  const maybe = MAYBE_TYPED[raw.charCodeAt(0)];
  // Led by a letter, only null, true and false in their three spellings are typed: keys like `title` are not.
  if (maybe === undefined || maybe === 0 || (maybe === 1 && raw.length > 5)) return raw;
  if (maybe === 2 && READ_OTHERWISE.test(raw)) decline("a number js-yaml and the located parse read differently");
  for (const type of IMPLICIT) if (type.resolve(raw)) return type.construct(raw);
  return raw;
}

/** Characters that cannot start a plain scalar (js-yaml readPlainScalar). */
const NOT_PLAIN_START = new Uint8Array(128);
for (const ch of ",[]{}#&*!|>'\"%@`") NOT_PLAIN_START[ch.charCodeAt(0)] = 1;

/** Whether a plain scalar starts at the cursor (`inFlow`: within a flow collection). */
export function plainStarts(cur: Cursor, inFlow: boolean): boolean {
  const c = cur.src.charCodeAt(cur.pos);
  if (isWsOrEol(c) || (c < 128 && NOT_PLAIN_START[c] === 1)) return false;
  if (c === 0x3f || c === 0x2d || c === COLON) {
    const next = cur.src.charCodeAt(cur.pos + 1);
    if (isWsOrEol(next) || (inFlow && isFlowIndicator(next))) return false;
  }
  return true;
}

/** Characters a plain scalar may end at (line break, `:`, `#`), and in a flow collection its indicators too. */
const BLOCK_STOP = new Uint8Array(128);
const FLOW_STOP = new Uint8Array(128);
for (const ch of "\0\n:#") BLOCK_STOP[ch.charCodeAt(0)] = FLOW_STOP[ch.charCodeAt(0)] = 1;
for (const ch of ",[]{}") FLOW_STOP[ch.charCodeAt(0)] = 1;

/**
 * The raw text of a plain scalar that ends on its line: at a comment, the line's end, a `: ` (the
 * caller decides what that makes it), or in a flow collection a flow indicator. The cursor is left
 * where it ended. A plain scalar that would go on to the next line is declined by the caller.
 */
export function plainRaw(cur: Cursor, inFlow: boolean): string {
  const start = cur.pos;
  return cur.src.slice(start, plainEnd(cur, inFlow));
}

/** Keys read before, by length and first character, with the key each gives (at most KEYS_KEPT). */
const KEYS = new Map<number, Array<[raw: string, key: string]>>();
const KEYS_KEPT = 2_000;
let keysKept = 0;

/**
 * A plain scalar as a mapping's key: js-yaml's value of it, as a string. A key read before is the
 * same string again, which V8 has made a property name already: storing it skips the look-up of
 * its text that a new copy costs (keys repeat in every step of every runbook).
 */
export function plainKey(cur: Cursor, inFlow: boolean): string {
  const start = cur.pos;
  const end = plainEnd(cur, inFlow);
  const bucket = ((end - start) << 16) | cur.src.charCodeAt(start);
  const known = KEYS.get(bucket);
  if (known !== undefined) for (const [raw, key] of known) if (raw.length === end - start && cur.src.startsWith(raw, start)) return key;
  const raw = cur.src.slice(start, end);
  const key = String(resolvePlain(raw));
  if (keysKept < KEYS_KEPT) {
    keysKept++;
    if (known !== undefined) known.push([raw, key]);
    else KEYS.set(bucket, [[raw, key]]);
  }
  return key;
}

/** plainRaw's scan: where the scalar's text ends (trailing spaces left out); the cursor is left where the scan stopped. */
function plainEnd(cur: Cursor, inFlow: boolean): number {
  const src = cur.src;
  const stop = inFlow ? FLOW_STOP : BLOCK_STOP;
  const start = cur.pos;
  let end = start;
  let i = start;
  for (;;) {
    const c = src.charCodeAt(i);
    if (c < 128) {
      if (stop[c] === 1) {
        if (c === NL || c === 0) break;
        if (c === COLON) {
          const next = cur.src.charCodeAt(i + 1);
          if (isWsOrEol(next) || (inFlow && isFlowIndicator(next))) break;
        } else if (c === HASH) {
          if (src.charCodeAt(i - 1) === SPACE) break;
        } else break;
      }
    }
    i++;
    if (c !== SPACE) end = i;
  }
  cur.pos = i;
  return end;
}

const SIMPLE_ESCAPES: Record<string, string> = { "0": "\x00", a: "\x07", b: "\x08", t: "\x09", n: "\x0A", v: "\x0B", f: "\x0C", r: "\x0D", e: "\x1B", " ": " ", '"': '"', "/": "/", "\\": "\\", N: "\x85", _: "\xA0", L: "\u2028", P: "\u2029" };

/** A quoted scalar (single or double, at the cursor) closed on its line. */
export function quoted(cur: Cursor): string {
  const src = cur.src;
  const quote = cur.src.charCodeAt(cur.pos);
  let i = ++cur.pos;
  let start = i;
  let out = "";
  for (;;) {
    const c = src.charCodeAt(i);
    // Most characters are none of the quote, a backslash, a line break or the end.
    if (c !== quote && c !== 0x5c && c !== NL && c !== 0) {
      i++;
      continue;
    }
    if (c === quote) {
      out += src.slice(start, i);
      // '' is a quote in a single-quoted scalar.
      if (quote !== 0x27 || cur.src.charCodeAt(i + 1) !== 0x27) {
        cur.pos = i + 1;
        return out;
      }
      out += "'";
      i += 2;
      start = i;
    } else if (c === NL || c === 0) {
      decline("a quoted scalar over several lines");
    } else if (c === 0x5c && quote === 0x22) {
      out += src.slice(start, i);
      const e = src[i + 1] ?? "";
      const simple = SIMPLE_ESCAPES[e];
      const digits = e === "x" ? 2 : e === "u" ? 4 : 0;
      const hex = src.slice(i + 2, i + 2 + digits);
      if (simple !== undefined) out += simple;
      else if (digits > 0 && hex.length === digits && /^[0-9a-fA-F]+$/.test(hex)) out += String.fromCharCode(parseInt(hex, 16));
      else decline("an escape the reader leaves to js-yaml");
      i += 2 + digits;
      start = i;
    } else i++;
  }
}

/**
 * A block scalar (`|` or `>` with its chomping and indentation indicators), js-yaml's readBlockScalar
 * step for step; `nodeIndent` is one more than the indentation of the collection it is in. The cursor
 * ends at the start of the line after it.
 */
export function blockScalar(cur: Cursor, nodeIndent: number): string {
  const folding = cur.src.charCodeAt(cur.pos) === 0x3e;
  let chomping = 0; // 0 clip, 1 keep, -1 strip
  let detected = false;
  let textIndent = nodeIndent;
  let c = cur.src.charCodeAt(++cur.pos);
  for (; ; c = cur.src.charCodeAt(++cur.pos)) {
    if (c === 0x2b || c === 0x2d) {
      if (chomping !== 0) decline("a repeated chomping indicator");
      chomping = c === 0x2b ? 1 : -1;
    } else if (c >= 0x31 && c <= 0x39 && !detected) {
      textIndent = nodeIndent + (c - 0x30) - 1;
      detected = true;
    } else break;
  }
  // A comment only after a space (`|#` is not a header js-yaml reads).
  if (c === SPACE) {
    c = cur.skipSpaces();
    if (c === HASH) {
      const nl = cur.src.indexOf("\n", cur.pos);
      cur.pos = nl < 0 ? cur.len : nl;
      c = cur.src.charCodeAt(cur.pos);
    }
  }
  if (c !== NL) decline("a block scalar header the reader leaves to js-yaml");
  let out = "";
  let read = false;
  let empty = 0;
  let moreIndented = false;
  for (;;) {
    // At the line break that ends the header or the previous line.
    cur.lineStart = ++cur.pos;
    let indent = 0;
    c = cur.src.charCodeAt(cur.pos);
    while ((!detected || indent < textIndent) && c === SPACE) {
      indent++;
      c = cur.src.charCodeAt(++cur.pos);
    }
    if (!detected && indent > textIndent) textIndent = indent;
    if (c === NL) {
      empty++;
      continue;
    }
    if (!detected && textIndent === 0) decline("a block scalar without indentation");
    if (indent < textIndent) {
      if (chomping === 1) out += "\n".repeat(read ? 1 + empty : empty);
      else if (chomping === 0 && read) out += "\n";
      cur.pos = cur.lineStart;
      return out;
    }
    if (!folding) out += "\n".repeat(read ? 1 + empty : empty);
    else if (c === SPACE) {
      moreIndented = true;
      out += "\n".repeat(read ? 1 + empty : empty);
    } else if (moreIndented) {
      moreIndented = false;
      out += "\n".repeat(empty + 1);
    } else if (empty === 0) {
      if (read) out += " ";
    } else out += "\n".repeat(empty);
    read = true;
    detected = true;
    empty = 0;
    const nl = cur.src.indexOf("\n", cur.pos);
    const end = nl < 0 ? cur.len : nl;
    out += cur.src.slice(cur.pos, end);
    cur.pos = end;
    // The text always ends with a line break (yaml-fast.ts adds one, as js-yaml does).
  }
}

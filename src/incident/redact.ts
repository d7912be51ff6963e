/**
 * Masking before anything reaches the incident file, the report or the screen: the values of
 * `secret` inputs, and text that looks like a credential (redact-rules.ts). Line-based, with
 * state for key blocks, which span lines.
 */
import { CUT, isCutLine } from "../executors/output.js";
import { BLANK, KEY_END, MASK, maskCredentials, MIN_SECRET_CHARS, maskKeyBlocks, orphanBody, triggered } from "./redact-rules.js";
import { encodedForms } from "./secret-forms.js";

export { MASK };

export class Redactor {
  /** The secret values as given: what `with` and `stream` start from (the masked list derives from them). */
  private readonly values: readonly string[];
  private readonly secrets: readonly string[];
  /** The secrets as raw output holds them, read as latin1: their UTF-8 bytes one character each (made on first use). */
  private raw: readonly string[] | undefined;
  private inKey = false;

  constructor(secretValues: readonly string[] = [], derived?: readonly string[]) {
    this.values = secretValues;
    this.secrets = derived ?? maskedTexts(secretValues);
  }

  /** A new Redactor with more secret values (inputs set later). */
  with(values: readonly string[]): Redactor {
    return new Redactor([...this.values, ...values]);
  }

  /** A fresh instance for one stream of output (one step's file): key-block state carries across its chunks, and only its. */
  stream(): Redactor {
    return new Redactor(this.values, this.secrets);
  }

  /** One line; a key block opened by an earlier line of this instance is masked until its END. */
  line(text: string): string {
    if (this.inKey) {
      // Blank lines hold nothing, and a chunk's trailing "" must stay empty.
      if (BLANK.test(text)) return text;
      const end = KEY_END.exec(text);
      if (!end) return MASK;
      this.inKey = false;
      const before = text.slice(0, end.index);
      return `${BLANK.test(before) ? before : MASK}${this.line(text.slice(end.index))}`;
    }
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(MASK);
    const cut = isCutLine(text);
    if (cut) out = maskCutSecret(out, this.secrets);
    if (!triggered(out)) return out;
    if (out.includes("PRIVATE KEY")) {
      const blocks = maskKeyBlocks(out);
      out = blocks.text;
      this.inKey = blocks.open;
    }
    return cut && out.endsWith(CUT) ? maskCutCredential(out) : maskCredentials(out);
  }

  /**
   * Whether any masking could apply to raw output, its bytes read as latin1 (a fast test for bulk
   * output). A secret is looked for as its UTF-8 bytes: one with a non-ASCII character is not
   * itself in such a text, and was once let through unmasked. A text that holds another secret
   * holds the shorter one too, so only those that hold none are looked for (a value's base64 forms
   * nest: 19 searches are 11, ~1.2 ms each over a 78 MB flood).
   */
  mayApply(latin1: string): boolean {
    if (this.inKey || triggered(latin1)) return true;
    this.raw ??= this.secrets.filter((s) => !this.secrets.some((t) => t !== s && s.includes(t))).map((s) => Buffer.from(s, "utf8").toString("latin1"));
    return this.raw.some((s) => latin1.includes(s));
  }

  /** Lines in order, state kept; a batch that begins inside a key block (a tail, a flood's newest lines) masks the body above its END. */
  lines(lines: readonly string[]): string[] {
    const orphan = this.inKey ? undefined : orphanBody(lines);
    return lines.map((l, i) => (orphan && i >= orphan.from && i < orphan.to ? (BLANK.test(l) ? l : MASK) : this.line(l)));
  }

  /** A chunk of this instance's stream (see `stream`): lines as they come, the state kept for the next chunk. */
  chunk(text: string): string {
    return this.lines(text.split("\n")).join("\n");
  }

  /** Any text, line by line (commands, errors, notes), from a fresh state. */
  text(text: string): string {
    return this.stream().chunk(text);
  }
}

/** What is masked for these secret values, longest first (so a secret containing another is masked whole). */
function maskedTexts(secretValues: readonly string[]): string[] {
  // Very short values would mask ordinary text.
  const kept = secretValues.filter((v) => v.length >= MIN_SECRET_CHARS);
  // Masking is line by line, and no line holds a value that spans lines (a key file, a kubeconfig
  // passed in HANDRAIL_INPUT_…): such a value is masked line by line too, each of its lines a secret.
  const lines = kept.flatMap((v) => (/[\r\n]/.test(v) ? v.split(/\r?\n|\r/).map((l) => l.trim()).filter((l) => l.length >= MIN_SECRET_CHARS) : []));
  // A value's encoded forms (base64, URL, JSON: secret-forms.ts) are masked as it is.
  return [...new Set([...kept, ...lines, ...kept.flatMap(encodedForms)])].sort((a, b) => b.length - a.length);
}

/**
 * A line cut short for display (output.ts) may end in the first characters of a secret, which the
 * secret itself, whole, no longer matches: that end is masked too (the longest such start).
 */
function maskCutSecret(line: string, secrets: readonly string[]): string {
  const body = line.slice(0, -CUT.length);
  let longest = 0;
  for (const s of secrets) {
    for (let k = Math.min(s.length - 1, body.length); k > longest; k--) {
      if (body.endsWith(s.slice(0, k))) {
        longest = k;
        break;
      }
    }
  }
  return longest === 0 ? line : `${body.slice(0, -longest)}${MASK}${CUT}`;
}

/** Stands in for the rest of a cut line: letters and digits, as a token goes on. */
const PROBE = "A0".repeat(24);

/**
 * A cut line whose end is a credential cut short (`Bearer abc…`, `--token x…`): too short for its
 * rule, which wants the whole token. The line is masked as if it went on with a token (PROBE);
 * when a rule takes the probe, the credential's start goes with it.
 */
function maskCutCredential(line: string): string {
  const body = line.slice(0, -CUT.length);
  const probed = maskCredentials(body + PROBE);
  if (probed.endsWith(PROBE)) return `${maskCredentials(body)}${CUT}`;
  // A rule of a fixed length may have left the probe's last characters: they are not the line's.
  let k = PROBE.length - 1;
  while (k > 0 && !probed.endsWith(PROBE.slice(-k))) k--;
  return `${probed.slice(0, probed.length - k)}${CUT}`;
}

/**
 * What a credential looks like in text, as pure functions of one line; the Redactor (redact.ts)
 * keeps the state across lines. Every pattern runs in time linear in the line: step output is
 * attacker-shaped, and a line of the per-step file may be 1 MiB long.
 */

export const MASK = "••••••";

/**
 * The shortest secret value masked (redact.ts): a shorter one would mask ordinary text wherever it
 * occurs, so a secret input that short is refused (runbooks/inputs.ts) rather than written in the clear.
 */
export const MIN_SECRET_CHARS = 4;

/**
 * A rule masks everything it matches except its named groups `pre` and `post` (the key, the
 * quotes, the URL around a password), which are kept so the reader still sees what was hidden.
 * Masks never take a quote or a backslash they did not open: `redactor.text` also runs over
 * JSON text, which must still parse afterwards.
 */
const KEY = String.raw`(?<![A-Za-z0-9])(?:(?:pg)?passw(?:or)?d|(?<=_)pwd|secret|token|api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|secret[_-]?access[_-]?key)`;
const SEP = String.raw`\\?["']?\s*[=:]\s*`;
/** A quoted value: `"…"` (escapes allowed; not `","`, which is JSON between two strings), `'…'`, or `\"…\"` inside a JSON string. */
const DQ = String.raw`"(?![,:}\]])(?:[^"\\\n]|\\.)+"`;
const SQ = String.raw`'[^'\n]+'`;
const EDQ = String.raw`\\"[^"\\\n]+\\"`;
const FLAGS = String.raw`password|passwd|token|auth-token|access-token|api-key|apikey|api_key|client-secret|secret`;
const BASE64_TOKEN = String.raw`(?=[A-Za-z0-9._~+/=-]*[0-9]|[A-Za-z0-9._~+/=-]+[A-Z])[A-Za-z0-9._~+/=-]{8,}`;

const RULES: RegExp[] = [
  // A value after Bearer/Basic must look like a token (a digit, or upper case past its first letter), not a word of prose.
  new RegExp(String.raw`\b(?<pre>(?:[Bb]earer|BEARER|[Bb]asic|BASIC)\s+)${BASE64_TOKEN}`, "g"),
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  new RegExp(String.raw`(?<pre>${KEY}${SEP}")(?![,:}\]])(?:[^"\\\n]|\\.)+(?<post>")`, "gi"),
  new RegExp(String.raw`(?<pre>${KEY}${SEP}')[^'\n]+(?<post>')`, "gi"),
  new RegExp(String.raw`(?<pre>${KEY}${SEP}\\")[^"\\\n]+(?<post>\\")`, "gi"),
  new RegExp(String.raw`(?<pre>${KEY}${SEP})[^\s"'&,;\\]{2,}`, "gi"),
  // `--password VALUE` (the `=` form is a key above); a next flag or a $VARIABLE is not a value.
  new RegExp(String.raw`(?<pre>(?<![A-Za-z0-9-])--(?:${FLAGS})\s+)(?:${DQ}|${SQ}|${EDQ}|(?![-$])[^\s"'\\]+)`, "gi"),
  // A URL password may hold `/` (not `//`, the next URL); digits then `/` after the host's colon are a port and a path. Bounded, so a line of `://a:b` repeated stays linear.
  new RegExp(String.raw`(?<pre>:\/\/[^\s/:@"'\\<>]{0,256}:)(?!\d+(?:[/?#\s"'<>]|$))(?:[^\s@"'\\<>/]|\/(?!\/)){1,256}(?<post>@)`, "g"),
  new RegExp(String.raw`(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`, "g"),
  /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abeoprs]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20,}|AIza[0-9A-Za-z_-]{35})/g,
];

const MYSQL_CLIENT = /\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlsh|mariadb|mariadb-dump)\b/;
const GLUED_P = new RegExp(String.raw`(?<pre>\s-p)(?:${DQ}|${SQ}|[^\s"'\\-][^\s"'\\]*)`, "g");

function maskMatch(...args: unknown[]): string {
  const groups = args.at(-1) as Record<string, string | undefined> | undefined;
  return `${groups?.pre ?? ""}${MASK}${groups?.post ?? ""}`;
}

/**
 * The MySQL client takes its password glued to -p (`-ppw`; `-p pw` would be a database name),
 * so `-p…` is masked only after a client's name, within its command (up to `|`, `;`, `&`). Done
 * by segment rather than one regex: a lazy scan from each name was quadratic on a long line.
 */
function mysqlPasswords(line: string): string {
  if (!line.includes("mysql") && !line.includes("mariadb")) return line;
  return line.replace(/[^|;&]+/g, (segment) => {
    const at = segment.search(MYSQL_CLIENT);
    return at < 0 ? segment : `${segment.slice(0, at)}${segment.slice(at).replace(GLUED_P, maskMatch)}`;
  });
}

/** Every credential shape in one line masked (key blocks aside: see maskKeyBlocks). */
export function maskCredentials(line: string): string {
  let out = line;
  for (const rule of RULES) out = out.replace(rule, maskMatch);
  return mysqlPasswords(out);
}

/**
 * One cheap test decides whether a line needs the full set of rules. A URL is looked into past
 * its first `/` only when a colon after the user is not a port: logs are full of URLs with paths.
 * No part repeats over what another part may take, so a long line costs one pass.
 */
const TRIGGER = /bearer|basic|akia|asia|secret|passw|pwd|token|api[_-]?key|gh[pousr]_|github_pat_|xox|glpat-|aiza|:\/\/[^\s/:@]*(?:@|:(?:[^\s/@]*@|(?!\d+(?:[/?#\s]|$))(?:[^\s@/]|\/(?!\/)){0,256}@))|PRIVATE KEY/i;

/**
 * `eyJ` (a JWT, always this case) and the MySQL client names, in a regex of their own: added to
 * TRIGGER they cost V8 its fast scan of the alternation, ~8x slower over a flood's 64 KiB chunk
 * of `seq` output (measured ~70 µs -> ~600 µs); three `includes` cost ~160 µs a chunk of log text
 * (a search per name), this one regex ~30 µs.
 */
const TRIGGER_CASED = /eyJ|mysql|mariadb/;

/**
 * V8 compiles a regex to machine code when it first runs on a long text (or on its second short one),
 * and chooses what its scan looks ahead for from that text. TRIGGER first met an input's value
 * ("api", "shop") and then scanned a flood's output at ~250 MB/s, against ~1.5 GB/s when compiled
 * on varied text (`seq` output; ~2x on log lines); which one a run got depended on what it masked
 * first. So both are compiled here, on every printable ASCII character in turn: past 1,000
 * characters V8 compiles at once, with this text as its sample.
 */
const VARIED = Array.from({ length: 1_100 }, (_, i) => String.fromCharCode(0x20 + (i % 95))).join("");
TRIGGER.test(VARIED);
TRIGGER_CASED.test(VARIED);

/** The fast path for bulk output: whether any rule could match. */
export function triggered(text: string): boolean {
  return TRIGGER.test(text) || TRIGGER_CASED.test(text);
}

const MARKER = String.raw`[A-Z ]*PRIVATE KEY(?: BLOCK)?-----`;
export const KEY_BEGIN = new RegExp(String.raw`-----BEGIN ${MARKER}`);
export const KEY_END = new RegExp(String.raw`-----END ${MARKER}`);
/** The body that follows an open BEGIN on its own line (base64, JSON-escaped newlines). */
const BODY_AFTER_BEGIN = /^(?:\\[nr]|[A-Za-z0-9+/=\s])*/;
export const BLANK = /^\s*$/;

/**
 * Key blocks within one line: a whole block (a JSON-escaped key) has its body masked between
 * the markers; a BEGIN left open masks what follows it and says so, for the lines after it.
 * One scan: each END is looked for from its BEGIN, and the next BEGIN after that END.
 */
export function maskKeyBlocks(line: string): { text: string; open: boolean } {
  const begins = new RegExp(KEY_BEGIN.source, "g");
  const ends = new RegExp(KEY_END.source, "g");
  let out = "";
  let from = 0;
  for (let begin = begins.exec(line); begin; begin = begins.exec(line)) {
    const bodyStart = begin.index + begin[0].length;
    ends.lastIndex = bodyStart;
    const end = ends.exec(line);
    if (!end) {
      const body = BODY_AFTER_BEGIN.exec(line.slice(bodyStart))![0];
      const rest = line.slice(bodyStart + body.length);
      return { text: `${out}${line.slice(from, bodyStart)}${BLANK.test(body) ? body : MASK}${rest}`, open: true };
    }
    const body = line.slice(bodyStart, end.index);
    // A quote between the markers is JSON between two strings, not a body: masking it would break the JSON.
    out += `${line.slice(from, bodyStart)}${BLANK.test(body) || body.includes('"') ? body : MASK}`;
    from = end.index;
    begins.lastIndex = end.index + end[0].length;
  }
  return { text: out + line.slice(from), open: false };
}

/**
 * Lines of a key's body, for a batch that starts inside a block whose BEGIN it never saw: the
 * last may be short, the ones above it are full base64 lines (64 or 70 characters), not words.
 */
const LAST_BODY = /^\s*[A-Za-z0-9+/=]+\s*$/;
const FULL_BODY = /^\s*[A-Za-z0-9+/=]{16,}\s*$/;

/**
 * For a batch that begins inside a key block (a tail whose BEGIN scrolled out, a flood's newest
 * lines): the range [from, to) of body lines above an END with no BEGIN before it, or none.
 */
export function orphanBody(lines: readonly string[]): { from: number; to: number } | undefined {
  let to = -1;
  for (let i = 0; i < lines.length && to < 0; i++) {
    const l = lines[i]!;
    if (!l.includes("PRIVATE KEY")) continue;
    const begin = l.search(KEY_BEGIN);
    const end = l.search(KEY_END);
    if (end >= 0 && (begin < 0 || end < begin)) to = i;
    else if (begin >= 0) return undefined;
  }
  if (to <= 0) return undefined;
  let from = to;
  if (LAST_BODY.test(lines[from - 1]!)) from--;
  while (from > 0 && FULL_BODY.test(lines[from - 1]!)) from--;
  return from < to ? { from, to } : undefined;
}

/** The tokens of runbook bash: words with their quotes and substitutions inside, operators, newlines. */

/** What ends an unquoted word. */
const ENDS_WORD = new Set([" ", "\t", "\n", "\r", ";", "&", "|", "<", ">", "(", ")"]);
/** ENDS_WORD by character code. */
const ENDS = new Uint8Array(128).map((_, k) => (ENDS_WORD.has(String.fromCharCode(k)) ? 1 : 0));
/** The operators of two characters (redirections among them). */
const TWO_OPS = new Set(["&&", "||", ";;", ">>", ">&", "<&", "&>", ">|"]);
/** ASCII that neither ends a word nor starts a quote, an escape or a substitution. */
const PLAIN = new Uint8Array(128).map((_, k) => (k > 32 && k < 127 && !ENDS_WORD.has(String.fromCharCode(k)) && !"\\'\"`$".includes(String.fromCharCode(k)) ? 1 : 0));
/** Where an operator of two characters can start. */
const OP_START = new Set(["<", ">", "&", "|", ";"]);

/** Each with where it starts and ends in the script. */
export type Token = ({ kind: "word"; quoted: boolean } | { kind: "op"; text: string } | { kind: "newline" }) & { line: number; start: number; end: number };

/**
 * Past what starts at `j` when it is an escape, a quote or a substitution (`$( )`, `${ }`, backticks);
 * null when it is none of them; undefined when it never closes. Inside double quotes a `'` is a character.
 * Top-level functions, not closures in tokenize: created once, they are optimized once.
 */
function skipSpecial(src: string, j: number, inDouble = false): number | null | undefined {
  const c = src.charCodeAt(j);
  if (c === 92 /* \\ */) return j + 2;
  if (c === 39 /* ' */ && !inDouble) {
    const end = src.indexOf("'", j + 1);
    return end < 0 ? undefined : end + 1;
  }
  if (c === 34 /* " */ && !inDouble) return skipDouble(src, j + 1);
  if (c === 96 /* ` */) return skipBacktick(src, j + 1);
  if (c === 36 /* $ */) {
    const next = src.charCodeAt(j + 1);
    if (next === 40 /* ( */) return skipParens(src, j + 2);
    if (next === 123 /* { */) return skipBrace(src, j + 2);
  }
  return null;
}

/** Past a balanced `$( … )` starting after its `(`. */
function skipParens(src: string, from: number): number | undefined {
  let depth = 1;
  for (let j = from; j < src.length; ) {
    const past = skipSpecial(src, j);
    if (past === undefined) return undefined;
    if (past !== null) j = past;
    else {
      const c = src.charCodeAt(j++);
      if (c === 40) depth++;
      else if (c === 41 && --depth === 0) return j;
    }
  }
  return undefined;
}

/**
 * Past the `}` closing a `${` whose text starts at `from`. Quotes inside quote, as bash reads them:
 * a `'` in `"${db:?the service's db}"` opens a quote that must close, double quotes around or not.
 */
function skipBrace(src: string, from: number): number | undefined {
  for (let j = from; j < src.length; ) {
    if (src.charCodeAt(j) === 125 /* } */) return j + 1;
    const past = skipSpecial(src, j);
    if (past === undefined) return undefined;
    j = past ?? j + 1;
  }
  return undefined;
}

/** Past the closing `"` of a double-quoted string whose text starts at `from`. */
function skipDouble(src: string, from: number): number | undefined {
  for (let j = from; j < src.length; ) {
    if (src.charCodeAt(j) === 34) return j + 1;
    const past = skipSpecial(src, j, true);
    if (past === undefined) return undefined;
    j = past ?? j + 1;
  }
  return undefined;
}

function skipBacktick(src: string, from: number): number | undefined {
  for (let j = from; j < src.length; ) {
    const c = src.charCodeAt(j);
    if (c === 96) return j + 1;
    j += c === 92 ? 2 : 1;
  }
  return undefined;
}

/** Newlines in src[from, to). */
function newlinesIn(src: string, from: number, to: number): number {
  let count = 0;
  for (let k = src.indexOf("\n", from); k >= 0 && k < to; k = src.indexOf("\n", k + 1)) count++;
  return count;
}

/** Tokens of a script: words (quotes and substitutions kept inside them), operators and newlines; heredoc bodies and comments dropped. */
export function tokenize(src: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const pendingHeredocs: Array<{ delimiter: string; strip: boolean }> = [];
  const n = src.length;

  while (i < n) {
    const c = src[i]!;
    if (c === "\\" && src[i + 1] === "\n") {
      i += 2;
      line++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "\n") {
      tokens.push({ kind: "newline", line, start: i, end: i + 1 });
      i++;
      line++;
      // Heredoc bodies follow the line that opened them: skipped up to each delimiter's line.
      for (const h of pendingHeredocs.splice(0)) {
        for (;;) {
          if (i >= n) return tokens;
          const end = src.indexOf("\n", i);
          const text = src.slice(i, end < 0 ? n : end);
          i = end < 0 ? n : end + 1;
          line++;
          if ((h.strip ? text.replace(/^\t+/, "") : text) === h.delimiter) break;
        }
      }
      continue;
    }
    if (c === "#") {
      const end = src.indexOf("\n", i);
      i = end < 0 ? n : end;
      continue;
    }
    // Operators: only where the character can start one (a slice per word start cost a tenth of the lint).
    const two = OP_START.has(c) ? src.slice(i, i + 2) : "";
    const twoOp = two !== "" && TWO_OPS.has(two);
    if (two === "<<" && src[i + 2] === "<") {
      tokens.push({ kind: "op", text: "<<<", line, start: i, end: i + 3 });
      i += 3;
      continue;
    }
    if (two === "<<") {
      const strip = src[i + 2] === "-";
      let j = i + (strip ? 3 : 2);
      while (src[j] === " " || src[j] === "\t") j++;
      const m = /^(?:'([^'\n]*)'|"([^"\n]*)"|\\?([^\s;&|<>()]+))/.exec(src.slice(j));
      if (!m) return undefined;
      pendingHeredocs.push({ delimiter: m[1] ?? m[2] ?? m[3]!, strip });
      tokens.push({ kind: "op", text: "<<", line, start: i, end: j + m[0].length });
      i = j + m[0].length;
      continue;
    }
    if (twoOp) {
      // Redirections are part of the command, not separators.
      tokens.push({ kind: "op", text: two === "&&" || two === "||" || two === ";;" ? two : "redirect", line, start: i, end: i + 2 });
      i += 2;
      continue;
    }
    if (c === ";" || c === "&" || c === "|" || c === "(" || c === ")") {
      tokens.push({ kind: "op", text: c, line, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === "<" || c === ">") {
      tokens.push({ kind: "op", text: "redirect", line, start: i, end: i + 1 });
      i++;
      continue;
    }
    // A word: up to an unquoted blank or operator, with quotes and substitutions inside it.
    const start = i;
    const startLine = line;
    let quoted = false;
    let special = false;
    while (i < n) {
      const code = src.charCodeAt(i);
      // Plain characters first, by code: this loop is where the lint spends its time.
      if (code < 128 && PLAIN[code] === 1) {
        i++;
        continue;
      }
      if (code < 128 && ENDS[code] === 1) break;
      const past = skipSpecial(src, i);
      if (past === undefined) return undefined;
      if (past === null) i++;
      else {
        // Quoted text is never a keyword (`"if"`); a substitution alone is still a command word.
        if (src[i] !== "$" && src[i] !== "`") quoted = true;
        special = true;
        i = past;
      }
    }
    // Only quotes and substitutions hold newlines inside a word.
    if (special) line += newlinesIn(src, start, i);
    // Its text is sliced only where it is read (a keyword, a command's name): most words never are.
    tokens.push({ kind: "word", line: startLine, quoted, start, end: i });
  }
  return tokens;
}

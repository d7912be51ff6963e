/**
 * A `run` script is `bash -c`: its exit status is its last command's. A script of several commands
 * whose earlier ones can fail unseen is a step that can pass while what it did failed (four `git
 * tag` lines, the first refused, the last made: passed). This finds, in a script, the first command
 * before the last whose failure nothing handles: no `set -e` (or `-o errexit`) before it, no `||`
 * after it, not a test (`[ … ] && …`), an assignment, a builtin that only prints or sets, a compound
 * command (`if`, loops, `case`, `{ }`, `( )`: what they do inside is theirs), or a background job.
 *
 * A lexer of the bash that runbooks hold, not a parser: quotes, `$( )` and backticks, heredocs,
 * comments, line continuations, and the compound commands' keywords. Where it is unsure it says
 * nothing: `validate` reports what it finds as a warning, never a failure.
 */
import type { LintProblem } from "./lint.js";
import { formatPath, type PathSegment, type RunbookProblem } from "./problems.js";
import type { Runbook, Step } from "./schema.js";

/** A command whose failure the rest of the script ignores: its text (first line) and 1-based line in the script. */
export interface UncheckedCommand {
  text: string;
  line: number;
}

/** Builtins that print, set or wait: their failure is not what the step checks. */
const QUIET = new Set(["echo", "printf", ":", "true", "set", "shopt", "export", "local", "declare", "typeset", "readonly", "unset", "trap", "sleep", "read", "shift", "return", "exit", "umask", "alias", "wait"]);
/** A test heading `test && action`: its failure is the condition being false. */
const TESTS = new Set(["[", "[[", "test", "false"]);
/** A keyword at the start of a command and what closes it; a loop's `do` turns its pending "do" into "done". */
const OPENERS = new Map([["if", "fi"], ["case", "esac"], ["for", "do"], ["while", "do"], ["until", "do"], ["select", "do"], ["{", "}"]]);
const CLOSERS = new Set(["fi", "esac", "done", "}"]);
/** Compound commands (and `!`, `time`): what they run is theirs to check. */
const COMPOUND = new Set(["(", "!", "if", "case", "for", "while", "until", "select", "{", "function", "time"]);
/** What ends an unquoted word. */
const ENDS_WORD = new Set([" ", "\t", "\n", "\r", ";", "&", "|", "<", ">", "(", ")"]);
/** ENDS_WORD by character code. */
const ENDS = new Uint8Array(128).map((_, k) => (ENDS_WORD.has(String.fromCharCode(k)) ? 1 : 0));
/** The operators of two characters (redirections among them). */
const TWO_OPS = new Set(["&&", "||", ";;", ">>", ">&", "<&", "&>", ">|"]);
/** Operators after which a new command starts. */
const COMMAND_AFTER_OP = new Set([";", "&", "&&", "||", "|", "(", ")", ";;"]);
/** Keywords after which a new command starts (`then cmd`, `do cmd`, `! cmd`). */
const COMMAND_AFTER_WORD = new Set(["then", "else", "elif", "do", "{", "!", "if", "while", "until", "time"]);
/** Every word the splitter treats specially at the start of a command: none is longer than 6 characters. */
const KEYWORDS = new Set([...COMMAND_AFTER_WORD, "fi", "esac", "done", "}", "case", "for", "select"]);
/** ASCII that neither ends a word nor starts a quote, an escape or a substitution. */
const PLAIN = new Uint8Array(128).map((_, k) => (k > 32 && k < 127 && !ENDS_WORD.has(String.fromCharCode(k)) && !"\\'\"`$".includes(String.fromCharCode(k)) ? 1 : 0));
/** A script whose first command turns errexit on: `set -e`, `set -euo pipefail`, `set -o errexit`. */
const ERREXIT_FIRST = /^(?:\s*(?:#[^\n]*)?\n)*\s*set\s+(?:-[a-zA-Z]*e[a-zA-Z]*(?:\s|;|$)|(?:-[a-zA-Z]+\s+)*-o\s+errexit\b)/;
/** Blank lines, comments and `set` lines (up to a `;` or the line's end, no quote or substitution) at the start. */
const LEADING_SETS = /^(?:\s*(?:#[^\n]*|set[ \t][^\n;'"`$\\]*)?(?:;[ \t]*|\n))*/;
/** Where an operator of two characters can start. */
const OP_START = new Set(["<", ">", "&", "|", ";"]);

/** Each with where it starts and ends in the script. */
type Token = ({ kind: "word"; quoted: boolean } | { kind: "op"; text: string } | { kind: "newline" }) & { line: number; start: number; end: number };

/** Tokens of a script: words (quotes and substitutions kept inside them), operators and newlines; heredoc bodies and comments dropped. */
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
    if (next === 123 /* { */) {
      const end = src.indexOf("}", j + 2);
      return end < 0 ? undefined : end + 1;
    }
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

function tokenize(src: string): Token[] | undefined {
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

interface Statement {
  tokens: Token[];
  line: number;
}

/** The script's top-level statements (and-or lists), split at newlines, `;` and `&` outside compound commands. */
function statements(src: string, tokens: Token[]): Statement[] | undefined {
  const out: Statement[] = [];
  const stack: string[] = [];
  let current: Token[] = [];
  let commandStart = true;
  const end = () => {
    if (current.length > 0) out.push({ tokens: current, line: current[0]!.line });
    current = [];
  };
  for (const t of tokens) {
    const last = current.at(-1);
    const continues = last?.kind === "op" && (last.text === "&&" || last.text === "||" || last.text === "|");
    if (stack.length === 0 && !continues && (t.kind === "newline" || (t.kind === "op" && (t.text === ";" || t.text === "&")))) {
      if (t.kind === "op") current.push(t);
      end();
      commandStart = true;
      continue;
    }
    if (t.kind === "newline") {
      commandStart = true;
      if (stack.length > 0 || continues) current.push(t);
      continue;
    }
    current.push(t);
    if (t.kind === "op") {
      if (t.text === "(") stack.push(")");
      // Otherwise a case pattern's `)`: nothing to close.
      else if (t.text === ")" && stack.at(-1) === ")") stack.pop();
      // After `)` comes a case branch's command or a function's body.
      commandStart = COMMAND_AFTER_OP.has(t.text);
      continue;
    }
    const word = commandStart && !t.quoted && t.end - t.start <= 6 ? src.slice(t.start, t.end) : "";
    if (word !== "" && KEYWORDS.has(word)) {
      const closes = CLOSERS.has(word);
      if (closes) {
        if (stack.at(-1) !== word) return undefined;
        stack.pop();
        commandStart = false;
        continue;
      }
      if (word === "do") {
        if (stack.at(-1) !== "do") return undefined;
        stack[stack.length - 1] = "done";
      }
      const opens = OPENERS.get(word);
      if (opens) stack.push(opens);
      // After a keyword another command starts (`then cmd`, `do cmd`, `! cmd`).
      commandStart = COMMAND_AFTER_WORD.has(word);
      continue;
    }
    commandStart = false;
  }
  if (stack.length > 0) return undefined;
  end();
  return out;
}

/** What runs first in a statement: its first word after assignments and redirections (undefined: assignments only). */
function commandName(src: string, s: Statement): string | undefined {
  let redirect = false;
  for (const t of s.tokens) {
    if (t.kind === "op") {
      if (t.text === "redirect" || t.text === "<<" || t.text === "<<<") redirect = true;
      // A subshell; anything else before a command word ends a list of assignments.
      else return t.text === "(" ? "(" : undefined;
      continue;
    }
    if (t.kind !== "word") continue;
    if (redirect) {
      redirect = false;
      continue;
    }
    const text = src.slice(t.start, t.end);
    if (/^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=/.test(text)) continue;
    return text;
  }
  return undefined;
}

/** Whether `set …` turns errexit on (true), off (false), or says nothing of it. */
function errexitOf(src: string, s: Statement): boolean | undefined {
  const first = s.tokens[0]!;
  if (first.kind !== "word" || first.end - first.start !== 3 || !src.startsWith("set", first.start)) return undefined;
  const words = s.tokens.flatMap((t) => (t.kind === "word" ? [src.slice(t.start, t.end)] : []));
  let on: boolean | undefined;
  for (let k = 1; k < words.length; k++) {
    const w = words[k]!;
    if (/^[-+][a-zA-Z]*e/.test(w)) on = w[0] === "-";
    if ((w === "-o" || w === "+o") && words[k + 1] === "errexit") on = w === "-o";
  }
  return on;
}

/** Commands before the last whose failure nothing handles (see the top of this file); undefined when the script is beyond this lexer. */
export function uncheckedCommands(script: string): UncheckedCommand[] | undefined {
  // One line with no `;` (most steps), also after comments and `set` lines: a single command, nothing runs before it.
  if (script.indexOf(";") === -1 && script.indexOf("\n") === -1) return [];
  const rest = script.replace(LEADING_SETS, "");
  if (!rest.includes(";") && !/\n\s*\S/.test(rest.trimStart())) return [];
  // errexit before anything else runs (after comments and blank lines), never turned off: nothing to look for.
  if (ERREXIT_FIRST.test(script) && !/\bset\s+\+/.test(script)) return [];
  const tokens = tokenize(script);
  const list = tokens && statements(script, tokens);
  if (!list) return undefined;
  const found: UncheckedCommand[] = [];
  let errexit = false;
  for (let k = 0; k < list.length; k++) {
    const s = list[k]!;
    const set = errexitOf(script, s);
    if (set !== undefined) errexit = set;
    if (errexit || k === list.length - 1) continue;
    let or = false;
    let lastOp = "";
    for (const t of s.tokens) {
      if (t.kind !== "op") continue;
      lastOp = t.text;
      if (t.text === "||") or = true;
    }
    if (or || lastOp === "&") continue;
    // The next statement reads its status (`rc=$?`).
    const next = list[k + 1]!;
    if (script.slice(next.tokens[0]!.start, next.tokens.at(-1)!.end).includes("$?")) continue;
    const name = commandName(script, s);
    if (name === undefined || QUIET.has(name) || TESTS.has(name) || COMPOUND.has(name)) continue;
    // A function definition: what it runs is its callers' to check.
    if (s.tokens[1]?.kind === "op" && s.tokens[1].text === "(") continue;
    // The statement as written, up to its separator, on its first line.
    const body = s.tokens.filter((t) => !(t.kind === "op" && (t.text === ";" || t.text === "&")) && t.kind !== "newline");
    found.push({ text: script.slice(body[0]!.start, body.at(-1)!.end).split("\n")[0]!.trim(), line: s.line });
  }
  return found;
}

/** A warning before it is placed in the file: the step it is about, by id. */
export type UncheckedFinding = LintProblem & { token: string; stepId: string };

/** One warning per `run` step whose script has such a command, at its first. */
export function uncheckedWarnings(runbook: Runbook): UncheckedFinding[] {
  const out: UncheckedFinding[] = [];
  const visit = (step: Step, path: () => PathSegment[]) => {
    if (typeof step.run !== "string") return;
    const found = uncheckedCommands(step.run);
    if (!found || found.length === 0) return;
    const first = found[0]!;
    const more = found.length > 1 ? ` (and ${found.length - 1} more such ${found.length === 2 ? "command" : "commands"})` : "";
    const shown = first.text.length > 60 ? `${first.text.slice(0, 57)}...` : first.text;
    out.push({
      path: [...path(), "run"],
      stepId: step.id,
      token: first.text,
      message: `\`${shown}\` can fail unseen${more}: the script goes on, and only its last command's exit status decides the step. Start the script with set -e, or end that line with || exit 1`,
    });
  };
  // The steps where lint-model.ts places them, without building its model for every runbook.
  runbook.phases.forEach((phase, p) => {
    phase.steps?.forEach((step, k) => visit(step, () => ["phases", p, "steps", k]));
    phase.options?.forEach((option, o) => option.steps.forEach((step, k) => visit(step, () => ["phases", p, "options", o, "steps", k])));
  });
  return out;
}

/**
 * A warning placed by the text alone: the step's `id:` (unique in a valid runbook), then the command's
 * first line after it. A library full of warnings must not pay for a located parse of every file (~6 ms
 * each): undefined when the text does not say plainly, and the caller parses.
 */
export function placeByText(src: string, file: string, f: UncheckedFinding): RunbookProblem | undefined {
  const id = new RegExp(`\\bid:[ \\t]*(["']?)${f.stepId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\1(?=[\\s,}]|$)`, "m").exec(src);
  if (!id || f.stepId === "") return undefined;
  const at = src.indexOf(f.token, id.index);
  if (at < 0) return undefined;
  const lineStart = src.lastIndexOf("\n", at - 1) + 1;
  let line = 1;
  for (let k = src.indexOf("\n"); k >= 0 && k < at; k = src.indexOf("\n", k + 1)) line++;
  return { file, line, column: at - lineStart + 1, path: formatPath(f.path), message: f.message };
}

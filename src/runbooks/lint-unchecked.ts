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
import { modelOfRunbook } from "./lint-model.js";
import { formatPath, type RunbookProblem } from "./problems.js";
import type { Runbook } from "./schema.js";

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
const OPENERS: Record<string, string> = { if: "fi", case: "esac", for: "do", while: "do", until: "do", select: "do", "{": "}" };
const CLOSERS = new Set(["fi", "esac", "done", "}"]);
/** What ends an unquoted word. */
const ENDS_WORD = new Set([" ", "\t", "\n", "\r", ";", "&", "|", "<", ">", "(", ")"]);
/** ASCII that neither ends a word nor starts a quote, an escape or a substitution. */
const PLAIN = new Uint8Array(128).map((_, k) => (k > 32 && k < 127 && !ENDS_WORD.has(String.fromCharCode(k)) && !"\\'\"`$".includes(String.fromCharCode(k)) ? 1 : 0));
/** A script whose first command turns errexit on: `set -e`, `set -euo pipefail`, `set -o errexit`. */
const ERREXIT_FIRST = /^(?:\s*(?:#[^\n]*)?\n)*\s*set\s+(?:-[a-zA-Z]*e[a-zA-Z]*(?:\s|;|$)|(?:-[a-zA-Z]+\s+)*-o\s+errexit\b)/;
/** Where an operator of two characters can start. */
const OP_START = new Set(["<", ">", "&", "|", ";"]);

/** Each with where it starts and ends in the script. */
type Token = ({ kind: "word"; text: string; quoted: boolean } | { kind: "op"; text: string } | { kind: "newline" }) & { line: number; start: number; end: number };

/** Tokens of a script: words (quotes and substitutions kept inside them), operators and newlines; heredoc bodies and comments dropped. */
function tokenize(src: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const pendingHeredocs: Array<{ delimiter: string; strip: boolean }> = [];
  const n = src.length;

  /**
   * Past what starts at `j` when it is an escape, a quote or a substitution (`$( )`, `${ }`, backticks);
   * null when it is none of them; undefined when it never closes. Inside double quotes a `'` is a character.
   */
  const skipSpecial = (j: number, inDouble = false): number | null | undefined => {
    const c = src[j];
    if (c === "\\") return j + 2;
    if (c === "'" && !inDouble) {
      const end = src.indexOf("'", j + 1);
      return end < 0 ? undefined : end + 1;
    }
    if (c === '"' && !inDouble) return skipDouble(j + 1);
    if (c === "`") return skipBacktick(j + 1);
    if (c === "$" && src[j + 1] === "(") return skipParens(j + 2);
    if (c === "$" && src[j + 1] === "{") {
      const end = src.indexOf("}", j + 2);
      return end < 0 ? undefined : end + 1;
    }
    return null;
  };
  /** Past a balanced `$( … )` starting after its `(`. */
  const skipParens = (from: number): number | undefined => {
    let depth = 1;
    for (let j = from; j < n; ) {
      const past = skipSpecial(j);
      if (past === undefined) return undefined;
      if (past !== null) j = past;
      else if (src[j] === "(") {
        depth++;
        j++;
      } else if (src[j++] === ")" && --depth === 0) return j;
    }
    return undefined;
  };
  /** Past the closing `"` of a double-quoted string whose text starts at `from`. */
  const skipDouble = (from: number): number | undefined => {
    for (let j = from; j < n; ) {
      if (src[j] === '"') return j + 1;
      const past = skipSpecial(j, true);
      if (past === undefined) return undefined;
      j = past ?? j + 1;
    }
    return undefined;
  };
  const skipBacktick = (from: number): number | undefined => {
    for (let j = from; j < n; ) {
      if (src[j] === "`") return j + 1;
      j += src[j] === "\\" ? 2 : 1;
    }
    return undefined;
  };
  const countLines = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (src[k] === "\n") line++;
  };

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
    if (["&&", "||", ";;", ">>", ">&", "<&", "&>", ">|"].includes(two)) {
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
    while (i < n) {
      const code = src.charCodeAt(i);
      // Plain characters first, by code: this loop is where the lint spends its time.
      if (code < 128 && PLAIN[code] === 1) {
        i++;
        continue;
      }
      if (ENDS_WORD.has(src[i]!)) break;
      const past = skipSpecial(i);
      if (past === undefined) return undefined;
      if (past === null) i++;
      else {
        // Quoted text is never a keyword (`"if"`); a substitution alone is still a command word.
        if (src[i] !== "$" && src[i] !== "`") quoted = true;
        i = past;
      }
    }
    countLines(start, i);
    tokens.push({ kind: "word", text: src.slice(start, i), line: startLine, quoted, start, end: i });
  }
  return tokens;
}

interface Statement {
  tokens: Token[];
  line: number;
}

/** The script's top-level statements (and-or lists), split at newlines, `;` and `&` outside compound commands. */
function statements(tokens: Token[]): Statement[] | undefined {
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
      commandStart = [";", "&", "&&", "||", "|", "(", ")", ";;"].includes(t.text);
      continue;
    }
    if (commandStart && !t.quoted) {
      const closes = CLOSERS.has(t.text);
      if (closes) {
        if (stack.at(-1) !== t.text) return undefined;
        stack.pop();
        commandStart = false;
        continue;
      }
      if (t.text === "do") {
        if (stack.at(-1) !== "do") return undefined;
        stack[stack.length - 1] = "done";
      }
      const opens = OPENERS[t.text];
      if (opens) stack.push(opens);
      // After a keyword another command starts (`then cmd`, `do cmd`, `! cmd`).
      commandStart = ["then", "else", "elif", "do", "{", "!", "if", "while", "until", "time"].includes(t.text);
      continue;
    }
    commandStart = false;
  }
  if (stack.length > 0) return undefined;
  end();
  return out;
}

/** What runs first in a statement: its first word after assignments and redirections (undefined: assignments only). */
function commandName(s: Statement): string | undefined {
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
    if (/^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=/.test(t.text)) continue;
    return t.text;
  }
  return undefined;
}

/** Whether `set …` turns errexit on (true), off (false), or says nothing of it. */
function errexitOf(s: Statement): boolean | undefined {
  const words = s.tokens.filter((t) => t.kind === "word").map((t) => t.text);
  if (words[0] !== "set") return undefined;
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
  // One line with no `;`: a single statement (most steps), nothing runs before its last command.
  if (!script.includes(";") && !script.trimEnd().includes("\n")) return [];
  // errexit before anything else runs (after comments and blank lines), never turned off: nothing to look for.
  if (ERREXIT_FIRST.test(script) && !/\bset\s+\+/.test(script)) return [];
  const tokens = tokenize(script);
  const list = tokens && statements(tokens);
  if (!list) return undefined;
  const found: UncheckedCommand[] = [];
  let errexit = false;
  list.forEach((s, k) => {
    const set = errexitOf(s);
    if (set !== undefined) errexit = set;
    if (errexit || k === list.length - 1) return;
    const ops = s.tokens.filter((t) => t.kind === "op").map((t) => (t as { text: string }).text);
    if (ops.includes("||") || ops.at(-1) === "&") return;
    // The next statement reads its status (`rc=$?`).
    if (list[k + 1]!.tokens.some((t) => t.kind === "word" && t.text.includes("$?"))) return;
    const name = commandName(s);
    if (name === undefined || QUIET.has(name) || TESTS.has(name)) return;
    // Compound commands and function definitions: what they run is theirs to check.
    if (name === "(" || name === "!" || ["if", "case", "for", "while", "until", "select", "{", "function", "time"].includes(name) || (s.tokens[1]?.kind === "op" && s.tokens[1].text === "(")) return;
    // The statement as written, up to its separator, on its first line.
    const body = s.tokens.filter((t) => !(t.kind === "op" && (t.text === ";" || t.text === "&")) && t.kind !== "newline");
    const text = script.slice(body[0]!.start, body.at(-1)!.end).split("\n")[0]!.trim();
    found.push({ text, line: s.line });
  });
  return found;
}

/** A warning before it is placed in the file: the step it is about, by id. */
export type UncheckedFinding = LintProblem & { token: string; stepId: string };

/** One warning per `run` step whose script has such a command, at its first. */
export function uncheckedWarnings(runbook: Runbook): UncheckedFinding[] {
  const out: UncheckedFinding[] = [];
  for (const slot of modelOfRunbook(runbook).steps) {
    const script = slot.step.run;
    if (typeof script !== "string") continue;
    const found = uncheckedCommands(script);
    if (!found || found.length === 0) continue;
    const first = found[0]!;
    const more = found.length > 1 ? ` (and ${found.length - 1} more such ${found.length === 2 ? "command" : "commands"})` : "";
    const shown = first.text.length > 60 ? `${first.text.slice(0, 57)}...` : first.text;
    out.push({
      path: [...slot.path, "run"],
      stepId: slot.step.id ?? "",
      token: first.text,
      message: `\`${shown}\` can fail unseen${more}: the script goes on, and only its last command's exit status decides the step. Start the script with set -e, or end that line with || exit 1`,
    });
  }
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

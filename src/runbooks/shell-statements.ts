/**
 * The bash that runbooks hold, read as far as a lint needs: a lexer (quotes, `$( )` and backticks,
 * heredocs, comments, line continuations) and the script's top-level statements, split outside the
 * compound commands' keywords. Not a parser: where it cannot follow the text it answers undefined.
 */
import { tokenize, type Token } from "./shell-tokens.js";

/** A keyword at the start of a command and what closes it; a loop's `do` turns its pending "do" into "done". */
const OPENERS = new Map([["if", "fi"], ["case", "esac"], ["for", "do"], ["while", "do"], ["until", "do"], ["select", "do"], ["{", "}"]]);
const CLOSERS = new Set(["fi", "esac", "done", "}"]);
/** Operators after which a new command starts. */
const COMMAND_AFTER_OP = new Set([";", "&", "&&", "||", "|", "(", ")", ";;"]);
/** Keywords after which a new command starts (`then cmd`, `do cmd`, `! cmd`). */
const COMMAND_AFTER_WORD = new Set(["then", "else", "elif", "do", "{", "!", "if", "while", "until", "time"]);
/** Every word the splitter treats specially at the start of a command: none is longer than 6 characters. */
const KEYWORDS = new Set([...COMMAND_AFTER_WORD, "fi", "esac", "done", "}", "case", "for", "select"]);
export interface Statement {
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
export function commandName(src: string, s: Statement): string | undefined {
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
export function errexitOf(src: string, s: Statement): boolean | undefined {
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


/** The script's top-level statements; undefined when the text is beyond this lexer (an unclosed quote, a stray `fi`). */
export function topLevelStatements(script: string): Statement[] | undefined {
  const tokens = tokenize(script);
  return tokens && statements(script, tokens);
}

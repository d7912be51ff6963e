/**
 * An incremental, forgiving bash lexer: fed one line at a time, it knows whether the command
 * so far is complete (quotes, `$(…)`, heredocs, `for … done`, trailing `\` or `|`) and which
 * quoting context every character is in. Approximate by design; it never throws.
 */

export type Ctx = "code" | "single" | "double" | "comment" | "heredoc" | "heredoc-quoted" | "template";

type FrameKind = "code" | "subst" | "single" | "double" | "backtick" | "param";
interface Frame {
  kind: FrameKind;
  parens: number;
}
interface Heredoc {
  delim: string;
  strip: boolean;
  quoted: boolean;
}

const OPENERS = new Set(["for", "while", "until", "select", "if", "case"]);
const CLOSERS = new Set(["done", "fi", "esac"]);
const RESET_WORDS = new Set(["do", "then", "else", "elif", "!", "time", "{", "}", "done", "fi", "esac"]);
const WORD_END = /[\s;&|()<>]/;

export class ShellLexer {
  private stack: Frame[] = [{ kind: "code", parens: 0 }];
  private pending: Heredoc[] = [];
  private heredoc: Heredoc | undefined;
  private depth = 0;
  private continued = false;
  private cmdPos = true;

  /** True when everything fed so far ends a command. */
  get complete(): boolean {
    return this.stack.length === 1 && this.heredoc === undefined && this.pending.length === 0 && this.depth === 0 && !this.continued;
  }

  /** True when the last line ended with `\` outside quotes (a comment line may follow). */
  get backslashContinued(): boolean {
    return this.continued && this.stack.length === 1 && this.heredoc === undefined;
  }

  /** What keeps the command open, for messages. */
  get openReason(): string | undefined {
    if (this.heredoc || this.pending.length > 0) return `heredoc ${this.heredoc?.delim ?? this.pending[0]?.delim} is not closed`;
    const top = this.stack[this.stack.length - 1]!;
    if (top.kind === "single" || top.kind === "double") return `a ${top.kind === "single" ? "single" : "double"}-quoted string is not closed`;
    if (this.stack.length > 1) return "a $( … ) or ` … ` is not closed";
    if (this.depth > 0) return "a for/while/if/case or { … } is not closed";
    if (this.continued) return "the last line continues";
    return undefined;
  }

  /** Feed one line (without its newline); returns the context of each of its characters. */
  feed(line: string): Ctx[] {
    if (this.heredoc) return this.feedHeredoc(line);
    const ctx: Ctx[] = new Array<Ctx>(line.length);
    this.continued = false;
    let word = "";
    let wordAtCmdPos = this.cmdPos;
    const endWord = () => {
      if (word !== "" && this.stack.length === 1) this.keyword(word, wordAtCmdPos);
      word = "";
    };
    let i = 0;
    while (i < line.length) {
      const ch = line[i]!;
      const next = line[i + 1];
      const top = this.stack[this.stack.length - 1]!;
      const here: Ctx = top.kind === "single" ? "single" : this.inDouble() ? "double" : "code";
      ctx[i] = here;
      if (top.kind === "single") {
        if (ch === "'") this.stack.pop();
        i++;
        continue;
      }
      if (ch === "\\") {
        if (i === line.length - 1) {
          this.continued = this.stack.length === 1;
          i++;
          continue;
        }
        ctx[i + 1] = here;
        word += ch + next;
        i += 2;
        continue;
      }
      if (top.kind === "double") {
        if (ch === '"') this.stack.pop();
        else if (ch === "`") this.stack.push({ kind: "backtick", parens: 0 });
        else if (ch === "$" && next === "(") {
          ctx[i + 1] = here;
          this.stack.push({ kind: "subst", parens: 0 });
          i += 2;
          continue;
        } else if (ch === "$" && next === "{") {
          ctx[i + 1] = here;
          this.stack.push({ kind: "param", parens: 0 });
          i += 2;
          continue;
        }
        i++;
        continue;
      }
      if (top.kind === "param") {
        if (ch === "}") this.stack.pop();
        else if (ch === "'" && !this.inDouble()) this.stack.push({ kind: "single", parens: 0 });
        else if (ch === '"') this.stack.push({ kind: "double", parens: 0 });
        i++;
        continue;
      }
      // code, subst and backtick frames
      if (top.kind === "backtick" && ch === "`") {
        this.stack.pop();
        i++;
        continue;
      }
      if (ch === "#" && (i === 0 || /[\s;&|()]/.test(line[i - 1]!)) && word === "") {
        for (let k = i; k < line.length; k++) ctx[k] = "comment";
        break;
      }
      if (ch === "'") {
        this.stack.push({ kind: "single", parens: 0 });
        word += ch;
      } else if (ch === '"') {
        this.stack.push({ kind: "double", parens: 0 });
        word += ch;
      } else if (ch === "`") {
        this.stack.push({ kind: "backtick", parens: 0 });
        word += ch;
      } else if (ch === "$" && next === "(") {
        ctx[i + 1] = here;
        this.stack.push({ kind: "subst", parens: 0 });
        word += "$(";
        i += 2;
        continue;
      } else if (ch === "$" && next === "{") {
        ctx[i + 1] = here;
        this.stack.push({ kind: "param", parens: 0 });
        word += "${";
        i += 2;
        continue;
      } else if (ch === "<" && next === "<" && line[i + 2] !== "<") {
        const m = /^<<(-?)[ \t]*(\\?)(['"]?)([A-Za-z0-9_.-]+)\3/.exec(line.slice(i));
        if (m) {
          for (let k = i; k < i + m[0].length; k++) ctx[k] = here;
          this.pending.push({ delim: m[4]!, strip: m[1] === "-", quoted: m[3] !== "" || m[2] !== "" });
          endWord();
          i += m[0].length;
          continue;
        }
        endWord();
        i += 2;
        continue;
      } else if (ch === "(") {
        endWord();
        top.parens++;
        this.cmdPos = true;
        wordAtCmdPos = true;
      } else if (ch === ")") {
        endWord();
        if (top.kind === "subst" && top.parens === 0) this.stack.pop();
        else top.parens = Math.max(0, top.parens - 1);
        this.cmdPos = true;
        wordAtCmdPos = true;
      } else if (ch === ";" || ch === "&" || ch === "|") {
        endWord();
        this.cmdPos = true;
        wordAtCmdPos = true;
      } else if (WORD_END.test(ch)) {
        endWord();
        wordAtCmdPos = this.cmdPos;
      } else {
        if (word === "") wordAtCmdPos = this.cmdPos;
        word += ch;
      }
      i++;
    }
    endWord();
    if (this.stack.length === 1) {
      const code = line
        .split("")
        .filter((_, k) => ctx[k] === "code")
        .join("")
        .trimEnd();
      if (/(?:\|\||&&|\||\\)$/.test(code) && !code.endsWith(";;")) this.continued = true;
      this.cmdPos = true;
    }
    if (this.pending.length > 0 && !this.heredoc) this.heredoc = this.pending.shift();
    return ctx;
  }

  private inDouble(): boolean {
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const kind = this.stack[k]!.kind;
      if (kind === "double") return true;
      if (kind === "subst" || kind === "backtick" || kind === "code") return false;
    }
    return false;
  }

  private keyword(word: string, atCmdPos: boolean): void {
    if (word === "{") this.depth++;
    else if (atCmdPos && OPENERS.has(word)) this.depth++;
    else if (atCmdPos && (CLOSERS.has(word) || word === "}")) this.depth = Math.max(0, this.depth - 1);
    this.cmdPos = atCmdPos && RESET_WORDS.has(word);
  }

  private feedHeredoc(line: string): Ctx[] {
    const hd = this.heredoc!;
    const test = hd.strip ? line.replace(/^\t+/, "") : line;
    const ctx = new Array<Ctx>(line.length).fill(hd.quoted ? "heredoc-quoted" : "heredoc");
    if (test.trim() === hd.delim) this.heredoc = this.pending.shift();
    return ctx;
  }
}

/** The context of every character of a (multi-line) script; newlines get the context before them. */
export function scriptContexts(script: string): Ctx[] {
  const lexer = new ShellLexer();
  const out: Ctx[] = [];
  const lines = script.split("\n");
  lines.forEach((line, n) => {
    const ctx = lexer.feed(line);
    for (let k = 0; k < line.length; k++) out.push(ctx[k] ?? "code");
    if (n < lines.length - 1) out.push(out[out.length - 1] === "comment" ? "code" : (out[out.length - 1] ?? "code"));
  });
  markTemplates(script, out);
  return out;
}

/** Go / Helm / Prometheus templates (`{{ $labels.instance }}`) are never shell: mark them so nothing rewrites them. */
function markTemplates(script: string, ctx: Ctx[]): void {
  for (const m of script.matchAll(/\{\{[\s\S]{0,400}?\}\}/g)) {
    for (let k = m.index; k < m.index + m[0].length; k++) ctx[k] = "template";
  }
}

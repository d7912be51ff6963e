/**
 * Split a fenced shell block into commands, each with the comment above it as its title.
 * Handles prompts (`$ `, `user@host:~$ `, a root `# `) with their expected output,
 * backslash / pipe continuations (a comment-only line inside one is lifted out), heredocs,
 * multi-line quotes, compound commands, crontab lines, and sessions: after `psql` or
 * `kubectl exec -it … -- sh` the lines belong to that other shell; after a bare `ssh host`
 * they run on that host.
 */
import { isSessionExit, looksLikeCommand, sessionOpener } from "./commands.js";
import { ShellLexer } from "./shell-lex.js";

export interface ShellCommand {
  kind: "command";
  text: string;
  line: number;
  endLine: number;
  /** The comment line right above the command. */
  title?: string;
  /** Earlier comment lines of the same group. */
  comments: string[];
  /** Comments right below the command, or lifted out of its continuation lines. */
  notes: string[];
  /** Expected output shown after a prompt line. */
  output: string[];
  /** Why the command is not complete (an unclosed quote at the end of the block). */
  incomplete?: string;
  /** The ssh destination of an open `ssh host` session the command runs in. */
  remote?: string;
  /** The other shell this command opens (psql, rails console…). */
  opens?: string;
}
export interface ShellNote {
  kind: "note";
  lines: string[];
  line: number;
}
export interface OtherShellLines {
  kind: "other";
  shell: string;
  title?: string;
  lines: string[];
  /** Output shown after the lines (in a block of prompts). */
  output: string[];
  line: number;
}
export interface CronLine {
  kind: "cron";
  text: string;
  line: number;
  title?: string;
}
export interface SshSession {
  kind: "ssh";
  dest: string;
  title?: string;
  text: string;
  line: number;
}
export type ShellItem = ShellCommand | ShellNote | OtherShellLines | CronLine | SshSession;

const PROMPT = /^\s*(?:\([^)]*\)\s*)?(?:[\w.-]+@[\w.-]+(?::[^\s$#]*)?\s?[$#]|\[[^\]]*@[^\]]*\]\s?[$#]|\$)\s+(\S.*)$/;
const ROOT_PROMPT = /^\s*#\s+(\S.*)$/;
const CRON = /^\s*(?:@(?:reboot|yearly|annually|monthly|weekly|daily|hourly)|(?:[\d*/,-]+\s+){4}[\d*/,-]+)\s+\S/;
const LOCATION = /^(?:on|from|in|inside)\s+(?:the\s+)?[\w.-]+\s+(?:server|host|machine|box|node|pod|container|instance|vm)\b\W*$/i;
const COMMENT = /^\s*#(?!!)\s?(.*)$/;

interface Pending {
  text: string;
  line: number;
}

/** Split the body of a shell block; `firstLine` is the line number of its first body line. */
export function splitShell(lines: readonly string[], firstLine: number): ShellItem[] {
  const items: ShellItem[] = [];
  const promptMode = lines.some((l) => PROMPT.test(l));
  let comments: Pending[] = [];
  let commentsFollowCommand = false;
  let adjacent = false;
  let last: ShellCommand | undefined;
  let current: { lexer: ShellLexer; lines: string[]; line: number; notes: string[]; title?: string; comments: string[] } | undefined;
  let other: { shell: string; item?: OtherShellLines } | undefined;
  let remote: string | undefined;

  const flushComments = () => {
    if (comments.length === 0) return;
    if (commentsFollowCommand && last) last.notes.push(...comments.map((c) => c.text));
    else items.push({ kind: "note", lines: comments.map((c) => c.text), line: comments[0]!.line });
    comments = [];
  };
  const takeTitle = (): { title?: string; comments: string[] } => {
    const texts = comments.map((c) => c.text).filter((t) => t.trim() !== "");
    comments = [];
    // "# On staging server" says where, not what: it describes the step rather than titling it.
    const at = texts.map((t) => !LOCATION.test(t)).lastIndexOf(true);
    if (at < 0) return { comments: texts };
    const title = texts[at]!;
    return { title, comments: texts.filter((_, k) => k !== at) };
  };
  const finish = (endLine: number, incomplete?: string) => {
    const cur = current!;
    current = undefined;
    const text = cur.lines.join("\n").replace(/\s+$/, "");
    const opener = incomplete === undefined ? sessionOpener(text) : undefined;
    if (opener?.kind === "ssh" && remote === undefined) {
      remote = opener.dest;
      items.push({ kind: "ssh", dest: opener.dest, text, line: cur.line, ...(cur.title === undefined ? {} : { title: cur.title }) });
      adjacent = false;
      return;
    }
    const cmd: ShellCommand = { kind: "command", text, line: cur.line, endLine, comments: cur.comments, notes: cur.notes, output: [] };
    if (cur.title !== undefined) cmd.title = cur.title;
    if (incomplete !== undefined) cmd.incomplete = incomplete;
    if (remote !== undefined) cmd.remote = remote;
    if (opener?.kind === "shell") {
      cmd.opens = opener.shell;
      other = { shell: opener.shell };
    }
    items.push(cmd);
    last = cmd;
    adjacent = true;
  };
  const start = (text: string, lineNo: number) => {
    const { title, comments: earlier } = takeTitle();
    current = { lexer: new ShellLexer(), lines: [], line: lineNo, notes: [], comments: earlier, ...(title === undefined ? {} : { title }) };
    current.lines.push(text);
    current.lexer.feed(text);
    if (current.lexer.complete) finish(lineNo);
  };

  lines.forEach((raw, idx) => {
    const lineNo = firstLine + idx;
    if (current) {
      const l = promptMode ? raw.replace(/^\s*>\s?/, "") : raw;
      if (current.lexer.backslashContinued && COMMENT.test(l)) {
        current.notes.push(COMMENT.exec(l)![1]!.trim());
        return;
      }
      current.lines.push(l);
      current.lexer.feed(l);
      if (current.lexer.complete) finish(lineNo);
      return;
    }
    if (other) {
      if (isSessionExit(raw)) {
        other = undefined;
        return;
      }
      if (raw.trim() === "") {
        other.item = undefined;
        return;
      }
      if (promptMode) {
        // Prompt lines are typed into the other shell; the lines after them are its output.
        const typed = PROMPT.exec(raw) ?? ROOT_PROMPT.exec(raw) ?? /^\s*[\w-]*[=>#-]*[#>]\s+(\S.*)$/.exec(raw);
        if (typed) {
          other.item = { kind: "other", shell: other.shell, lines: [typed[1]!], output: [], line: lineNo };
          items.push(other.item);
        } else if (other.item) other.item.output.push(raw);
        return;
      }
      if (!other.item) {
        other.item = { kind: "other", shell: other.shell, lines: [], output: [], line: lineNo };
        items.push(other.item);
      }
      const comment = /^\s*(?:#|--|\/\/)\s*(.*)$/.exec(raw);
      if (comment && other.item.lines.length === 0 && other.item.title === undefined) other.item.title = comment[1]!.trim();
      else other.item.lines.push(raw);
      return;
    }
    if (raw.trim() === "") {
      flushComments();
      adjacent = false;
      return;
    }
    if (remote !== undefined && isSessionExit(raw)) {
      remote = undefined;
      return;
    }
    if (promptMode) {
      const prompt = PROMPT.exec(raw) ?? (ROOT_PROMPT.test(raw) && looksLikeCommand(ROOT_PROMPT.exec(raw)![1]!) ? ROOT_PROMPT.exec(raw) : null);
      if (prompt) {
        start(prompt[1]!, lineNo);
        return;
      }
      const next = lines.slice(idx + 1).find((l) => l.trim() !== "");
      if (COMMENT.test(raw) && (!last || (next !== undefined && PROMPT.test(next)))) {
        pushComment(raw, lineNo);
        return;
      }
      if (last) last.output.push(raw);
      else pushComment(`# ${raw.trim()}`, lineNo);
      return;
    }
    if (COMMENT.test(raw)) {
      pushComment(raw, lineNo);
      return;
    }
    if (/^\s*#!/.test(raw)) return;
    if (CRON.test(raw)) {
      const { title } = takeTitle();
      items.push({ kind: "cron", text: raw.trim(), line: lineNo, ...(title === undefined ? {} : { title }) });
      adjacent = false;
      return;
    }
    start(raw, lineNo);
  });

  function pushComment(raw: string, lineNo: number): void {
    if (comments.length === 0) commentsFollowCommand = adjacent;
    comments.push({ text: COMMENT.exec(raw)?.[1]?.trim() ?? raw.trim(), line: lineNo });
  }

  if (current) {
    const cur = current as { lexer: ShellLexer };
    finish(firstLine + lines.length - 1, cur.lexer.openReason);
  }
  flushComments();
  return items;
}

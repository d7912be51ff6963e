/**
 * A `run` script is `bash -c`: its exit status is its last command's. A script of several commands
 * whose earlier ones can fail unseen is a step that can pass while what it did failed (four `git
 * tag` lines, the first refused, the last made: passed). This finds, in a script, the first command
 * before the last whose failure nothing handles: no `set -e` (or `-o errexit`) before it, no `||`
 * after it, not a test (`[ … ] && …`), an assignment, a builtin that only prints or sets, a compound
 * command (`if`, loops, `case`, `{ }`, `( )`: what they do inside is theirs), or a background job.
 *
 * The script is read by shell-statements.ts (a lexer, not a parser). Where it cannot follow the text
 * this says nothing: `validate` reports what it finds as a warning, never a failure.
 */
import type { LintProblem } from "./lint.js";
import { formatPath, type PathSegment, type RunbookProblem } from "./problems.js";
import type { Runbook, Step } from "./schema.js";
import { commandName, errexitOf, topLevelStatements } from "./shell-statements.js";

/** A command whose failure the rest of the script ignores: its text (first line) and 1-based line in the script. */
export interface UncheckedCommand {
  text: string;
  line: number;
}

/** Builtins that print, set or wait: their failure is not what the step checks. */
const QUIET = new Set(["echo", "printf", ":", "true", "set", "shopt", "export", "local", "declare", "typeset", "readonly", "unset", "trap", "sleep", "read", "shift", "return", "exit", "umask", "alias", "wait"]);
/** A test heading `test && action`: its failure is the condition being false. */
const TESTS = new Set(["[", "[[", "test", "false"]);
/** Compound commands (and `!`, `time`): what they run is theirs to check. */
const COMPOUND = new Set(["(", "!", "if", "case", "for", "while", "until", "select", "{", "function", "time"]);
/** A script whose first command turns errexit on: `set -e`, `set -euo pipefail`, `set -o errexit`. */
const ERREXIT_FIRST = /^(?:\s*(?:#[^\n]*)?\n)*\s*set\s+(?:-[a-zA-Z]*e[a-zA-Z]*(?:\s|;|$)|(?:-[a-zA-Z]+\s+)*-o\s+errexit\b)/;
/** Blank lines, comments and `set` lines (up to a `;` or the line's end, no quote or substitution) at the start. */
const LEADING_SETS = /^(?:\s*(?:#[^\n]*|set[ \t][^\n;'"`$\\]*)?(?:;[ \t]*|\n))*/;

/** Whether a script is one command by its look alone (no `;`, one line): nothing runs before it to fail unseen. Most steps. */
function oneCommand(script: string): boolean {
  return script.indexOf(";") === -1 && script.indexOf("\n") === -1;
}

/** Commands before the last whose failure nothing handles (see the top of this file); undefined when the script is beyond this lexer. */
export function uncheckedCommands(script: string): UncheckedCommand[] | undefined {
  // One line with no `;` (most steps), also after comments and `set` lines: a single command, nothing runs before it.
  if (oneCommand(script)) return [];
  const rest = script.replace(LEADING_SETS, "");
  if (!rest.includes(";") && !/\n\s*\S/.test(rest.trimStart())) return [];
  // errexit before anything else runs (after comments and blank lines), never turned off: nothing to look for.
  if (ERREXIT_FIRST.test(script) && !/\bset\s+\+/.test(script)) return [];
  const list = topLevelStatements(script);
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

/** A `run` script of several commands (or lines), with the step it belongs to: what the lexer reads. */
export interface RunScript {
  stepId: string;
  path: PathSegment[];
  script: string;
}

/** The runbook's `run` scripts that are more than one command, in the order of its steps: those uncheckedCommands has to read. */
export function scriptsToRead(runbook: Runbook): RunScript[] {
  const out: RunScript[] = [];
  const visit = (step: Step, path: () => PathSegment[]) => {
    if (typeof step.run === "string" && !oneCommand(step.run)) out.push({ stepId: step.id, path: [...path(), "run"], script: step.run });
  };
  // The steps where lint-model.ts places them, without building its model for every runbook.
  runbook.phases.forEach((phase, p) => {
    phase.steps?.forEach((step, k) => visit(step, () => ["phases", p, "steps", k]));
    phase.options?.forEach((option, o) => option.steps.forEach((step, k) => visit(step, () => ["phases", p, "options", o, "steps", k])));
  });
  return out;
}

/**
 * One warning per script in which uncheckedCommands found such a command (`found[i]` is what it found
 * in `scripts[i]`), at its first; scripts beyond the lexer (undefined) go to `unread`.
 */
export function uncheckedFindings(scripts: readonly RunScript[], found: ReadonlyArray<UncheckedCommand[] | undefined>, unread?: RunScript[]): UncheckedFinding[] {
  const out: UncheckedFinding[] = [];
  scripts.forEach((s, i) => {
    const commands = found[i];
    if (!commands) unread?.push(s);
    if (!commands || commands.length === 0) return;
    const first = commands[0]!;
    const more = commands.length > 1 ? ` (and ${commands.length - 1} more such ${commands.length === 2 ? "command" : "commands"})` : "";
    const shown = first.text.length > 60 ? `${first.text.slice(0, 57)}...` : first.text;
    out.push({
      path: s.path,
      stepId: s.stepId,
      token: first.text,
      message: `\`${shown}\` can fail unseen${more}: the script goes on, and only its last command's exit status decides the step. Start the script with set -e, or end that line with || exit 1`,
    });
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

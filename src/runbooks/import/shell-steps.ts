/**
 * A shell block's commands as steps: one step per command, titled by its comment, except that
 * a command setting a variable (or the directory) shares a step with the commands that rely on
 * it, since every step runs in its own shell. Commands inside an `ssh host` session are run
 * through ssh; lines for another shell become manual steps.
 */
import type { Risk } from "../schema.js";
import { scriptAssignments, scriptReferences } from "../script-vars.js";
import { alternativeMark, type AltMark } from "./alternatives.js";
import { commandRisk, firstWord, maxRisk, needsTerminal } from "./commands.js";
import type { ExpectedOutput } from "./expected.js";
import type { InputRegistry } from "./placeholders.js";
import { splitShell, type ShellCommand } from "./shell-split.js";
import type { ImportSummary } from "./summary.js";
import { cleanTitle, shorten } from "./text.js";

export interface StepDraft {
  title: string;
  run?: string;
  manual?: string;
  description?: string;
  interactive?: boolean;
  risk?: Risk;
  line: number;
  /** The first step of an alternative ("Option 2: …", "Alternatively, …", "# Or …"). */
  alt?: AltMark;
  /** Introduced by "In either case, …": it follows the alternatives rather than being one. */
  afterAlternatives?: boolean;
  /** The line of the code block the step came from: an implicit alternative is one block. */
  block?: number;
  /** Output the markdown shows for the step: an expectation where it is plain, else description. */
  expected?: ExpectedOutput;
}

export interface ShellContext {
  registry: InputRegistry;
  summary: ImportSummary;
}

const STATEFUL = new Set(["cd", "pushd", "popd", "source", ".", "set", "shopt", "alias", "ulimit", "umask", "trap", "export"]);

/** Title for a command that has no comment above it: the command itself, shortened. */
export function commandTitle(command: string): string {
  const first = command
    .split("\n")[0]!
    .replace(/\s*(?:\\|\|\||&&|\||;\s*(?:do|then)|\{|'\{|"\{)\s*$/, "")
    .trim();
  return shorten(first, 72) || "Run a command";
}

/** "curl …/api/health  # Grafana" → "Grafana": a one-line command's own comment names it. */
export function trailingComment(script: string): string | undefined {
  if (script.includes("\n")) return undefined;
  const m = /^(.*?\S)\s+#\s*([A-Za-z][^#'"`$\\]{0,60})$/.exec(script);
  if (!m) return undefined;
  // A # inside quotes is no comment.
  const before = m[1]!;
  if ((before.split("'").length - 1) % 2 !== 0 || (before.split('"').length - 1) % 2 !== 0) return undefined;
  const title = cleanTitle(m[2]!);
  return title === "" ? undefined : title;
}

/** Commands that must share one shell, as index ranges [from, to] over `cmds`. */
function groupCommands(cmds: readonly ShellCommand[]): Array<[number, number]> {
  const ends = cmds.map((_, i) => i);
  cmds.forEach((c, i) => {
    const sets = scriptAssignments(c.text);
    const state = STATEFUL.has(firstWord(c.text));
    for (let j = i + 1; j < cmds.length; j++) {
      if (cmds[j]!.remote !== c.remote) break;
      if (state || scriptReferences(cmds[j]!.text).some((r) => sets.has(r.name))) ends[i] = j;
    }
  });
  const groups: Array<[number, number]> = [];
  let i = 0;
  while (i < cmds.length) {
    let end = ends[i]!;
    for (let k = i; k <= end; k++) end = Math.max(end, ends[k]!);
    groups.push([i, end]);
    i = end + 1;
  }
  return groups;
}

/** Quote a script for `ssh host -- …`: the remote shell runs it; inputs still expand here. */
function quoteRemote(script: string, inputs: ReadonlySet<string>): string {
  const refs = [...script.matchAll(/\$\{?([a-z][a-z0-9_]*)\b/g)].some((m) => inputs.has(m[1]!));
  if (!refs) return `'${script.replace(/'/g, `'\\''`)}'`;
  let out = "";
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    const ref = /^\$(?:\{([a-z][a-z0-9_]*)\}|([a-z][a-z0-9_]*))/.exec(script.slice(i));
    const name = ref?.[1] ?? ref?.[2];
    if (ref && name !== undefined && inputs.has(name)) {
      out += ref[0];
      i += ref[0].length - 1;
      continue;
    }
    out += ch === "\\" || ch === '"' || ch === "$" || ch === "`" ? `\\${ch}` : ch;
  }
  return `"${out}"`;
}

function joinText(parts: Array<string | undefined>): string | undefined {
  const text = parts.filter((p): p is string => p !== undefined && p.trim() !== "").join("\n\n").trim();
  return text === "" ? undefined : text;
}

/**
 * Steps for one shell block. `hint` titles the first step when its command has no comment;
 * `lead` (prose above the block) becomes the first step's description.
 */
export function shellBlockSteps(lines: readonly string[], firstLine: number, ctx: ShellContext, hint?: string, lead?: string): StepDraft[] {
  const items = splitShell(lines, firstLine);
  const steps: StepDraft[] = [];
  const sshPrefix = new Map<string, string>();
  let pendingLead = lead;
  // The hint titles the block's commands until one of them has a comment of its own.
  let hintLive = hint !== undefined;
  const push = (step: StepDraft) => {
    if (step.title !== "") hintLive = false;
    // "# Or manual rollback": what follows in the block is an alternative to what came before.
    const mark = alternativeMark(step.title || (step.manual ?? ""), step.line, "comment");
    if (mark) {
      step.alt = mark;
      step.title = mark.title || (step.run !== undefined ? "" : step.title);
    }
    const trailing = step.title === "" && step.run !== undefined ? trailingComment(step.run) : undefined;
    if (trailing !== undefined) step.title = hintLive ? `${hint}: ${trailing}` : trailing;
    if (steps.length === 0 && hint !== undefined && step.title === "") step.title = hint;
    if (pendingLead !== undefined && cleanTitle(pendingLead) === step.title) pendingLead = undefined;
    if (pendingLead !== undefined) {
      step.description = joinText([pendingLead, step.description]);
      if (step.description === undefined) delete step.description;
      pendingLead = undefined;
    }
    steps.push(step);
  };

  let k = 0;
  while (k < items.length) {
    const item = items[k]!;
    if (item.kind === "command") {
      const run: ShellCommand[] = [];
      while (k < items.length && items[k]!.kind === "command" && (run.length === 0 || !run[run.length - 1]!.opens)) run.push(items[k++] as ShellCommand);
      for (const [from, to] of groupCommands(run)) push(commandStep(run.slice(from, to + 1), ctx, sshPrefix));
      continue;
    }
    k++;
    if (item.kind === "ssh") {
      ctx.summary.commands++;
      const inSession = items.filter((it) => it.kind === "command" && it.remote === item.dest).length;
      const prefix = ctx.registry.rewrite(item.text, item.line);
      sshPrefix.set(item.dest, prefix);
      if (inSession === 0) {
        push({ title: item.title ?? `Open a shell on ${item.dest}`, run: prefix, interactive: true, line: item.line });
      } else {
        ctx.summary.notes.push({ line: item.line, message: `ssh session to ${item.dest}: the ${inSession} commands after it run through "${prefix} -- …"` });
      }
    } else if (item.kind === "note") {
      const text = item.lines.join("\n").trim();
      if (text === "") continue;
      push({ title: "", manual: text, line: item.line });
      steps[steps.length - 1]!.title ||= cleanTitle(item.lines.find((l) => l.trim() !== "") ?? text);
    } else if (item.kind === "other") {
      ctx.summary.otherShell.push({ shell: item.shell, line: item.line });
      const body = item.lines.join("\n").trim();
      const title = item.title ? cleanTitle(item.title) : `In ${item.shell}: ${shorten(item.lines[0]?.trim() ?? "", 60)}`;
      const output = item.output.length > 0 ? `\n\nExpected output:\n${item.output.join("\n")}` : "";
      push({ title, manual: `In the ${item.shell} session opened above, run:\n${body || item.title || ""}${output}`, line: item.line });
    } else {
      ctx.summary.commands++;
      push({ title: item.title ? cleanTitle(item.title) : "Schedule with cron", manual: `Add this line to the crontab (crontab -e):\n${item.text}`, line: item.line });
    }
  }
  if (pendingLead !== undefined && steps.length > 0) {
    const lastStep = steps[steps.length - 1]!;
    lastStep.description = joinText([lastStep.description, pendingLead]);
  }
  for (const s of steps) if (s.title === "") s.title = s.run !== undefined ? commandTitle(s.run) : cleanTitle(s.manual ?? "Step");
  return steps;
}

function commandStep(cmds: ShellCommand[], ctx: ShellContext, sshPrefix: ReadonlyMap<string, string>): StepDraft {
  const first = cmds[0]!;
  ctx.summary.commands += cmds.length;
  const text = cmds.map((c) => c.text).join("\n");
  const titled = cmds.find((c) => c.title !== undefined);
  const title = titled?.title !== undefined ? cleanTitle(titled.title) : first.remote !== undefined ? commandTitle(text) : "";
  const others = cmds.filter((c) => c !== titled && c.title !== undefined).map((c) => `- ${c.title}`);
  const description = joinText([
    first.comments.length > 0 ? first.comments.join("\n") : undefined,
    others.length > 0 ? `Also:\n${others.join("\n")}` : undefined,
    cmds.flatMap((c) => c.notes).join("\n") || undefined,
    cmds.some((c) => c.output.length > 0) ? `Expected output:\n${cmds.flatMap((c) => c.output).join("\n")}` : undefined,
  ]);
  const incomplete = cmds.find((c) => c.incomplete !== undefined);
  if (incomplete) {
    ctx.summary.notes.push({ line: incomplete.line, message: `could not tell where this command ends (${incomplete.incomplete}): kept as a manual step` });
    return { title: title || commandTitle(text), manual: `Run by hand (the command could not be parsed: ${incomplete.incomplete}):\n${text}`, line: first.line, ...(description ? { description } : {}) };
  }
  let script = ctx.registry.rewrite(text, first.line);
  let interactive = cmds.some((c) => c.opens !== undefined || needsTerminal(c.text));
  const risk = cmds.reduce<Risk | undefined>((r, c) => maxRisk(r, commandRisk(c.text)), undefined);
  if (first.remote !== undefined) {
    const prefix = sshPrefix.get(first.remote) ?? `ssh ${first.remote}`;
    const inputs = new Set(Object.keys(ctx.registry.specs()));
    script = `${interactive ? prefix.replace(/^(\s*(?:sudo\s+)?ssh)\b/, "$1 -t") : prefix} -- ${quoteRemote(script, inputs)}`;
  }
  if (cmds.some((c) => c.opens !== undefined)) interactive = true;
  const step: StepDraft = { title, run: script, line: first.line };
  if (description) step.description = description;
  if (interactive) step.interactive = true;
  if (risk) step.risk = risk;
  return step;
}

/** The fidelity summary: what the importer found, what it made of it, and what it kept aside or left out. */
import type { ImportNote } from "./placeholders.js";
import { lineRange } from "./text.js";

export interface ImportSummary {
  /** The markdown file as named by the caller (`-` for standard input). */
  source: string;
  runbookId: string;
  shellBlocks: number;
  referenceBlocks: number;
  /** Shell commands found in shell blocks (ssh sessions and crontab lines included). */
  commands: number;
  /** Commands found in `code spans` of bullets. */
  inlineCommands: number;
  runSteps: number;
  manualSteps: number;
  phases: number;
  options: number;
  /** Lines meant for another shell (psql, a container shell), kept as manual steps. */
  otherShell: Array<{ shell: string; line: number }>;
  inputs: Array<{ name: string; type: string; from: string }>;
  severities: string[];
  reference: Array<{ language: string; line: number; endLine: number; why: string }>;
  notPlaced: Array<{ what: string; line: number; endLine?: number; why: string }>;
  notes: ImportNote[];
  /** Problems the emitted runbook had before the importer repaired them (a bug if not empty). */
  repaired: string[];
}

export function emptySummary(source: string): ImportSummary {
  return {
    source,
    runbookId: "",
    shellBlocks: 0,
    referenceBlocks: 0,
    commands: 0,
    inlineCommands: 0,
    runSteps: 0,
    manualSteps: 0,
    phases: 0,
    options: 0,
    otherShell: [],
    inputs: [],
    severities: [],
    reference: [],
    notPlaced: [],
    notes: [],
    repaired: [],
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function lineList(lines: number[], max = 6): string {
  const shown = lines.slice(0, max).join(", ");
  return `${lines.length === 1 ? "line" : "lines"} ${shown}${lines.length > max ? ", …" : ""}`;
}

/** Group entries by a key, in first-seen order. */
function groupBy<T>(items: readonly T[], key: (t: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.entries()];
}

/** The summary as the lines printed on standard error; `output` names where the YAML went. */
export function formatSummary(summary: ImportSummary, opts: { output?: string } = {}): string {
  const out: string[] = [`import: ${summary.source} → ${opts.output ?? `${summary.runbookId}.yaml`}`];
  const inline = summary.inlineCommands > 0 ? ` + ${summary.inlineCommands} inline` : "";
  let steps = `${plural(summary.shellBlocks, "shell block")}, ${plural(summary.commands, "command")}${inline} → ${plural(summary.runSteps, "run step")}, ${summary.manualSteps} manual`;
  if (summary.otherShell.length > 0) {
    const shells = groupBy(summary.otherShell, (o) => o.shell).map(([shell, list]) => `${shell} at ${lineList(list.map((o) => o.line))}`);
    steps += ` (another shell: ${shells.join("; ")})`;
  }
  out.push(`  ${steps}`);
  out.push(`  ${plural(summary.phases, "phase")}${summary.options > 0 ? `, ${plural(summary.options, "option")} to choose from` : ""}`);
  if (summary.inputs.length > 0) {
    out.push(`  ${plural(summary.inputs.length, "input")}: ${summary.inputs.map((i) => `${i.name} (${i.type}, from ${i.from})`).join(", ")}`);
  } else out.push("  no inputs");
  if (summary.severities.length > 0) out.push(`  severities: ${summary.severities.join(", ")}`);
  if (summary.reference.length > 0) {
    const groups = groupBy(summary.reference, (r) => `${r.language}|${r.why}`).map(([, list]) => {
      const where = list.map((r) => (r.endLine > r.line ? `${r.line}-${r.endLine}` : `${r.line}`));
      return `${list[0]!.language} at ${where.length === 1 && !where[0]!.includes("-") ? "line" : "lines"} ${where.join(", ")} (${list[0]!.why})`;
    });
    out.push(`  reference text kept: ${groups.join("; ")}`);
  }
  if (summary.notPlaced.length > 0) {
    const groups = groupBy(summary.notPlaced, (n) => `${n.what}|${n.why}`).map(([, list]) => {
      const where = list.map((n) => lineRange(n.line, n.endLine).replace(/^lines? /, ""));
      return `${list[0]!.what} at ${where.length === 1 && !where[0]!.includes("-") ? "line" : "lines"} ${where.join(", ")} (${list[0]!.why})`;
    });
    out.push(`  not placed: ${groups.join("; ")}`);
  }
  for (const [message, list] of groupBy(summary.notes, (n) => n.message)) {
    out.push(`  note: ${list.length === 1 ? `line ${list[0]!.line}: ${list[0]!.message}` : `${message} (${lineList(list.map((n) => n.line))})`}`);
  }
  for (const r of summary.repaired) out.push(`  repaired: ${r}`);
  return `${out.join("\n")}\n`;
}

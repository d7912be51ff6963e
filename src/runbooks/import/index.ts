/**
 * `handrail import`: a markdown runbook in, a handrail/v1 runbook (YAML text and model) and a
 * fidelity summary out. Pure: no console output, no files, no processes.
 */
import { parse as parseYaml } from "yaml";
import type { Runbook } from "../schema.js";
import { classifyBlock, firstWord } from "./commands.js";
import { emitChecked, assembleRunbook, type RunbookHead } from "./emit.js";
import { scanMarkdown, type Block } from "./markdown.js";
import { EscalationCollector } from "./escalations.js";
import { outputCheck } from "./expected.js";
import { PhaseMapper, type PhaseDraft } from "./phases.js";
import { documentAssignments, InputRegistry } from "./placeholders.js";
import { buildSections } from "./sections.js";
import { SeverityCollector } from "./severity.js";
import { splitShell } from "./shell-split.js";
import { emptySummary, type ImportSummary } from "./summary.js";
import { firstSentence, humanize, plainInline, shorten, slugify } from "./text.js";

export { formatSummary, type ImportSummary } from "./summary.js";

export interface ImportOptions {
  /** The file the text came from (`-` for standard input): names the runbook and the summary. */
  fileName: string;
  /** Force the runbook id (to keep ids unique when importing a directory). */
  id?: string;
}

export interface ImportResult {
  yaml: string;
  runbook: Runbook;
  summary: ImportSummary;
}

const TAGS: Array<[RegExp, string]> = [
  [/^(?:kubectl|oc|k9s|stern)$/, "kubernetes"],
  [/^helm$/, "helm"],
  [/^(?:docker|docker-compose|podman)$/, "docker"],
  [/^(?:psql|pg_dump|pg_restore|pg_isready|pg_ctl)$/, "postgres"],
  [/^redis-cli$/, "redis"],
  [/^aws$/, "aws"],
  [/^(?:gcloud|gsutil)$/, "gcp"],
  [/^az$/, "azure"],
  [/^terraform$/, "terraform"],
];

const GENERIC_FILE = /^(?:readme|index|runbook|playbook|stdin|-|untitled|document|doc|notes)$/i;

function baseName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? "";
  return base.replace(/\.(?:md|markdown|mdown|mkd|txt|text)$/i, "");
}

/** The id: a meaningful file name, else the first H1 without "Runbook", else the file name. */
function runbookId(fileName: string, title: string | undefined): string {
  const base = baseName(fileName);
  if (/^[A-Za-z][A-Za-z0-9 _.-]*$/.test(base) && !GENERIC_FILE.test(base)) return slugify(base, "imported-runbook", 60);
  if (title) {
    const trimmed = title.replace(/\b(?:runbook|playbook|documentation|docs|guide|procedures?)\s*$/i, "").trim();
    const id = slugify(trimmed || title, "", 60);
    if (id !== "") return id;
  }
  return slugify(base, "imported-runbook", 60);
}

function frontMatter(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const data: unknown = parseYaml(text);
    return data !== null && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function shellCommands(blocks: readonly Block[]): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  for (const b of blocks) {
    if (b.type !== "code" || classifyBlock(b.lang, b.lines).kind !== "shell") continue;
    for (const item of splitShell(b.lines, b.line + 1)) if (item.kind === "command") out.push({ text: item.text, line: item.line });
  }
  return out;
}

/** Where each block of expected output went: a check of the step before it, or its description. */
function noteOutputs(phases: readonly PhaseDraft[], summary: ImportSummary): void {
  for (const phase of phases) {
    for (const step of [...phase.steps, ...phase.options.flatMap((o) => o.steps)]) {
      if (!step.expected || step.expected.inline) continue;
      const check = step.run !== undefined && !step.interactive ? outputCheck(step.expected, phase.kind) : undefined;
      const to = check ? `${check.field} of` : step.expected.kind === "example" ? "description (an example) of" : "description of";
      const note = { line: step.expected.line, message: `output shown for a step → ${to} "${shorten(step.title, 50)}"` };
      if (!summary.notes.some((n) => n.line === note.line && n.message === note.message)) summary.notes.push(note);
    }
  }
}

/** Import one markdown document. Never throws for any input text. */
export function importMarkdown(text: string, opts: ImportOptions): ImportResult {
  const summary = emptySummary(opts.fileName);
  const scanned = scanMarkdown(text.replace(/^\uFEFF/, ""));
  const fm = frontMatter(scanned.frontMatter?.text);
  const { root, title: h1 } = buildSections(scanned.blocks);
  const fmTitle = typeof fm.title === "string" && fm.title.trim() !== "" ? fm.title.trim() : undefined;
  const title = shorten(h1?.text || fmTitle || humanize(baseName(opts.fileName)) || "Imported runbook", 120) || "Imported runbook";

  const commands = shellCommands(scanned.blocks);
  const registry = new InputRegistry(documentAssignments(commands));
  const severity = new SeverityCollector();
  const escalations = new EscalationCollector();
  const meta: { owner?: string } = {};
  const env = { registry, summary, severity, escalations, meta };
  const outline = new PhaseMapper(env, root, title).run();

  const id = opts.id ?? runbookId(opts.fileName, h1?.text ?? fmTitle);
  const head: RunbookHead = { id, title, source: opts.fileName === "-" ? "standard input" : opts.fileName };
  const fmDescription = typeof fm.description === "string" ? fm.description : undefined;
  const intro = [fmDescription, ...outline.intro].filter((p): p is string => p !== undefined && p.trim() !== "");
  if (intro.length > 0) {
    head.summary = firstSentence(intro[0]!);
    head.description = intro.join("\n\n").trim();
  }
  const owner = typeof fm.owner === "string" ? fm.owner : typeof fm.author === "string" ? fm.author : meta.owner;
  if (owner && owner.trim() !== "") head.owner = plainInline(owner);
  const tags = new Set<string>(Array.isArray(fm.tags) ? fm.tags.filter((t): t is string => typeof t === "string" && t.trim() !== "") : []);
  for (const c of commands) for (const [re, tag] of TAGS) if (re.test(firstWord(c.text))) tags.add(tag);
  if (tags.size > 0) head.tags = [...tags].slice(0, 8);
  if (outline.links.length > 0) head.links = outline.links;
  if (severity.size > 0) head.severities = severity.severities;
  if (escalations.size > 0) head.escalations = escalations.escalations(severity.severities, summary.notes);
  const inputs = registry.specs();
  if (Object.keys(inputs).length > 0) head.inputs = inputs;

  noteOutputs(outline.phases, summary);

  const stepLines = new Map<string, number>();
  const emitted = emitChecked(assembleRunbook(head, outline.phases, stepLines), head.source ?? opts.fileName, stepLines);
  const runbook = emitted.runbook;
  summary.runbookId = runbook.id;
  summary.repaired = emitted.repaired;
  summary.notes.push(...registry.notes, ...emitted.moved);
  summary.notes.sort((a, b) => a.line - b.line);
  summary.phases = runbook.phases.length;
  for (const phase of runbook.phases) {
    summary.options += phase.options?.length ?? 0;
    for (const step of [...(phase.steps ?? []), ...(phase.options ?? []).flatMap((o) => o.steps)]) {
      if (step.run !== undefined) summary.runSteps++;
      else summary.manualSteps++;
    }
  }
  summary.inputs = Object.entries(runbook.inputs ?? {}).map(([name, spec]) => ({ name, type: spec.type, from: /^From (.+?) in the markdown/.exec(spec.description ?? "")?.[1] ?? name }));
  summary.severities = Object.entries(runbook.severities ?? {}).map(([sev, p]) => `${sev} ${p?.respondWithin ?? ""}`.trim());
  return { yaml: emitted.yaml, runbook, summary };
}

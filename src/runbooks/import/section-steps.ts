/**
 * The blocks under one heading as steps. Prose is the next step's instructions (or, with no
 * step at all, one manual step), and its last sentence the title of a command that has no
 * comment; checklist items are manual steps unless a command comes with them; `code spans` in
 * bullets that start with an operations binary are run steps; other languages are kept as
 * reference text in a manual step. "Expected output:" and its block belong to the step before
 * them; "Option 2:" / "Alternatively," mark the steps that start alternatives (alternatives.ts).
 */
import { alternativeMark, closesAlternatives, type AltMark } from "./alternatives.js";
import type { EscalationCollector } from "./escalations.js";
import { classifyBlock, isInlineOpsCommand, commandRisk, needsTerminal } from "./commands.js";
import { outputLabel, outputText, type ExpectedOutput } from "./expected.js";
import type { Block, CodeBlock, ItemBlock } from "./markdown.js";
import type { SeverityCollector } from "./severity.js";
import { shellBlockSteps, type ShellContext, type StepDraft } from "./shell-steps.js";
import { cleanTitle, plainInline, shorten } from "./text.js";

export interface BuildEnv extends ShellContext {
  severity: SeverityCollector;
  escalations: EscalationCollector;
  meta: { owner?: string };
}

export interface SectionSteps {
  steps: StepDraft[];
  /** Prose with no step to attach it to. */
  prose: string[];
}

const META = /^\s*(?:\*\*|__)?(last updated|updated|version|document version|maintained by|owner|owners|author|authors|reviewed)(?:\*\*|__)?\s*:?(?:\*\*|__)?\s*:?\s*(.*)$/i;

/** Whether a block (or its section) holds at least one command to run. */
export function blockHasCommands(block: Block): boolean {
  if (block.type === "code") return classifyBlock(block.lang, block.lines).kind === "shell";
  if (block.type === "item") return inlineCommands(block.text).length > 0;
  return false;
}

function inlineCommands(text: string): string[] {
  return [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim()).filter(isInlineOpsCommand);
}

const LEAD_IN = /^(?:(?:now|then|first|next|also)\s+)?(?:run|use|execute|try|type|enter|do|see)(?:\s+(?:the|this|these|it|following|below|command|commands|one of))*$|^(?:for example|e\.g|example|as follows|like so|like this|here|see below)$|\b(?:with|using|by running|following|below|as follows|like this|like so)$/i;

// "Then, in either case, watch the rollout": the order is the walk's, the title is "Watch the rollout".
const SEQUENCE_WORD = /^(?:(?:then|next|finally|now|first|afterwards|after that|in (?:either|both|all|any|each) cases?|either way)[,:]?\s+)+/i;

// "Note: this takes a minute." or a question says something about the step; it does not name it.
const ASIDE = /^(?:note|warning|caution|important|tip|info|danger|attention|nb)\b|\?$/i;

/** A title from a paragraph: its last sentence, when it is short and says more than "Run the following". */
function proseTitle(text: string): string | undefined {
  const plain = plainInline(text);
  if (ASIDE.test(plain)) return undefined;
  const sentences = plain.split(/(?<=[.!?])\s+/);
  const t = cleanTitle((sentences[sentences.length - 1] ?? "").replace(SEQUENCE_WORD, ""), 200);
  if (t.length < 3 || t.length > 90 || LEAD_IN.test(t) || ASIDE.test(t)) return undefined;
  return t[0]!.toUpperCase() + t.slice(1);
}

const joinText = (...parts: Array<string | undefined>): string => parts.filter((p) => p !== undefined && p.trim() !== "").join("\n\n");

/** Output shown for a step: the first that can be checked is its `expected`, any more go to its description. */
function attachOutput(step: StepDraft, output: ExpectedOutput): void {
  if (step.expected === undefined) step.expected = output;
  else step.description = joinText(step.description, outputText(output));
}

function referenceStep(block: CodeBlock, language: string, title: string, prose: string[]): StepDraft {
  const fence = block.lines.some((l) => l.includes("```")) ? "~~~" : "```";
  const body = `${fence}${language === "text" ? "" : language}\n${block.lines.join("\n")}\n${fence}`;
  const text = [...prose, body].join("\n\n");
  return { title, manual: text, line: block.line };
}

/**
 * Steps for the blocks of one section; `sectionTitle` names steps made of reference text,
 * `initialHint` titles the first step when nothing closer does.
 */
export function sectionSteps(blocks: readonly Block[], sectionTitle: string, env: BuildEnv, initialHint?: string): SectionSteps {
  const steps: StepDraft[] = [];
  let prose: string[] = [];
  let hint = initialHint;
  // Under an "Escalation" heading, lines with a time are escalations too (they stay as text as well).
  const escalating = /escalat/i.test(sectionTitle);
  const escalation = (text: string, line: number) => {
    if (escalating && env.escalations.fromLine(text, line)) env.summary.notes.push({ line, message: `"${shorten(plainInline(text), 60)}" → escalations` });
  };
  // The alternative a paragraph announced, until a step takes it; a "Then, in either case" paragraph.
  let pendingAlt: AltMark | undefined;
  let afterAlt = false;
  // "Expected output:" waiting for its block.
  let output: { kind: ExpectedOutput["kind"]; text: string } | undefined;
  const takeLead = (): string | undefined => {
    const lead = prose.join("\n").trim();
    prose = [];
    return lead === "" ? undefined : lead;
  };
  const add = (list: StepDraft[]) => {
    const first = list[0];
    if (first && pendingAlt) first.alt = pendingAlt;
    if (first && afterAlt) first.afterAlternatives = true;
    if (first) pendingAlt = undefined;
    if (first) afterAlt = false;
    steps.push(...list);
    hint = undefined;
  };
  /** An announced alternative with no command after it is an instruction of its own. */
  const flushAlt = () => {
    if (pendingAlt === undefined) return;
    const lead = takeLead();
    if (lead !== undefined) add([{ title: pendingAlt.title || cleanTitle(lead.split("\n")[0]!, 90), manual: lead, line: pendingAlt.line }]);
    pendingAlt = undefined;
  };
  const startAlternative = (mark: AltMark) => {
    flushAlt();
    const lead = takeLead();
    const last = steps[steps.length - 1];
    // Prose between a step and the next alternative is about that step; before any step, an instruction of its own.
    if (lead !== undefined && last) last.description = joinText(last.description, lead);
    else if (lead !== undefined) add([{ title: cleanTitle(lead.split("\n")[0]!, 90), manual: lead, line: mark.line }]);
    pendingAlt = mark;
  };
  const labelAsProse = () => {
    if (output) prose.push(output.text);
    output = undefined;
  };

  blocks.forEach((block, idx) => {
    const next = blocks[idx + 1];
    const nestedCode = (item: ItemBlock) => next?.type === "code" && next.indent > item.indent;
    if (block.type !== "code") labelAsProse();
    switch (block.type) {
      case "paragraph": {
        const kept: string[] = [];
        for (const line of block.lines) {
          const meta = META.exec(line);
          if (meta) {
            const value = plainInline(meta[2] ?? "");
            if (/maintain|owner|author/i.test(meta[1]!) && value !== "") env.meta.owner ??= value;
            else env.summary.notPlaced.push({ what: `"${plainInline(meta[1]!)}" line`, line: block.line + block.lines.indexOf(line), why: "document metadata" });
            continue;
          }
          if (env.severity.fromField(line)) {
            env.summary.notes.push({ line: block.line + block.lines.indexOf(line), message: `"${plainInline(line)}" → severities` });
            continue;
          }
          escalation(line, block.line + block.lines.indexOf(line));
          kept.push(line);
        }
        if (kept.length === 0) break;
        const text = kept.join("\n");
        const last = steps[steps.length - 1];
        const label = last ? outputLabel(text) : undefined;
        if (last && label) {
          if (label.inline === "") output = { kind: label.kind, text };
          else attachOutput(last, { kind: label.kind, lines: [label.inline], line: block.line, inline: true });
          break;
        }
        const mark = alternativeMark(text, block.line, "prose");
        if (mark) startAlternative(mark);
        else if (closesAlternatives(text)) {
          flushAlt();
          afterAlt = true;
        }
        prose.push(text);
        hint = (mark ? mark.title || undefined : proseTitle(text)) ?? hint;
        break;
      }
      case "item": {
        const nested: string[] = [];
        for (let k = idx + 1; k < blocks.length; k++) {
          const b = blocks[k]!;
          if (b.type !== "item" || b.indent <= block.indent) break;
          nested.push(b.text);
        }
        env.severity.fromListItem(block.text, nested);
        escalation(block.text.replace(/\n/g, " "), block.line);
        const commands = inlineCommands(block.text);
        const mark = commands.length > 0 || nestedCode(block) ? alternativeMark(block.text, block.line, "prose") : undefined;
        if (mark) startAlternative(mark);
        const title = mark?.title || cleanTitle(block.text);
        if (commands.length > 0) {
          const lead = takeLead();
          env.summary.inlineCommands += commands.length;
          commands.forEach((cmd, n) => {
            const run = env.registry.rewrite(cmd, block.line);
            const step: StepDraft = { title: n === 0 ? title : cleanTitle(cmd, 72), run, line: block.line };
            const risk = commandRisk(cmd);
            if (risk) step.risk = risk;
            if (needsTerminal(cmd)) step.interactive = true;
            if (n === 0 && lead) step.description = lead;
            add([step]);
          });
        } else if (nestedCode(block)) {
          hint = title;
        } else if (block.checked !== undefined) {
          const lead = takeLead();
          add([{ title, manual: plainInline(block.text.replace(/\n/g, " ")) || title, line: block.line, ...(lead ? { description: lead } : {}) }]);
        } else {
          const line = `${" ".repeat(block.indent)}${block.marker} ${block.text.replace(/\n/g, " ")}`;
          const prev = blocks[idx - 1];
          if (prev?.type === "item" && prose.length > 0) prose[prose.length - 1] += `\n${line}`;
          else prose.push(line);
          hint = undefined;
        }
        break;
      }
      case "code": {
        const last = steps[steps.length - 1];
        if (output && last) {
          // Output to compare with, never a command to run, whatever its language.
          attachOutput(last, { kind: output.kind, lines: block.lines, line: block.line });
          output = undefined;
          break;
        }
        const cls = classifyBlock(block.lang, block.lines);
        if (cls.kind === "shell") {
          env.summary.shellBlocks++;
          const made = shellBlockSteps(block.lines, block.line + 1, env, hint, takeLead());
          for (const s of made) s.block = block.line;
          add(made);
        } else {
          env.summary.referenceBlocks++;
          env.summary.reference.push({ language: cls.language, line: block.line, endLine: block.endLine, why: cls.why });
          const title = hint ?? (prose.length > 0 && plainInline(prose[prose.length - 1]!).length <= 90 ? cleanTitle(prose[prose.length - 1]!) : sectionTitle);
          const lead = prose;
          prose = [];
          add([{ ...referenceStep(block, cls.language, title || sectionTitle, lead), block: block.line }]);
        }
        break;
      }
      case "table": {
        if (env.severity.fromTable(block.rows)) {
          env.summary.notPlaced.push({ what: "table", line: block.line, endLine: block.endLine, why: "became severities" });
          break;
        }
        const header = block.rows[0]?.join(" ") ?? "";
        if (/escalat/i.test(header) || escalating || block.rows.some((r) => r.some((c) => /escalate to/i.test(c)))) {
          const n = env.escalations.fromTable(block.rows, escalating, block.line);
          if (n > 0) env.summary.notes.push({ line: block.line, message: `${n} row${n === 1 ? "" : "s"} of the escalation table → escalations` });
        }
        prose.push(block.raw.join("\n"));
        hint = undefined;
        break;
      }
      case "html":
        env.summary.notPlaced.push({ what: "html comment", line: block.line, endLine: block.endLine, why: "not shown to the operator" });
        break;
      default:
        break;
    }
  });
  labelAsProse();
  flushAlt();
  // Prose after the last step is an instruction of its own, not a footnote to that step.
  const rest = prose.join("\n").trim();
  if (rest !== "" && steps.length > 0) {
    const line = blocks.filter((b) => b.type === "paragraph" || b.type === "item" || b.type === "table").pop()?.line ?? steps[steps.length - 1]!.line;
    add([{ title: cleanTitle(rest.split("\n")[0]!.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, ""), 90), manual: rest, line }]);
    prose = [];
  }
  return { steps, prose };
}

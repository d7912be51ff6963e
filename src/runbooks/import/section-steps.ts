/**
 * The blocks under one heading as steps. Prose is the next step's instructions (or, with no
 * step at all, one manual step); checklist items are manual steps unless a command comes with
 * them; `code spans` in bullets that start with an operations binary are run steps; other
 * languages are kept as reference text in a manual step.
 */
import type { EscalationCollector } from "./escalations.js";
import { classifyBlock, isInlineOpsCommand, commandRisk, needsTerminal } from "./commands.js";
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
  const takeLead = (): string | undefined => {
    const lead = prose.join("\n").trim();
    prose = [];
    return lead === "" ? undefined : lead;
  };
  const add = (list: StepDraft[]) => {
    steps.push(...list);
    hint = undefined;
  };

  blocks.forEach((block, idx) => {
    const next = blocks[idx + 1];
    const nestedCode = (item: ItemBlock) => next?.type === "code" && next.indent > item.indent;
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
        prose.push(kept.join("\n"));
        const only = kept.length === 1 ? plainInline(kept[0]!) : "";
        if (only !== "" && only.length <= 90 && /:$/.test(only)) hint = cleanTitle(only);
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
        const title = cleanTitle(block.text);
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
        const cls = classifyBlock(block.lang, block.lines);
        if (cls.kind === "shell") {
          env.summary.shellBlocks++;
          const made = shellBlockSteps(block.lines, block.line + 1, env, hint, takeLead());
          add(made);
        } else {
          env.summary.referenceBlocks++;
          env.summary.reference.push({ language: cls.language, line: block.line, endLine: block.endLine, why: cls.why });
          const title = hint ?? (prose.length > 0 && plainInline(prose[prose.length - 1]!).length <= 90 ? cleanTitle(prose[prose.length - 1]!) : sectionTitle);
          const lead = prose;
          prose = [];
          add([referenceStep(block, cls.language, title || sectionTitle, lead)]);
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
  // Prose after the last step is an instruction of its own, not a footnote to that step.
  const rest = prose.join("\n").trim();
  if (rest !== "" && steps.length > 0) {
    const line = blocks.filter((b) => b.type === "paragraph" || b.type === "item" || b.type === "table").pop()?.line ?? steps[steps.length - 1]!.line;
    steps.push({ title: cleanTitle(rest.split("\n")[0]!.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, ""), 90), manual: rest, line });
    prose = [];
  }
  return { steps, prose };
}

/** Headings as a tree of sections, and what heading words say about a section: its phase kind, an option, a step. */
import type { PhaseKind } from "../schema.js";
import type { Block } from "./markdown.js";
import { cleanTitle, plainInline } from "./text.js";

export interface Section {
  title: string;
  level: number;
  line: number;
  pseudo: boolean;
  blocks: Block[];
  children: Section[];
  parent?: Section;
}

/** The section tree; a first H1 above every other heading is the document's title, not a section. */
export function buildSections(blocks: readonly Block[]): { root: Section; title?: { text: string; line: number } } {
  const root: Section = { title: "", level: 0, line: 1, pseudo: false, blocks: [], children: [] };
  const stack: Section[] = [root];
  let title: { text: string; line: number } | undefined;
  const firstHeading = blocks.find((b) => b.type === "heading");
  for (const block of blocks) {
    if (block.type !== "heading") {
      stack[stack.length - 1]!.blocks.push(block);
      continue;
    }
    if (block === firstHeading && block.level === 1 && !block.pseudo && title === undefined) {
      title = { text: plainInline(block.text), line: block.line };
      continue;
    }
    while (stack.length > 1 && stack[stack.length - 1]!.level >= block.level) stack.pop();
    const parent = stack[stack.length - 1]!;
    const section: Section = { title: block.text, level: block.level, line: block.line, pseudo: block.pseudo, blocks: [], children: [], parent };
    parent.children.push(section);
    stack.push(section);
  }
  return title ? { root, title } : { root };
}

const KIND_WORDS: Array<[RegExp, PhaseKind]> = [
  [/\b(?:symptoms?|diagnos\w*|investigat\w*|possible checks?|troubleshoot\w*|triage|analy[sz]\w*|identify\w*|debug\w*|root cause|inspect\w*|detect\w*|evidence|what to check)\b/gi, "diagnose"],
  [/\b(?:mitigat\w*|resolution|resolv\w*|remediat\w*|fix\w*|rollbacks?|roll(?:ing)? back|recover\w*|restor\w*|restart\w*|workarounds?|repair\w*|failover|promot\w*|deploy\w*|rollouts?|emergency procedures?)\b/gi, "remediate"],
  [/\b(?:verif\w*|validat\w*|post-?checks?|post checks?|confirm\w*|smoke tests?|monitor\w*|health checks?|post-deploy\w*|burn-in)\b/gi, "verify"],
  [/\b(?:meaning|impact|assess\w*|prerequisites?|pre-?requisites|preparation|prepare|before you (?:begin|start)|pre-deploy\w*|pre-flight|checklist|severity|background)\b/gi, "assess"],
  [/\b(?:post-incident|post-?mortem|review|retrospective|lessons learned|prevent\w*|follow-?ups?|action items|document\w*)\b/gi, "review"],
  [/\b(?:communicat\w*|notif\w*|escalat\w*|stakeholders?|contacts?|announce\w*|status updates?|paging|on-call)\b/gi, "communicate"],
];

/** The phase kind a heading's words name; the last word that names one wins ("Rollback Verification" → verify). */
export function kindOf(title: string): PhaseKind | undefined {
  const text = plainInline(title);
  const matches: Array<{ start: number; end: number; kind: PhaseKind }> = [];
  for (const [re, kind] of KIND_WORDS) {
    for (const m of text.matchAll(re)) matches.push({ start: m.index, end: m.index + m[0].length, kind });
  }
  const outer = matches.filter((m) => !matches.some((o) => o !== m && o.start <= m.start && o.end >= m.end && o.end - o.start > m.end - m.start));
  outer.sort((a, b) => a.start - b.start);
  return outer[outer.length - 1]?.kind;
}

const OPTION = /^(?:option|approach|alternative|solution|choice|method|strategy|plan)\s*#?\s*(\d+|[A-Z])\b\s*[:.)—–-]?\s*(.*)$/i;

/** "Option 2: Roll back" → { n: "2", rest: "Roll back" }. */
export function optionTitle(title: string): { n: string; rest: string } | undefined {
  const m = OPTION.exec(plainInline(title).replace(/^\d+(?:\.\d+)*\.?\s+/, ""));
  return m ? { n: m[1]!, rest: cleanTitle(m[2]!) } : undefined;
}

/** "Step 3: …" headings are steps of the phase above them, never phases. */
export function isStepTitle(title: string): boolean {
  return /^(?:step|stage)\s*\d+[a-z]?\b/i.test(plainInline(title).replace(/^\d+(?:\.\d+)*\.?\s+/, ""));
}

const GENERIC = /^(?:symptoms?|diagnos[ie]s|diagnostics?|investigation|resolution|remediation|mitigation|recovery|verification|validation|rollback|fix|procedure|steps|impact|assessment|notes?|options?|troubleshooting|checks?|actions?|commands?|communication|escalation|post-checks?|what it does|when to use|when it triggers|how to fix|causes?|solutions?)$/i;

/** A heading too generic to name a phase alone ("Diagnosis"), so its parent's title goes first. */
export function isGeneric(title: string): boolean {
  return GENERIC.test(cleanTitle(title));
}

export const isToc = (title: string): boolean => /^(?:table of contents|contents|toc|index)$/i.test(cleanTitle(title));
export const isIntro = (title: string): boolean => /^(?:overview|introduction|intro|summary|about|purpose|background|scope|description|context|tl;?dr)$/i.test(cleanTitle(title));
export const isLinksTitle = (title: string): boolean => /^(?:related|references?|links|see also|further reading|resources|external links)\b/i.test(cleanTitle(title));

/** Every block of a section and of its subsections, in order. */
export function deepBlocks(section: Section): Block[] {
  return [...section.blocks, ...section.children.flatMap(deepBlocks)];
}

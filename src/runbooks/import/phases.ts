/**
 * Sections to phases. A phase is made by a top-level section, or by a deeper one that names a
 * phase kind or holds commands of its own; other sections (prose, "Step 2: …", bold labels)
 * are steps of the phase above them. "Option 1 / 2", "Approach A / B" headings become options,
 * and so do the alternatives written in prose (alternatives.ts).
 */
import type { PhaseKind } from "../schema.js";
import { optionsWithin, splitAlternatives, type OptionDraft, type Segment } from "./alternatives.js";
import { blockHasCommands, sectionSteps, type BuildEnv } from "./section-steps.js";
import { deepBlocks, isGeneric, isIntro, isLinksTitle, isStepTitle, isToc, kindOf, optionTitle, type Section } from "./sections.js";
import type { StepDraft } from "./shell-steps.js";
import { cleanTitle, plainInline, shorten } from "./text.js";

const shortTitle = (title: string) => shorten(title, 40);

export type { OptionDraft } from "./alternatives.js";
export interface PhaseDraft {
  anchor: Section;
  title: string;
  kind?: PhaseKind;
  kindHints: Array<PhaseKind | undefined>;
  steps: StepDraft[];
  options: OptionDraft[];
}

export interface Outline {
  phases: PhaseDraft[];
  intro: string[];
  links: Array<{ title: string; url: string }>;
}

export class PhaseMapper {
  readonly phases: PhaseDraft[] = [];
  readonly intro: string[] = [];
  readonly links: Array<{ title: string; url: string }> = [];
  private readonly anchors = new Map<Section, boolean>();

  constructor(
    private readonly env: BuildEnv,
    private readonly root: Section,
    private readonly docTitle: string,
  ) {}

  /** Map the whole tree. */
  run(): Outline {
    const { steps, prose } = sectionSteps(this.root.blocks, this.docTitle, this.env);
    this.intro.push(...prose);
    for (const seg of this.segments(steps)) {
      if (seg.kind === "steps") this.phaseFor(this.root).steps.push(...seg.steps);
      else this.phaseFor(this.root, undefined, true).options.push(...seg.options);
    }
    this.children(this.root, this.root);
    this.resolveKinds();
    this.mergeLeadIns();
    return { phases: this.phases, intro: this.intro, links: this.links };
  }

  private hasCommands(section: Section): boolean {
    return deepBlocks(section).some(blockHasCommands);
  }

  private isAnchor(s: Section): boolean {
    let known = this.anchors.get(s);
    if (known === undefined) {
      known = s !== this.root && !isStepTitle(s.title) && (s.parent === this.root || (this.hasCommands(s) && (!s.pseudo || kindOf(s.title) !== undefined)));
      this.anchors.set(s, known);
    }
    return known;
  }

  private title(anchor: Section): string {
    if (anchor === this.root) return this.docTitle;
    const own = cleanTitle(anchor.title);
    if (!isGeneric(anchor.title)) return own;
    for (let p = anchor.parent; p && p !== this.root; p = p.parent) {
      if (!isGeneric(p.title)) return `${cleanTitle(p.title, 70)}: ${own}`;
    }
    return own;
  }

  private phaseFor(anchor: Section, via?: Section, forOptions = false): PhaseDraft {
    const cur = this.phases[this.phases.length - 1];
    if (cur && cur.anchor === anchor && (forOptions || cur.options.length === 0)) return cur;
    const continuation = this.phases.some((p) => p.anchor === anchor);
    // Steps after a choice need a phase of their own (options come last in a phase).
    const afterChoice = cur?.anchor === anchor && cur.options.length > 0 && !forOptions;
    const title = continuation && via ? `${this.title(anchor)}: ${cleanTitle(via.title, 60)}` : afterChoice ? `${this.title(anchor)} (continued)` : this.title(anchor);
    const ancestors: Array<PhaseKind | undefined> = [];
    for (let p = anchor.parent; p && p !== this.root; p = p.parent) ancestors.push(kindOf(p.title));
    const phase: PhaseDraft = { anchor, title, kindHints: via?.pseudo && !isStepTitle(via.title) ? [kindOf(via.title), kindOf(anchor.title), ...ancestors] : [kindOf(anchor.title), via ? kindOf(via.title) : undefined, ...ancestors], steps: [], options: [] };
    this.phases.push(phase);
    return phase;
  }

  private visit(section: Section, anchor: Section): void {
    const title = cleanTitle(section.title);
    if (isToc(section.title)) {
      this.env.summary.notPlaced.push({ what: "table of contents", line: section.line, why: "links within the document" });
      return;
    }
    if (isLinksTitle(section.title) && this.takeLinks(section)) return;
    // "Overview", or a subtitle paragraph before anything to do, describes the runbook.
    const early = this.phases.length === 0 && kindOf(section.title) === undefined && section.children.length === 0 && section.blocks.every((b) => b.type === "paragraph" || b.type === "rule");
    if (section.parent === this.root && (isIntro(section.title) || early) && !this.hasCommands(section)) {
      const { prose, steps } = sectionSteps(section.blocks, title, this.env);
      this.intro.push(...prose, ...steps.map((s) => s.manual ?? s.title));
      this.children(section, anchor);
      return;
    }
    if (section.children.length === 0 && !this.hasCommands(section)) {
      const body = section.blocks.map((b) => ("text" in b ? b.text : "")).join("\n");
      if (this.env.severity.fromHeading(section.title, body)) {
        this.env.summary.notPlaced.push({ what: "section", line: section.line, why: "became severities" });
        return;
      }
    }
    const isAnchor = this.isAnchor(section);
    const home = isAnchor ? section : anchor;
    // A heading right above a command titles it, unless it is only a word such as "Diagnosis".
    const hint = isAnchor && isGeneric(section.title) ? undefined : title;
    const { steps, prose } = sectionSteps(section.blocks, title, this.env, hint);
    const list = steps.length > 0 ? steps : prose.length > 0 ? [{ title, manual: prose.join("\n\n"), line: section.line }] : [];
    for (const seg of this.segments(list)) {
      if (seg.kind === "steps") this.phaseFor(home, isAnchor ? undefined : section).steps.push(...seg.steps);
      else this.phaseFor(home, undefined, true).options.push(...seg.options);
    }
    this.children(section, home);
  }

  /** Steps and the choices written in prose among them, each choice noted in the summary. */
  private segments(steps: StepDraft[]): Segment[] {
    const segs = splitAlternatives(steps);
    for (const seg of segs) if (seg.kind === "options") this.noteChoice(seg.line, seg.options);
    return segs;
  }

  private noteChoice(line: number, options: readonly OptionDraft[]): void {
    this.env.summary.notes.push({ line, message: `alternatives written in prose → ${options.length} options (${options.map((o) => `"${shortTitle(o.title)}"`).join(", ")})` });
  }

  private children(section: Section, home: Section): void {
    const kids = section.children;
    let prev: Section | undefined;
    for (let i = 0; i < kids.length; i++) {
      const child = kids[i]!;
      if (optionTitle(child.title) === undefined) {
        this.visit(child, home);
        prev = child;
        continue;
      }
      // Options follow the heading that introduces them ("Remediation:"), else belong to the section itself.
      const target = prev && (this.isAnchor(prev) || kindOf(prev.title) !== undefined) ? prev : home;
      const options: OptionDraft[] = [];
      while (i < kids.length && optionTitle(kids[i]!.title) !== undefined) {
        const opt = kids[i]!;
        const { n, rest } = optionTitle(opt.title)!;
        const steps = this.collect(opt, rest || `Option ${n}`);
        if (steps.length === 0) this.env.summary.notPlaced.push({ what: "option", line: opt.line, why: "nothing under it" });
        else {
          // "# Or manual rollback" inside an option: one option per alternative.
          const split = optionsWithin({ title: rest || `Option ${n}`, n, steps });
          if (split.length > 1) this.noteChoice(split[1]!.steps.find((s) => s.alt)?.line ?? opt.line, split);
          options.push(...split);
        }
        i++;
      }
      i--;
      if (options.length > 0) this.phaseFor(target, undefined, true).options.push(...options);
      prev = undefined;
    }
  }

  /** An option's steps: its own blocks and every subsection's, flattened. */
  private collect(section: Section, title: string): StepDraft[] {
    const { steps, prose } = sectionSteps(section.blocks, title, this.env, title);
    const out = steps.length > 0 ? steps : prose.length > 0 ? [{ title, manual: prose.join("\n\n"), line: section.line }] : [];
    for (const child of section.children) out.push(...this.collect(child, cleanTitle(child.title)));
    return out;
  }

  /** A "Related documentation" list of links becomes the runbook's links. */
  private takeLinks(section: Section): boolean {
    const items = section.blocks.filter((b) => b.type !== "rule" && b.type !== "paragraph");
    const links: Array<{ title: string; url: string }> = [];
    for (const b of items) {
      const m = b.type === "item" ? /^\s*\[([^\]]+)\]\(([^)\s]+)[^)]*\)/.exec(b.text) : null;
      if (!m) return false;
      links.push({ title: plainInline(m[1]!), url: m[2]! });
    }
    if (links.length === 0 || section.children.length > 0) return false;
    this.links.push(...links);
    this.env.summary.notes.push({ line: section.line, message: `${links.length} links → links` });
    for (const b of section.blocks) if (b.type === "paragraph") sectionSteps([b], "", this.env);
    return true;
  }

  private resolveKinds(): void {
    let previous: PhaseKind | undefined;
    for (const phase of this.phases) {
      const runs = phase.steps.concat(phase.options.flatMap((o) => o.steps)).filter((s) => s.run !== undefined);
      const inferred = runs.some((s) => s.risk !== undefined) ? "remediate" : runs.length > 0 ? "diagnose" : undefined;
      phase.kind = phase.kindHints.find((k) => k !== undefined) ?? inferred ?? previous ?? "assess";
      previous = phase.kind;
    }
  }

  /** A phase of manual steps only ("Symptoms") folds into the next phase of the same kind under the same heading. */
  private mergeLeadIns(): void {
    for (let i = this.phases.length - 2; i >= 0; i--) {
      const p = this.phases[i]!;
      const q = this.phases[i + 1]!;
      const named = kindOf(p.anchor.title);
      const siblings = q.anchor.parent === p.anchor.parent && (p.anchor.parent !== this.root || (named !== undefined && named === kindOf(q.anchor.title)));
      const related = q.anchor.parent === p.anchor || siblings;
      const qRuns = q.options.length > 0 || q.steps.some((s) => s.run !== undefined);
      if (p.options.length === 0 && p.steps.every((s) => s.run === undefined) && qRuns && related && p.kind === q.kind && q.anchor !== this.root) {
        q.steps.unshift(...p.steps);
        if (q.anchor.parent === p.anchor) q.title = p.title;
        this.phases.splice(i, 1);
      }
    }
  }
}

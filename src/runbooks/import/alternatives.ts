/**
 * Alternatives written in prose rather than as headings. "Option 1: …" / "Approach A — …"
 * (explicit) start an alternative that runs to the next one, to a paragraph that speaks of all
 * of them ("In either case, …") or to the end of the section. "Alternatively, …" / "Or …"
 * (implicit) offer the block that follows instead of the one before it. Without this the
 * importer made a sequence of them: restart, then tear down and start the previous tag.
 */
import type { StepDraft } from "./shell-steps.js";
import { cleanTitle, plainInline, shorten } from "./text.js";

/** Set on the first step of an alternative. */
export interface AltMark {
  /** What the markdown calls it ("Roll back to the previous tag"); empty when it names none. */
  title: string;
  /** "Option 2" / "Approach B" name themselves; "Alternatively" also makes what came before it the first alternative. */
  explicit: boolean;
  /**
   * Where it was written. An "Option 2:" paragraph runs to the next alternative, anything else to
   * the end of its code block; "Alternatively" in prose offers its block instead of the block
   * before it, "# Or" in a block its commands instead of the step just before.
   */
  where: "prose" | "comment";
  line: number;
}

export interface OptionDraft {
  title: string;
  n: string;
  description?: string;
  steps: StepDraft[];
}

export type Segment = { kind: "steps"; steps: StepDraft[] } | { kind: "options"; options: OptionDraft[]; line: number };

const EXPLICIT = /^(?:option|approach|alternative|solution|method|strategy)\s*#?\s*(\d{1,2}|[A-H])(?:\s*[:.)—–]|\s+-\s|\s*$)\s*(.*)$/i;
const IMPLICIT = /^(?:alternatively|as an alternative|another (?:option|way|approach)(?: is)?|or(?: else)?(?=[\s,:—–-]))[\s,:;—–-]*(.*)$/i;
/** A paragraph that speaks of every alternative ends them: what it introduces is done whichever was chosen. */
const CLOSE = /^(?:in (?:either|both|all|any|each) cases?|either way|whichever (?:option|approach|way|one|you)|regardless of (?:which|the option|the approach)|after (?:either|both|any) (?:of )?(?:these|them|option|approach))\b/i;

function titleCase(text: string): string {
  const t = shorten(cleanTitle(text.replace(/^(?:to|by|you can|you may|we can|just)\s+/i, "")), 90);
  return t === "" ? t : t[0]!.toUpperCase() + t.slice(1);
}

/** The alternative a paragraph, list item or shell comment starts ("Approach A — restart:" → explicit "Restart"), if any. */
export function alternativeMark(text: string, line: number, where: "prose" | "comment"): AltMark | undefined {
  const first = plainInline(text.split("\n")[0] ?? "");
  const explicit = EXPLICIT.exec(first);
  if (explicit) return { title: titleCase(explicit[2]!) || `${first.split(/\s/)[0]} ${explicit[1]}`, explicit: true, where, line };
  const implicit = IMPLICIT.exec(first);
  if (implicit) return { title: titleCase(implicit[1]!), explicit: false, where, line };
  return undefined;
}

/** A paragraph that closes a choice ("In either case, watch the rollout:"). */
export const closesAlternatives = (text: string): boolean => CLOSE.test(plainInline(text));

interface Alt {
  mark?: AltMark;
  steps: StepDraft[];
}

/** What "Alternatively" / "# Or" offers an alternative to, taken off the end of `steps`: the last block's steps, or the last step. */
function takeFirstAlternative(steps: StepDraft[], mark: AltMark): StepDraft[] {
  const last = steps[steps.length - 1];
  if (last === undefined) return [];
  let from = steps.length - 1;
  if (mark.where === "prose") while (last.block !== undefined && from > 0 && steps[from - 1]!.block === last.block && steps[from - 1]!.alt === undefined) from--;
  return steps.splice(from);
}

function belongs(alt: Alt, step: StepDraft): boolean {
  if (step.afterAlternatives) return false;
  if (alt.mark?.explicit && alt.mark.where === "prose") return true;
  const block = alt.steps[0]!.block;
  return block !== undefined && step.block === block;
}

/** A choice only where there are two alternatives and one of them runs something; else the steps stay in order. */
function finish(alts: Alt[], out: Segment[]): void {
  const runs = alts.some((a) => a.steps.some((s) => s.run !== undefined));
  if (alts.length < 2 || !runs) {
    out.push({ kind: "steps", steps: alts.flatMap((a) => a.steps) });
    return;
  }
  const line = alts.find((a) => a.mark)!.mark!.line;
  out.push({ kind: "options", line, options: alts.map((a, k) => ({ title: a.mark?.title || a.steps[0]!.title, n: String(k + 1), steps: a.steps })) });
}

/** A section's steps as runs of steps and choices, in order. */
export function splitAlternatives(steps: readonly StepDraft[]): Segment[] {
  const out: Segment[] = [];
  let common: StepDraft[] = [];
  let alts: Alt[] | undefined;
  const flushCommon = () => {
    if (common.length > 0) out.push({ kind: "steps", steps: common });
    common = [];
  };
  for (const step of steps) {
    if (step.alt !== undefined) {
      if (alts === undefined) {
        alts = [];
        // "Alternatively" offers something instead of what came just before it.
        const first = step.alt.explicit ? [] : takeFirstAlternative(common, step.alt);
        flushCommon();
        if (first.length > 0) alts.push({ steps: first });
      }
      alts.push({ mark: step.alt, steps: [step] });
      continue;
    }
    const current = alts?.[alts.length - 1];
    if (current && belongs(current, step)) {
      current.steps.push(step);
      continue;
    }
    if (alts) finish(alts, out);
    alts = undefined;
    common.push(step);
  }
  if (alts) finish(alts, out);
  flushCommon();
  // Adjacent runs of steps (a choice that did not stand) read as one.
  return out.reduce<Segment[]>((acc, seg) => {
    const prev = acc[acc.length - 1];
    if (prev?.kind === "steps" && seg.kind === "steps") prev.steps.push(...seg.steps);
    else acc.push(seg);
    return acc;
  }, []);
}

/**
 * An option whose steps offer alternatives of their own ("# Or manual rollback") becomes one
 * option per alternative, each with the steps before and after the choice. Only the first
 * choice splits it: a second one stays a sequence rather than multiplying the options.
 */
export function optionsWithin(option: OptionDraft): OptionDraft[] {
  const segs = splitAlternatives(option.steps);
  const at = segs.findIndex((s) => s.kind === "options");
  if (at < 0) return [option];
  const flat = (list: Segment[]) => list.flatMap((s) => (s.kind === "steps" ? s.steps : s.options.flatMap((o) => o.steps)));
  const before = flat(segs.slice(0, at));
  const after = flat(segs.slice(at + 1));
  const choice = segs[at] as Extract<Segment, { kind: "options" }>;
  return choice.options.map((alt, k) => ({
    title: k === 0 ? option.title : alt.title,
    n: `${option.n}${"abcdefghijklmnopqrstuvwxyz"[k] ?? k}`,
    ...(k === 0 ? {} : { description: `In the markdown, the alternative inside "${option.title}".` }),
    steps: [...before, ...alt.steps, ...after],
  }));
}

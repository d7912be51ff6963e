/**
 * `when:`, `recommended:` and `production:` conditions checked against the runbook: the inputs they
 * read exist, the steps they read exist and come before what they guard (the walk judges a
 * condition when it reaches it), and a step asked for its output has one.
 */
import type { Condition } from "./conditions.js";
import type { PathSegment } from "./problems.js";
import type { Runbook } from "./schema.js";
import { stepKind, type StepKind } from "./step-kind.js";
import { closest } from "./suggest.js";

export interface ConditionProblem {
  path: PathSegment[];
  message: string;
}

interface Place {
  path: PathSegment[];
  condition: Condition;
  /** Index, in the runbook's step order, of the first step the condition guards (Infinity for production:). */
  before: number;
}

const HAS_OUTPUT: ReadonlySet<StepKind> = new Set(["run", "k8s", "http"]);

function places(runbook: Runbook): { places: Place[]; order: Map<string, { index: number; kind: StepKind }>; choices: Map<string, { index: number; options: string[] }> } {
  const choices = new Map<string, { index: number; options: string[] }>();
  const order = new Map<string, { index: number; kind: StepKind }>();
  const out: Place[] = [];
  let index = 0;
  // Plain loops, and a path made only for a condition that is there: validate walks every step of every runbook here.
  const add = (c: unknown, before: number, ...path: PathSegment[]) => {
    if (c && typeof c === "object") out.push({ path, condition: c as Condition, before });
  };
  if (runbook.production) add(runbook.production, Infinity, "production");
  for (let p = 0; p < runbook.phases.length; p++) {
    const phase = runbook.phases[p]!;
    if (phase.when) add(phase.when, index, "phases", p, "when");
    if (phase.steps) {
      for (let s = 0; s < phase.steps.length; s++) {
        const step = phase.steps[s]!;
        if (step.when) add(step.when, index, "phases", p, "steps", s, "when");
        order.set(step.id, { index: index++, kind: stepKind(step) });
      }
    }
    if (!phase.options) continue;
    choices.set(phase.id, { index, options: phase.options.map((o) => o.id) });
    for (let o = 0; o < phase.options.length; o++) {
      const option = phase.options[o]!;
      // An option's condition is judged at the choice, before any step of the option runs.
      if (option.when) add(option.when, index, "phases", p, "options", o, "when");
      if (option.recommended) add(option.recommended, index, "phases", p, "options", o, "recommended");
      for (let s = 0; s < option.steps.length; s++) {
        const step = option.steps[s]!;
        if (step.when) add(step.when, index, "phases", p, "options", o, "steps", s, "when");
        order.set(step.id, { index: index++, kind: stepKind(step) });
      }
    }
  }
  return { places: out, order, choices };
}

/** Every problem of every condition in the runbook, each at the path of the part that is wrong. */
export function checkConditions(runbook: Runbook, checkRegex: (pattern: string | undefined, path: PathSegment[]) => ConditionProblem[]): ConditionProblem[] {
  const { places: all, order, choices } = places(runbook);
  const inputs = Object.keys(runbook.inputs ?? {});
  const out: ConditionProblem[] = [];
  const visit = (c: Condition, path: PathSegment[], before: number) => {
    if ("all" in c) return c.all.forEach((x, i) => visit(x, [...path, "all", i], before));
    if ("any" in c) return c.any.forEach((x, i) => visit(x, [...path, "any", i], before));
    if ("not" in c) return visit(c.not, [...path, "not"], before);
    if ("severity" in c) return;
    if ("chosen" in c) {
      const choice = choices.get(c.chosen);
      if (!choice) {
        const hint = closest(c.chosen, [...choices.keys()]);
        out.push({ path: [...path, "chosen"], message: `no phase "${c.chosen}" with options${hint ? ` (did you mean "${hint}"?)` : ""}` });
        return;
      }
      if (choice.index >= before) out.push({ path: [...path, "chosen"], message: `phase "${c.chosen}" is chosen later in the walk: a condition can only read choices made before it` });
      for (const [field, ids] of [["equals", c.equals === undefined ? [] : [c.equals]], ["in", c.in ?? []]] as const) {
        for (const id of ids) if (!choice.options.includes(id)) out.push({ path: [...path, field], message: `phase "${c.chosen}" has no option "${id}" (${choice.options.join(" | ")})` });
      }
      return;
    }
    if ("input" in c) {
      if (!inputs.includes(c.input)) {
        const hint = closest(c.input, inputs);
        out.push({ path: [...path, "input"], message: `no input "${c.input}"${hint ? ` (did you mean "${hint}"?)` : ""}` });
      }
      out.push(...checkRegex(c.matches, [...path, "matches"]));
      return;
    }
    const id = c.step.replace(/\[.*\]$/, "");
    const target = order.get(id);
    if (!target) {
      const hint = closest(id, [...order.keys()]);
      out.push({ path: [...path, "step"], message: `no step "${id}"${hint ? ` (did you mean "${hint}"?)` : ""}` });
      return;
    }
    if (target.index >= before) out.push({ path: [...path, "step"], message: `step "${id}" comes later in the walk: a condition is judged when the walk reaches it, so it can only read steps before it` });
    if (c.stdout !== undefined) {
      if (!HAS_OUTPUT.has(target.kind)) out.push({ path: [...path, "stdout"], message: `step "${id}" is a ${target.kind} step: it has no output to read` });
      out.push(...checkRegex(c.stdout.matches, [...path, "stdout", "matches"]));
    }
  };
  for (const p of all) visit(p.condition, p.path, p.before);
  return out;
}

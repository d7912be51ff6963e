/**
 * `onFail: goto:<id>`: the target exists, and a goto that can bring the walk back to where it was
 * declares how often (`retries`), since without a limit a step that keeps failing loops forever.
 */
import type { LintProblem } from "./lint.js";
import type { LintModel, StepSlot } from "./lint-model.js";
import { MAX_RETRIES } from "./schema-rules.js";
import { closest } from "./suggest.js";

/**
 * Why the walk can come back to `from` through its goto to `to`, or undefined when it cannot. The
 * walk follows the runbook's order and lands on the first step with the target's id, so a goto loops
 * when its target is this step or an earlier one; when the target sits in another option of the same
 * phase (the walk lands on the phase's choice, before this step); and when this step's phase repeats
 * for each item (the goto lands in the first repetition).
 */
export function loopReason(from: StepSlot, fromIndex: number, to: StepSlot, toIndex: number): string | undefined {
  if (toIndex === fromIndex) return "goes back to this same step";
  if (toIndex < fromIndex) return "goes back to an earlier step";
  if (to.phase !== from.phase) return undefined;
  const phase = from.phase.id !== undefined ? `phase "${from.phase.id}"` : "this phase";
  if (from.option !== undefined && to.option !== undefined && to.option !== from.option) return `lands on ${phase}'s choice of option, before this step,`;
  if (from.phase.looped) return `lands in the first repetition of ${phase} (forEach), before this step,`;
  return undefined;
}

/** Every goto's target exists; a goto that can loop declares `retries`; `retries` comes with a goto. */
export function checkGotos(model: LintModel, stepIds: ReadonlySet<string>, out: LintProblem[]): void {
  const firstIndex = new Map<string, number>();
  model.steps.forEach((slot, i) => {
    const id = slot.step.id;
    if (id !== undefined && !firstIndex.has(id)) firstIndex.set(id, i);
  });
  model.steps.forEach((slot, i) => {
    const { step, broken, path } = slot;
    const target = step.onFail?.startsWith("goto:") ? step.onFail.slice(5) : undefined;
    if (step.retries !== undefined && target === undefined && !broken.has("onFail")) {
      out.push({ path: [...path, "retries"], atKey: true, message: "retries applies only with onFail: goto:<step-id>" });
    }
    if (target === undefined) return;
    const at = firstIndex.get(target);
    if (at === undefined) {
      // A step whose id did not parse may be the one meant: its id is already reported.
      if (!model.stepIdsKnown || stepIds.has(target)) return;
      const hint = closest(target, stepIds);
      out.push({ path: [...path, "onFail"], message: `no step with id "${target}"${hint ? ` (did you mean "goto:${hint}"?)` : ""}` });
      return;
    }
    if (step.retries !== undefined || broken.has("retries")) return;
    const why = loopReason(slot, i, model.steps[at]!, at);
    if (why !== undefined) {
      out.push({ path: [...path, "onFail"], message: `onFail ${step.onFail} ${why} and would loop forever: add retries: N (at most ${MAX_RETRIES})` });
    }
  });
}

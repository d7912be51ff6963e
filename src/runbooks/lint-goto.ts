/** `onFail: goto:<id>`: the target exists. */
import type { LintProblem } from "./lint.js";
import type { LintModel } from "./lint-model.js";
import { closest } from "./suggest.js";

/** Every goto's target exists. */
export function checkGotos(model: LintModel, stepIds: ReadonlySet<string>, out: LintProblem[]): void {
  for (const { step, path } of model.steps) {
    const target = step.onFail?.startsWith("goto:") ? step.onFail.slice(5) : undefined;
    // A step whose id did not parse may be the one meant: its id is already reported.
    if (target === undefined || stepIds.has(target) || !model.stepIdsKnown) continue;
    const hint = closest(target, stepIds);
    out.push({ path: [...path, "onFail"], message: `no step with id "${target}"${hint ? ` (did you mean "goto:${hint}"?)` : ""}` });
  }
}

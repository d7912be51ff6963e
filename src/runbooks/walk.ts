/** Visit every step of a runbook with its field path, in document order. */
import type { PathSegment } from "./problems.js";
import type { Phase, PhaseOption, Runbook, Step } from "./schema.js";

export interface StepPlace {
  step: Step;
  path: PathSegment[];
  phase: Phase;
  option?: PhaseOption;
}

export function allSteps(runbook: Runbook): StepPlace[] {
  const out: StepPlace[] = [];
  runbook.phases.forEach((phase, p) => {
    phase.steps?.forEach((step, s) => out.push({ step, phase, path: ["phases", p, "steps", s] }));
    phase.options?.forEach((option, o) =>
      option.steps.forEach((step, s) => out.push({ step, phase, option, path: ["phases", p, "options", o, "steps", s] })),
    );
  });
  return out;
}

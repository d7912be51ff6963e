/**
 * What the lint reads: the parts of a runbook that parsed, each with its path. A valid runbook gives
 * all of them; a runbook that failed the schema gives what parsed around the failures (salvage.ts),
 * so one run of `validate` reports the schema's problems and the lint's together.
 */
import type { PathSegment } from "./problems.js";
import type { Escalation, InputSpec, Runbook, Step } from "./schema.js";
import { stepKind, type StepKind } from "./step-kind.js";

/** Fields of a part that were written but did not parse: checks that read them stand aside. */
export type Broken = ReadonlySet<string>;

export interface InputPlace {
  name: string;
  /** The fields that parsed; undefined when the input is not a mapping. */
  spec?: Partial<InputSpec>;
  broken: Broken;
}

export interface PhasePlace {
  path: PathSegment[];
  id?: string;
  forEach?: string;
  reverse?: boolean;
  /** The phase repeats (forEach written, even when it did not parse). */
  looped: boolean;
  options: Array<{ path: PathSegment[]; id?: string }>;
}

export interface StepSlot {
  step: Partial<Step>;
  broken: Broken;
  /** The step's one kind, when it is certain (exactly one kind field, and it parsed). */
  kind?: StepKind;
  path: PathSegment[];
  phase: PhasePlace;
  /** Index of the option in its phase, for a step of an option. */
  option?: number;
}

export interface EscalationPlace {
  index: number;
  escalation: Partial<Escalation>;
  broken: Broken;
}

export interface LintModel {
  inputs: InputPlace[];
  /** False when `inputs` is not a mapping: which `$name` is an input is then unknown. */
  inputNamesKnown: boolean;
  phases: PhasePlace[];
  /** Every step in the runbook's order (options after their phase's steps, as the walk plans them). */
  steps: StepSlot[];
  /** False when some step's id is unknown: a goto to a missing id may mean that step. */
  stepIdsKnown: boolean;
  escalations: EscalationPlace[];
}

const NOTHING_BROKEN: Broken = new Set();

/** The model of a runbook that passed the schema: every part, nothing broken (validate makes one per runbook: plain loops). */
export function modelOfRunbook(runbook: Runbook): LintModel {
  const phases: PhasePlace[] = [];
  const steps: StepSlot[] = [];
  for (let p = 0; p < runbook.phases.length; p++) {
    const phase = runbook.phases[p]!;
    const options: PhasePlace["options"] = [];
    if (phase.options) for (let o = 0; o < phase.options.length; o++) options.push({ path: ["phases", p, "options", o], id: phase.options[o]!.id });
    const place: PhasePlace = { path: ["phases", p], id: phase.id, looped: phase.forEach !== undefined, options };
    if (phase.forEach !== undefined) place.forEach = phase.forEach;
    if (phase.reverse !== undefined) place.reverse = phase.reverse;
    phases.push(place);
    if (phase.steps) {
      for (let s = 0; s < phase.steps.length; s++) {
        const step = phase.steps[s]!;
        steps.push({ step, broken: NOTHING_BROKEN, kind: stepKind(step), path: ["phases", p, "steps", s], phase: place });
      }
    }
    if (phase.options) {
      for (let o = 0; o < phase.options.length; o++) {
        const optionSteps = phase.options[o]!.steps;
        for (let s = 0; s < optionSteps.length; s++) {
          const step = optionSteps[s]!;
          steps.push({ step, broken: NOTHING_BROKEN, kind: stepKind(step), path: ["phases", p, "options", o, "steps", s], phase: place, option: o });
        }
      }
    }
  }
  const inputs: InputPlace[] = [];
  if (runbook.inputs) for (const name in runbook.inputs) inputs.push({ name, spec: runbook.inputs[name], broken: NOTHING_BROKEN });
  return {
    inputs,
    inputNamesKnown: true,
    phases,
    steps,
    stepIdsKnown: true,
    escalations: (runbook.escalations ?? []).map((escalation, index) => ({ index, escalation, broken: NOTHING_BROKEN })),
  };
}

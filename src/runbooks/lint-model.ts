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

/** The model of a runbook that passed the schema: every part, nothing broken. */
export function modelOfRunbook(runbook: Runbook): LintModel {
  const phases: PhasePlace[] = [];
  const steps: StepSlot[] = [];
  runbook.phases.forEach((phase, p) => {
    const path = ["phases", p];
    const place: PhasePlace = {
      path,
      id: phase.id,
      ...(phase.forEach !== undefined ? { forEach: phase.forEach } : {}),
      ...(phase.reverse !== undefined ? { reverse: phase.reverse } : {}),
      looped: phase.forEach !== undefined,
      options: (phase.options ?? []).map((o, i) => ({ path: [...path, "options", i], id: o.id })),
    };
    phases.push(place);
    const slot = (step: Step, at: PathSegment[], option?: number): StepSlot => ({
      step,
      broken: NOTHING_BROKEN,
      kind: stepKind(step),
      path: at,
      phase: place,
      ...(option !== undefined ? { option } : {}),
    });
    phase.steps?.forEach((step, s) => steps.push(slot(step, [...path, "steps", s])));
    phase.options?.forEach((option, o) => option.steps.forEach((step, s) => steps.push(slot(step, [...path, "options", o, "steps", s], o))));
  });
  return {
    inputs: Object.entries(runbook.inputs ?? {}).map(([name, spec]) => ({ name, spec, broken: NOTHING_BROKEN })),
    inputNamesKnown: true,
    phases,
    steps,
    stepIdsKnown: true,
    escalations: (runbook.escalations ?? []).map((escalation, index) => ({ index, escalation, broken: NOTHING_BROKEN })),
  };
}

/**
 * The walkthrough a runbook becomes for one incident: phases and steps filtered by severity,
 * `forEach` expanded over the list inputs (reversed for rollbacks), and a choice point where a
 * phase offers options. Pure: the same runbook, severity, inputs and choices give the same plan.
 */
import type { Phase, PhaseOption, Runbook, Severity, Step } from "../runbooks/schema.js";

export interface PlannedStep {
  kind: "step";
  /** Unique in the incident: the step id, with the item for repetitions (`deploy[curve]`). */
  key: string;
  step: Step;
  phaseId: string;
  optionId?: string;
  item?: string;
}

export interface ChoicePoint {
  kind: "choice";
  key: string;
  phaseId: string;
  options: PhaseOption[];
}

export type PlanItem = PlannedStep | ChoicePoint;

export interface PlannedPhase {
  phase: Phase;
  items: PlanItem[];
}

export interface PlanInput {
  runbook: Runbook;
  severity: Severity;
  /** List inputs as arrays (for forEach); the rest are not needed here. */
  lists: Record<string, string[]>;
  /** phase id → option id, for the choices already made. */
  chosen: Record<string, string>;
}

const applies = (severities: readonly Severity[] | undefined, severity: Severity) => severities === undefined || severities.includes(severity);

function repeat<T>(forEach: string | undefined, reverse: boolean | undefined, lists: Record<string, string[]>, make: (item?: string) => T[]): T[] {
  if (forEach === undefined) return make();
  const items = [...(lists[forEach] ?? [])];
  if (reverse) items.reverse();
  return items.flatMap((item) => make(item));
}

function stepsOf(steps: readonly Step[], phase: Phase, severity: Severity, lists: Record<string, string[]>, phaseItem: string | undefined, optionId?: string): PlannedStep[] {
  return steps
    .filter((s) => applies(s.severities, severity))
    .flatMap((step) =>
      repeat(phaseItem === undefined ? step.forEach : undefined, step.reverse, lists, (stepItem) => {
        const item = phaseItem ?? stepItem;
        return [{ kind: "step" as const, key: item === undefined ? step.id : `${step.id}[${item}]`, step, phaseId: phase.id, ...(optionId ? { optionId } : {}), ...(item !== undefined ? { item } : {}) }];
      }),
    );
}

/** Options shown for a severity. */
export function optionsFor(phase: Phase, severity: Severity): PhaseOption[] {
  return (phase.options ?? []).filter((o) => applies(o.severities, severity));
}

export function buildPlan({ runbook, severity, lists, chosen }: PlanInput): PlannedPhase[] {
  const plan: PlannedPhase[] = [];
  for (const phase of runbook.phases) {
    if (!applies(phase.severities, severity)) continue;
    const items: PlanItem[] = repeat(phase.forEach, phase.reverse, lists, (phaseItem) => stepsOf(phase.steps ?? [], phase, severity, lists, phaseItem));
    const options = optionsFor(phase, severity);
    if (options.length > 0) {
      const picked = options.find((o) => o.id === chosen[phase.id]);
      if (picked) items.push(...repeat(phase.forEach, phase.reverse, lists, (phaseItem) => stepsOf(picked.steps, phase, severity, lists, phaseItem, picked.id)));
      else items.push({ kind: "choice", key: `choose:${phase.id}`, phaseId: phase.id, options });
    }
    if (items.length > 0) plan.push({ phase, items });
  }
  return plan;
}

/** The plan as one ordered list, for cursors and goto. */
export function flatten(plan: readonly PlannedPhase[]): PlanItem[] {
  return plan.flatMap((p) => p.items);
}

/**
 * Conditions (`when:`) judged against the incident as it stands: whether the walk should pass over
 * the item it has reached, which options a choice offers, which one is recommended. Pure.
 */
import { explain, holds, type Condition, type ConditionFacts, type StepFact, type StepResultName } from "../runbooks/conditions.js";
import type { PhaseOption, Runbook } from "../runbooks/schema.js";
import type { IncidentState, StepState } from "./machine.js";
import type { ChoicePoint, PlanItem } from "./plan.js";

function resultName(s: StepState): StepResultName {
  return s === "running" ? "not-run" : s;
}

/** Inputs, severity and every step's last result, as conditions read them. */
export function factsOf(state: IncidentState): ConditionFacts {
  return {
    inputs: state.inputs,
    severity: state.severity,
    chosen: state.chosen,
    steps: (idOrKey) =>
      Object.entries(state.steps)
        .filter(([key]) => key === idOrKey || key.startsWith(`${idOrKey}[`))
        .map(([, r]): StepFact => ({ status: resultName(r.status), ...(r.last?.facts ? { facts: r.last.facts } : {}) })),
  };
}

/** Why the walk passes over this item (its own or its phase's `when` does not hold), in words; undefined when it runs. */
export function blockedBy(state: IncidentState, item: PlanItem): string | undefined {
  const facts = factsOf(state);
  const phase = state.runbook.phases.find((p) => p.id === item.phaseId);
  if (phase?.when && !holds(phase.when, facts)) return `phase ${phase.id}: ${explain(phase.when, facts)}`;
  if (item.kind === "step" && item.step.when && !holds(item.step.when, facts)) return explain(item.step.when, facts);
  if (item.kind === "choice" && offered(state, item).length === 0) return `no option of ${item.phaseId} applies now: ${item.options.map((o) => (o.when ? explain(o.when, facts) : o.id)).join("; ")}`;
  return undefined;
}

/** Why an item with a `when:` runs, in words (shown on its card); undefined when it has none. */
export function runsBecause(state: IncidentState, item: PlanItem): string | undefined {
  const facts = factsOf(state);
  const phase = state.runbook.phases.find((p) => p.id === item.phaseId);
  const when: Condition | undefined = item.kind === "step" ? (item.step.when ?? phase?.when) : phase?.when;
  return when ? explain(when, facts) : undefined;
}

/** The options a choice offers now: those whose `when` holds (or that have none). */
export function offered(state: IncidentState, choice: ChoicePoint): PhaseOption[] {
  const facts = factsOf(state);
  return choice.options.filter((o) => !o.when || holds(o.when, facts));
}

/** Whether an option is recommended now (`recommended: true`, or a condition that holds). */
export function recommendedNow(state: IncidentState, option: PhaseOption): boolean {
  if (option.recommended === undefined || option.recommended === false) return false;
  return option.recommended === true || holds(option.recommended, factsOf(state));
}

/** Every condition a runbook states, for what they ask of step output. */
export function conditionsOf(runbook: Runbook): Condition[] {
  const out: Condition[] = [];
  const add = (c: Condition | boolean | undefined) => {
    if (c && typeof c === "object") out.push(c);
  };
  add(runbook.production);
  for (const phase of runbook.phases) {
    add(phase.when);
    for (const s of phase.steps ?? []) add(s.when);
    for (const o of phase.options ?? []) {
      add(o.when);
      add(o.recommended);
      for (const s of o.steps) add(s.when);
    }
  }
  return out;
}

/** What a step does, from which of its fields is set: a leaf module (no schema library) for the engine and the screens. */
import type { Step } from "./schema.js";

export const STEP_KINDS = ["run", "manual", "k8s", "http", "notify"] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** The first of STEP_KINDS the step sets (field by field: validate asks this of every step it reads). */
export function stepKind(step: Pick<Step, StepKind>): StepKind {
  if (step.run !== undefined) return "run";
  if (step.manual !== undefined) return "manual";
  if (step.k8s !== undefined) return "k8s";
  if (step.http !== undefined) return "http";
  if (step.notify !== undefined) return "notify";
  return "manual";
}

/** How many of STEP_KINDS the step sets. */
export function stepKindCount(step: Partial<Record<StepKind, unknown>>): number {
  return (step.run !== undefined ? 1 : 0) + (step.manual !== undefined ? 1 : 0) + (step.k8s !== undefined ? 1 : 0) + (step.http !== undefined ? 1 : 0) + (step.notify !== undefined ? 1 : 0);
}

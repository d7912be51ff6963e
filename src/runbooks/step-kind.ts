/** What a step does, from which of its fields is set: a leaf module (no schema library) for the engine and the screens. */
import type { Step } from "./schema.js";

export const STEP_KINDS = ["run", "manual", "k8s", "http", "notify"] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export function stepKind(step: Pick<Step, StepKind>): StepKind {
  return STEP_KINDS.find((k) => step[k] !== undefined) ?? "manual";
}

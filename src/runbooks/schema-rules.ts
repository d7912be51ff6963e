/**
 * The schema's rules that need no schema library: the bounds and refinements that runbookSchema
 * (schema.ts, zod) applies, and that the loader's fast check (quick-schema.ts) and the lint apply
 * without loading zod.
 */
import { STEP_KINDS, stepKindCount } from "./step-kind.js";

/** The least a duration (a timeout, a response time) and a delay (an escalation's `after`) may be, in ms. */
export const DURATION_MIN_MS = 1;
export const DELAY_MIN_MS = 0;

/** The most `retries` a step may declare: a loop back is for a flaky check, not a polling loop. */
export const MAX_RETRIES = 10;

/** A step does exactly one thing: what is wrong when it has no kind or several (the schema's refinement, and quick-schema.ts's). */
export function stepKindIssue(step: Partial<Record<(typeof STEP_KINDS)[number], unknown>>): { path?: string[]; message: string } | undefined {
  // Every step of every runbook validate reads comes here: the list is made only when it is wrong.
  if (stepKindCount(step) === 1) return undefined;
  const kinds = STEP_KINDS.filter((k) => step[k] !== undefined);
  if (kinds.length === 0) return { message: `a step needs one of: ${STEP_KINDS.join(", ")}` };
  if (kinds.length > 1) return { path: [kinds[1]!], message: `a step has one kind; this one has ${kinds.join(" and ")}` };
  return undefined;
}

/** A phase walks steps or offers options (the schema's refinement, and quick-schema.ts's). */
export function phaseIssue(phase: { steps?: unknown[] | undefined; options?: unknown }): string | undefined {
  return (phase.steps?.length ?? 0) === 0 && phase.options === undefined ? "a phase needs steps or options" : undefined;
}

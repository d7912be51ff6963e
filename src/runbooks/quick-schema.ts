/**
 * The loader's fast check that data is a valid runbook, ~3× cheaper than zod's parse on a large library:
 * the JSON Schema exported from runbookSchema, as a generated yes/no check (runbook-json-check.ts), then the
 * refinements a JSON Schema cannot carry (the same functions the zod schema calls). Only a yes is
 * trusted: on a no, runbookSchema decides, and explains what is wrong (load.ts).
 * test/runbooks/quick-schema.test.ts holds both to the same answer.
 */
import { durationRangeProblem } from "./duration.js";
import { matchesJsonSchema } from "./runbook-json-check.js";
import { DELAY_MIN_MS, DURATION_MIN_MS, phaseIssue, stepKindIssue } from "./schema-rules.js";
import type { Runbook, Step } from "./schema.js";

/** The data as a runbook when it is certainly one runbookSchema accepts (zod's output is the same data then: no transforms, no defaults). */
export function quickRunbook(data: unknown): Runbook | undefined {
  if (!matchesJsonSchema(data)) return undefined;
  const runbook = data as Runbook;
  for (const policy of Object.values(runbook.severities ?? {})) {
    if (policy !== undefined && durationRangeProblem(policy.respondWithin, DURATION_MIN_MS) !== undefined) return undefined;
  }
  if (runbook.escalations?.some((e) => durationRangeProblem(e.after, DELAY_MIN_MS) !== undefined)) return undefined;
  const badStep = (step: Step) => stepKindIssue(step) !== undefined || (step.timeout !== undefined && durationRangeProblem(step.timeout, DURATION_MIN_MS) !== undefined);
  for (const phase of runbook.phases) {
    if (phaseIssue(phase) !== undefined || phase.steps?.some(badStep) || phase.options?.some((o) => o.steps.some(badStep))) return undefined;
  }
  return runbook;
}

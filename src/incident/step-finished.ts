/** The `step.finished` event of a result: every text masked, the tail kept only when the step did not pass or is evidence. Pure. */
import type { StepResult } from "../executors/types.js";
import { factKey, type TextTest } from "../runbooks/conditions.js";
import type { IncidentEventBody, StepOutputFile } from "./events.js";
import type { Redactor } from "./redact.js";

export function finishedEvent(key: string, result: StepResult, output: StepOutputFile | undefined, redactor: Redactor, notify: boolean, tests: readonly TextTest[] = [], evidence = false): IncidentEventBody {
  const mask = <T extends { reason?: string }>(x: T): T => (x.reason ? { ...x, reason: redactor.text(x.reason) } : x);
  return {
    type: "step.finished",
    step: key,
    status: result.status,
    exitCode: result.exitCode,
    signal: result.signal,
    durationMs: result.durationMs,
    expectations: result.expectations.map(mask),
    ...(result.found ? { found: result.found.map(mask) } : {}),
    ...(result.facts && tests.length > 0 ? { facts: Object.fromEntries(tests.map((t, i) => [factKey(t), result.facts![i] === true])) } : {}),
    ...(result.diagnosis ? { diagnosis: result.diagnosis } : {}),
    ...(result.error ? { error: redactor.text(result.error) } : {}),
    ...(output ? { output } : {}),
    // The last lines of a step that did not pass explain it; those of an evidence step are quoted by the report.
    ...(result.status !== "passed" || evidence ? { tail: redactor.lines(result.output.tail.slice(-20).map((t) => t.line)) } : {}),
    // Notify details hold no endpoint by construction; redacted all the same, as a second fence.
    ...(result.details ? { details: notify ? (JSON.parse(redactor.text(JSON.stringify(result.details))) as Record<string, unknown>) : result.details } : {}),
  };
}

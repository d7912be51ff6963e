/** The report's Drill section: which scenario, and how the operator did (from drill.finished). */
import { formatDuration } from "../runbooks/duration.js";
import type { DrillOutcome } from "./events.js";

export interface ReportDrill {
  scenario: string;
  /** Absent while the drill has not finished (or was left before its end). */
  outcome?: DrillOutcome;
  finishedAt?: string;
}

const cap = (s: string) => `${s[0]?.toUpperCase() ?? ""}${s.slice(1)}`;

/** Markdown lines of the section, ending with a blank line. */
export function drillSection(d: ReportDrill): string[] {
  const out = ["## Drill", "", `- Scenario: ${d.scenario}`];
  const o = d.outcome;
  if (!o) return [...out, "- Outcome: not recorded (the drill was left before its end)", ""];
  const when = (ms: number | undefined) => (ms === undefined ? "not reached" : formatDuration(ms));
  out.push(
    `- Outcome: ${o.healthy ? "healthy" : "still broken"} — ${o.detail}`,
    `- Walk: ${o.walkComplete ? "complete" : "not finished"}`,
    `- Time to diagnosis: ${when(o.timeToDiagnosisMs)} (until a fix was chosen)`,
    `- Time to mitigation: ${when(o.timeToMitigationMs)} (until the first remediation was fully applied)`,
    `- Steps skipped: ${o.skipped}`,
    `- Total time: ${formatDuration(o.totalMs)} of ${o.respondWithin} (${o.withinResponseTime ? "within" : "over"} the response time)`,
  );
  if (o.hint) out.push(`- ${cap(o.hint)}`);
  out.push("");
  return out;
}

/** The report's Drill section: which scenario, and how the operator did (from drill.finished). */
import { formatDuration } from "../runbooks/duration.js";
import type { DrillOutcome } from "./events.js";
import type { Block, Inline } from "./report-doc.js";

export interface ReportDrill {
  scenario: string;
  /** Absent while the drill has not finished (or was left before its end). */
  outcome?: DrillOutcome;
  finishedAt?: string;
}

const cap = (s: string) => `${s[0]?.toUpperCase() ?? ""}${s.slice(1)}`;

/** The section's blocks. */
export function drillSection(d: ReportDrill): Block[] {
  const items: Inline[][] = [[`Scenario: ${d.scenario}`]];
  const o = d.outcome;
  if (!o) return [{ h: 2, text: ["Drill"] }, { list: [...items, ["Outcome: not recorded (the drill was left before its end)"]] }];
  const when = (ms: number | undefined) => (ms === undefined ? "not reached" : formatDuration(ms));
  items.push(
    [`Outcome: ${o.healthy ? "healthy" : "still broken"} — ${o.detail}`],
    [`Walk: ${o.walkComplete ? "complete" : "not finished"}`],
    [`Time to diagnosis: ${when(o.timeToDiagnosisMs)} (until a fix was chosen)`],
    [`Time to mitigation: ${when(o.timeToMitigationMs)} (until the scenario's health check first held)`],
    [`Steps skipped: ${o.skipped}`],
    [`Total time: ${formatDuration(o.totalMs)} of ${o.respondWithin} (${o.withinResponseTime ? "within" : "over"} the response time)`],
  );
  if (o.hint) items.push([cap(o.hint)]);
  return [{ h: 2, text: ["Drill"] }, { list: items }];
}

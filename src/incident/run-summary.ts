/**
 * The machine-readable end of `handrail run --json`: what a script needs to act on a walk without
 * parsing its transcript. Pure: from the incident state (and the drill's summary, if any).
 */
import type { DrillOutcome } from "./events.js";
import type { IncidentState } from "./machine.js";
import { flatten } from "./plan.js";
import { walkVerdict } from "./outcomes.js";

export interface RunSummary {
  incident: string;
  file: string;
  runbook: string;
  severity: string;
  /** complete: the walk reached its end; stopped: a step or a missing choice ended it early; interrupted: a signal. */
  status: "complete" | "stopped" | "interrupted";
  exitCode: number;
  /** Why it stopped, as printed (and how to continue), when it did. */
  message?: string;
  clean: boolean;
  steps: Array<{ key: string; phase: string; status: string; exitCode?: number | null; durationMs?: number; reason?: string }>;
  failed: string[];
  skipped: string[];
  found: string[];
  notRun: string[];
  chosen: Record<string, string>;
  drill?: DrillOutcome;
}

export function runSummary(state: IncidentState, facts: { file: string; exitCode: number; status: RunSummary["status"]; message?: string; drill?: DrillOutcome }): RunSummary {
  const v = walkVerdict(state);
  const steps: RunSummary["steps"] = [];
  for (const item of flatten(state.plan)) {
    if (item.kind !== "step") continue;
    const record = state.steps[item.key];
    if (!record) continue;
    const last = record.last;
    steps.push({
      key: item.key,
      phase: item.phaseId,
      status: record.skipReason === "condition" ? "not-needed" : record.status,
      ...(last ? { exitCode: last.exitCode, durationMs: last.durationMs } : {}),
      ...(record.skipReason ? { reason: record.skipReason } : {}),
    });
  }
  return {
    incident: state.opened?.incident ?? "",
    file: facts.file,
    runbook: state.runbook.id,
    severity: state.severity,
    status: facts.status,
    exitCode: facts.exitCode,
    ...(facts.message ? { message: facts.message } : {}),
    clean: v.clean,
    steps,
    failed: v.failed,
    skipped: v.skipped,
    found: v.found,
    notRun: v.notRun,
    chosen: { ...state.chosen },
    ...(facts.drill ? { drill: facts.drill } : {}),
  };
}

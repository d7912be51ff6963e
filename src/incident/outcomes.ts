/**
 * How far the walk really got, told the same way on the rail, in the report and in the drill
 * summary: a phase is done only when every step the plan holds for it passed or found its
 * symptom; skips and failures show as such, never as a tick. Pure.
 */
import type { IncidentState, StepState } from "./machine.js";
import type { PlanItem } from "./plan.js";

export type PhaseState = "done" | "current" | "todo" | "skipped" | "failed" | "not-needed";

export interface PhaseOutcome {
  id: string;
  title: string;
  kind: string;
  state: PhaseState;
  passed: number;
  found: number;
  failed: number;
  skipped: number;
  /** Passed over because their `when:` did not hold: the runbook's design, not a gap in the walk. */
  notNeeded: number;
  pending: number;
}

const FAILED: ReadonlySet<StepState> = new Set(["failed", "error", "timeout", "cancelled", "interrupted"]);

function statusOf(state: IncidentState, item: PlanItem): StepState | "pending" | "not-needed" {
  const record = state.steps[item.key];
  if (!record) return "pending";
  if (record.status === "skipped" && record.skipReason === "condition") return "not-needed";
  return record.status === "running" ? "pending" : record.status;
}

/** Each planned phase with its counts; `current` is the phase the walk is in now. */
export function phaseOutcomes(state: IncidentState, current?: string): PhaseOutcome[] {
  return state.plan.map(({ phase, items }) => {
    const o: PhaseOutcome = { id: phase.id, title: phase.title, kind: phase.kind, state: "todo", passed: 0, found: 0, failed: 0, skipped: 0, notNeeded: 0, pending: 0 };
    for (const item of items) {
      const s = statusOf(state, item);
      if (s === "passed") o.passed++;
      else if (s === "found") o.found++;
      else if (s === "skipped") o.skipped++;
      else if (s === "not-needed") o.notNeeded++;
      else if (FAILED.has(s as StepState)) o.failed++;
      else o.pending++;
    }
    const ran = o.passed + o.found;
    o.state =
      phase.id === current ? "current"
      : o.failed > 0 ? "failed"
      : o.pending > 0 ? (ran + o.skipped + o.notNeeded > 0 ? "current" : "todo")
      : o.skipped > 0 ? "skipped"
      // Every step passed over by its condition: not needed in this incident, and not a tick either.
      : ran === 0 && o.notNeeded > 0 ? "not-needed"
      : "done";
    // A phase begun and left behind (the walk moved on) is not "current": it is what it holds.
    if (o.state === "current" && phase.id !== current) o.state = o.skipped > 0 ? "skipped" : "todo";
    return o;
  });
}

export interface WalkVerdict {
  /** Every planned step passed or found its symptom. */
  clean: boolean;
  /** Keys of steps whose last result was not a pass (failed, error, timeout, cancelled, interrupted). */
  failed: string[];
  skipped: string[];
  found: string[];
  /** Planned and never reached (a goto or a jump went past them without a record). */
  notRun: string[];
}

/** What the walk's end really is: nothing failed, or which steps did not pass. */
export function walkVerdict(state: IncidentState): WalkVerdict {
  const v: WalkVerdict = { clean: true, failed: [], skipped: [], found: [], notRun: [] };
  for (const { items } of state.plan) {
    for (const item of items) {
      const s = statusOf(state, item);
      if (s === "passed") continue;
      if (s === "found") v.found.push(item.key);
      else if (s === "not-needed") continue;
      else if (s === "skipped") v.skipped.push(item.key);
      else if (FAILED.has(s as StepState)) v.failed.push(item.key);
      else v.notRun.push(item.key);
    }
  }
  v.clean = v.failed.length === 0 && v.skipped.length === 0 && v.notRun.length === 0;
  return v;
}

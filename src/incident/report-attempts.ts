/**
 * Step attempts as the report gathers them: the record step.started makes, and what is held of an
 * attempt still running.
 */
import type { EventOf } from "./events.js";
import type { OutlineIndex } from "./outline.js";
import type { ReportStep } from "./report-model.js";
import type { OutputWindow } from "./report-quote.js";

/**
 * A step attempt as step.started records it. Optional fields are assigned one by one in the
 * order the report (and its JSON) has always listed them: object spreads of optional parts cost
 * a runtime call each, and a long incident starts tens of thousands of attempts.
 */
export function stepOf(ix: OutlineIndex, e: EventOf<"step.started">): ReportStep {
  const s: ReportStep = { step: e.step, title: ix.stepTitle(e.step), phase: e.phase, phaseTitle: ix.phaseTitle(e.phase) } as ReportStep;
  if (e.option) {
    s.option = e.option;
    s.optionTitle = ix.optionTitle(e.phase, e.option);
  }
  s.kind = e.kind;
  if (e.command !== undefined) s.command = e.command;
  if (e.original !== undefined) s.original = e.original;
  s.startedAt = e.ts;
  s.status = "interrupted";
  s.exitCode = null;
  s.reasons = [];
  s.attempt = e.attempt;
  if (e.edited) s.edited = true;
  if (ix.isEvidence(e.step)) s.evidence = true;
  return s;
}

/** An attempt started and not finished yet, with its output so far. */
export interface Running {
  s: ReportStep;
  out?: OutputWindow;
}

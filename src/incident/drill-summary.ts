/**
 * How the operator did in a drill, computed from the incident events alone (plus the scenario's
 * health check at the end), so the console, `run --drill` and the report all say the same.
 *
 * - time to diagnosis: from incident.opened to the moment the operator committed to a fix —
 *   the first option chosen, or step started, in a phase that remedies (marked `mitigates: true`,
 *   else of kind remediate);
 * - time to mitigation: from incident.opened to the moment the scenario's health condition first
 *   held (watched while the drill ran), not when a step passed;
 *   neither is given for a drill that ended broken;
 * - total time: from incident.opened to the drill's end, against the runbook's response time
 *   for the severity the incident ended at.
 */
import { formatDuration, parseDuration } from "../runbooks/duration.js";
import type { Runbook } from "../runbooks/schema.js";
import type { DrillOutcome, EventOf, IncidentEvent } from "./events.js";
import { nextAction, replay } from "./machine.js";
import { flatten } from "./plan.js";
import { respondWithin } from "./policy.js";

export interface DrillSummaryInput {
  events: readonly IncidentEvent[];
  runbook: Runbook;
  scenario: { id: string; remedy: Record<string, string> };
  /** The scenario's health check at the end of the drill. */
  health: { healthy: boolean; detail: string };
  /** The end of the drill (ms since the epoch); the last event's time unless given. */
  endedAt?: number;
  /** When the scenario's health condition first held during the drill (ms since the epoch). */
  healthyAt?: number;
}

export interface DrillSummary extends DrillOutcome {
  skippedSteps: Array<{ step: string; reason: string }>;
  /** phase → option, as finally chosen. */
  chosen: Record<string, string>;
}

function optionTitle(runbook: Runbook, phase: string, option: string): string {
  const title = runbook.phases.find((p) => p.id === phase)?.options?.find((o) => o.id === option)?.title;
  return title ? `${phase}=${option} (${title})` : `${phase}=${option}`;
}

/** The drill summary; pure: the same events, runbook, remedy and health give the same summary. */
export function summarizeDrill(input: DrillSummaryInput): DrillSummary {
  const { events, runbook, scenario, health } = input;
  const opened = events.find((e): e is EventOf<"incident.opened"> => e.type === "incident.opened");
  if (!opened) throw new Error("the events hold no incident.opened");
  const start = Date.parse(opened.ts);
  const state = replay(runbook, events);
  // The phases that remedy: those the runbook marks `mitigates: true` (a release runbook's rollback, not the
  // release), else every remediate-kind phase.
  const declared = runbook.phases.some((p) => p.mitigates === true);
  const remedies = new Set(runbook.phases.filter((p) => (declared ? p.mitigates === true : p.kind === "remediate")).map((p) => p.id));
  const remediate = (phase: string) => remedies.has(phase);

  let diagnosedAt: number | undefined;
  for (const e of events) {
    if ((e.type === "option.chosen" || e.type === "step.started") && remediate(e.phase)) {
      diagnosedAt = Date.parse(e.ts);
      break;
    }
  }

  // Each remediate-kind phase as the plan now holds it: done when every one of its steps has passed.
  const planned = new Map<string, Set<string>>();
  for (const item of flatten(state.plan)) {
    if (item.kind !== "step" || !remediate(item.phaseId)) continue;
    const keys = planned.get(item.phaseId) ?? new Set<string>();
    keys.add(item.key);
    planned.set(item.phaseId, keys);
  }
  // Mitigated when the scenario's health first held: a step passing proves nothing about the service.
  const passed = new Set<string>();
  for (const e of events) if (e.type === "step.finished" && (e.status === "passed" || e.status === "found")) passed.add(e.step);
  const mitigatedAt = health.healthy ? input.healthyAt : undefined;

  const skippedSteps = new Map<string, string>();
  // A step passed over by its `when:` is the runbook's design, not a step the operator left out.
  for (const e of events) if (e.type === "step.skipped" && e.reason !== "condition") skippedSteps.set(e.step, e.reason);

  const end = input.endedAt ?? Date.parse(events.at(-1)?.ts ?? opened.ts);
  const totalMs = Math.max(0, end - start);
  const within = respondWithin(runbook, state.severity);
  const withinMs = parseDuration(within) ?? Infinity;
  // Whether the walk reached its end, resolved or not: a drill resolved with steps left (the console asks
  // first) did not complete its walk, and must not say so.
  const { resolved: _resolved, ...unresolved } = state;
  const action = nextAction(unresolved).type;
  const chosen = { ...state.chosen };

  let hint: string | undefined;
  if (!health.healthy && Object.keys(scenario.remedy).length === 0) {
    // No option to get wrong (the release train's rollback follows from a failed check): say which remediation steps did not pass.
    const open = runbook.phases.filter((p) => remediate(p.id)).flatMap((p) => [...(planned.get(p.id) ?? [])]).filter((k) => !passed.has(k));
    hint = `the fix is the runbook's own ${declared ? "mitigation" : "remediation"}${open.length ? `: ${open.slice(0, 6).join(", ")}${open.length > 6 ? ", …" : ""} did not pass` : ""}`;
  } else if (!health.healthy) {
    const wrong = Object.entries(scenario.remedy).filter(([phase, option]) => chosen[phase] !== option);
    if (wrong.length > 0) hint = `what would have fixed it: ${wrong.map(([phase, option]) => optionTitle(runbook, phase, option)).join(", ")}`;
    else {
      const unfinished = Object.keys(scenario.remedy).flatMap((phase) => [...(planned.get(phase) ?? [])]).filter((k) => !passed.has(k));
      hint = `the right fix (${Object.entries(scenario.remedy).map(([p, o]) => `${p}=${o}`).join(", ")}) was chosen but not carried through${unfinished.length ? `: ${unfinished.join(", ")} did not pass` : ""}`;
    }
  }

  // After a broken outcome, what the walk left behind: steps skipped by hand, steps that did not pass.
  const missed: string[] = [];
  if (!health.healthy) {
    // Only where it matters: the phases that remedy and the verification; a team script absent from the drill is not news.
    const phaseOf = new Map(flatten(state.plan).filter((i) => i.kind === "step").map((i) => [i.key, i.phaseId]));
    const kindOf = new Map(runbook.phases.map((p) => [p.id, p.kind]));
    const relevant = (key: string) => {
      const phase = phaseOf.get(key);
      return phase !== undefined && (remediate(phase) || kindOf.get(phase) === "verify");
    };
    const last = new Map<string, string>();
    for (const e of events) {
      if (e.type === "step.finished") last.set(e.step, e.diagnosis?.code === "missing-requirement" ? "not here" : e.status);
      else if (e.type === "step.skipped" && e.reason !== "condition") last.set(e.step, "skipped");
    }
    for (const [step, status] of last) if (relevant(step) && status !== "passed" && status !== "found" && status !== "not here") missed.push(`${step} (${status})`);
  }

  return {
    scenario: scenario.id,
    healthy: health.healthy,
    detail: health.detail,
    walkComplete: action === "complete",
    // Neither time is given for a broken outcome: a wrong fix chosen fast is not a fast diagnosis.
    ...(diagnosedAt !== undefined && health.healthy ? { timeToDiagnosisMs: diagnosedAt - start } : {}),
    ...(mitigatedAt !== undefined ? { timeToMitigationMs: Math.max(0, mitigatedAt - start) } : {}),
    skipped: skippedSteps.size,
    totalMs,
    respondWithin: within,
    withinResponseTime: totalMs <= withinMs,
    ...(hint ? { hint } : {}),
    ...(missed.length > 0 ? { missed } : {}),
    skippedSteps: [...skippedSteps].map(([step, reason]) => ({ step, reason })),
    chosen,
  };
}

/** The figures to record in the drill.finished event (the summary without its lists). */
export function drillOutcome(summary: DrillSummary): DrillOutcome {
  const { skippedSteps: _steps, chosen: _chosen, ...outcome } = summary;
  return outcome;
}

/** The summary as lines of plain text, for the end of `run --drill` and the console's closing screen. */
export function renderDrillSummary(s: DrillOutcome & { skippedSteps?: DrillSummary["skippedSteps"] }, severity?: string): string[] {
  const when = (ms: number | undefined, what: string, missing: string) => (ms === undefined ? `not reached (${missing})` : `${formatDuration(ms)} (${what})`);
  const lines = [
    `DRILL ${s.scenario}: ${s.healthy ? "HEALTHY" : "STILL BROKEN"} — ${s.detail}`,
    `  walk                ${s.walkComplete ? "complete" : "not finished"}`,
    `  time to diagnosis   ${when(s.timeToDiagnosisMs, "a fix chosen", "no fix chosen")}`,
    `  time to mitigation  ${when(s.timeToMitigationMs, "the scenario first healthy", "the scenario never healthy")}`,
    `  steps skipped       ${s.skipped}${s.skippedSteps?.length ? `: ${s.skippedSteps.map((x) => `${x.step} (${x.reason})`).join(", ")}` : ""}`,
    `  total time          ${formatDuration(s.totalMs)} of ${s.respondWithin}${severity ? ` for ${severity}` : ""} (${s.withinResponseTime ? "within" : "over"} the response time)`,
  ];
  if (s.hint) lines.push(`  ${s.hint}`);
  if (s.missed?.length) lines.push(`  skipped or not passed on the way: ${s.missed.slice(0, 8).join(", ")}${s.missed.length > 8 ? `, … (${s.missed.length - 8} more)` : ""}`);
  return lines;
}

/**
 * Severity policy: the response-time clock (from open until resolved) and the escalations
 * that fall due while the incident is open. Pure: given the state and the time, which events are due.
 */
import { formatDuration, parseDuration } from "../runbooks/duration.js";
import type { Runbook } from "../runbooks/schema.js";
import { DEFAULT_RESPONSE_TIMES, type Severity } from "../runbooks/severity.js";
import type { IncidentEventBody } from "./events.js";
import type { IncidentState } from "./machine.js";

export function respondWithin(runbook: Runbook, severity: Severity): string {
  return runbook.severities?.[severity]?.respondWithin ?? DEFAULT_RESPONSE_TIMES[severity];
}

export interface Clock {
  openedAt: number;
  dueAt: number;
  /** Negative once breached. */
  remainingMs: number;
  breached: boolean;
}

export function clock(state: IncidentState, now: number): Clock | undefined {
  if (!state.opened) return undefined;
  const openedAt = Date.parse(state.opened.ts);
  const dueAt = openedAt + (parseDuration(respondWithin(state.runbook, state.severity)) ?? 0);
  const end = state.resolved ? Date.parse(state.resolved.ts) : now;
  return { openedAt, dueAt, remainingMs: dueAt - end, breached: end > dueAt };
}

/** Events that are due at `now` and not yet in the file. */
export function duePolicyEvents(state: IncidentState, now: number): IncidentEventBody[] {
  const c = clock(state, now);
  if (!c || state.resolved) return [];
  const due: IncidentEventBody[] = [];
  if (c.breached && !state.slaBreachedAt) {
    due.push({ type: "sla.breached", severity: state.severity, respondWithin: respondWithin(state.runbook, state.severity), dueAt: new Date(c.dueAt).toISOString() });
  }
  (state.runbook.escalations ?? []).forEach((esc, i) => {
    const key = `escalation-${i}`;
    if (state.escalations[key]) return;
    if (esc.severities && !esc.severities.includes(state.severity)) return;
    if (now - c.openedAt < (parseDuration(esc.after) ?? Infinity)) return;
    due.push({ type: "escalation.raised", key, to: esc.to, after: esc.after, severity: state.severity, ...(esc.reason ? { reason: esc.reason } : {}) });
  });
  return due;
}

/** When the next policy event falls due (for a timer), if any. */
export function nextPolicyDue(state: IncidentState, now: number): number | undefined {
  const c = clock(state, now);
  if (!c || state.resolved) return undefined;
  const times: number[] = [];
  if (!state.slaBreachedAt) times.push(c.dueAt);
  (state.runbook.escalations ?? []).forEach((esc, i) => {
    if (state.escalations[`escalation-${i}`] || (esc.severities && !esc.severities.includes(state.severity))) return;
    times.push(c.openedAt + (parseDuration(esc.after) ?? Infinity));
  });
  const future = times.filter((t) => Number.isFinite(t));
  return future.length > 0 ? Math.max(now, Math.min(...future)) : undefined;
}

export function describeClock(c: Clock): string {
  return c.breached ? `response time breached ${formatDuration(-c.remainingMs)} ago` : `${formatDuration(c.remainingMs)} left to respond`;
}

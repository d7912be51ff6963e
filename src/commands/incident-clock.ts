/**
 * An incident's urgency as the listing sees it from the store: its response-time clock (the
 * runbook's when the search path has it, else the defaults, and what the file itself records)
 * and whether a crash or a kill left a step half done.
 */
import { parseDuration } from "../runbooks/duration.js";
import type { EventOf, IncidentEvent } from "../incident/events.js";
import { liveness, readLock } from "../incident/lock.js";
import { respondWithin } from "../incident/policy.js";
import type { Runbook } from "../runbooks/schema.js";
import { DEFAULT_RESPONSE_TIMES, SEVERITIES, type Severity } from "../runbooks/severity.js";
import type { Urgency } from "../ui/urgency.js";

/** A runbook's response time for a severity, when the runbook is known; undefined falls back to the defaults. */
export type RespondWithin = (runbookId: string, severity: Severity) => string | undefined;

/** The lookup over a library (or the console's cards): found by id at each call, so cards added later count. */
export function respondWithinFrom(entries: readonly { runbook: Runbook }[]): RespondWithin {
  return (id, severity) => {
    const runbook = entries.find((e) => e.runbook.id === id)?.runbook;
    return runbook ? respondWithin(runbook, severity) : undefined;
  };
}

const isSeverity = (s: string): s is Severity => (SEVERITIES as readonly string[]).includes(s);

/** Whether a live handrail holds the incident's lock: one on another host counts, since it cannot be judged from here. */
function lockHeld(file: string): boolean {
  try {
    const holder = readLock(`${file}.lock`)?.holder;
    // Unreadable content is debris of a crash, not a lock handrail wrote (lock.ts judges it the same).
    return holder !== undefined && liveness(holder) !== "dead";
  } catch {
    // A lock that cannot be opened (a symlink, a directory) holds nothing handrail would honour.
    return false;
  }
}

/** The last step.started has no step.finished of its own after it. */
function stepLeftHalfDone(events: readonly IncidentEvent[]): boolean {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === "step.started") return !events.slice(i + 1).some((f) => f.type === "step.finished" && f.step === e.step);
  }
  return false;
}

export interface ClockFacts {
  runbook: string;
  severity: string;
  openedAt: string;
  /** Set once resolved (or a drill finished): the clock stops there. */
  endedAt?: string;
  /** Open and still running its course (not resolved, not a finished drill). */
  open: boolean;
  dryRun: boolean;
}

/** The response-time clock of an incident at `now`: when it is due (the runbook's time for its severity, else the default) and whether that passed. */
export function clockOf(facts: Pick<ClockFacts, "runbook" | "severity" | "openedAt" | "endedAt">, now: number, lookup?: RespondWithin, recordedDueAt?: string): { breached: boolean; dueAt?: string } {
  const within = isSeverity(facts.severity) ? (lookup?.(facts.runbook, facts.severity) ?? DEFAULT_RESPONSE_TIMES[facts.severity]) : undefined;
  const span = within !== undefined ? parseDuration(within) : undefined;
  const dueAt = recordedDueAt ?? (span !== undefined ? new Date(Date.parse(facts.openedAt) + span).toISOString() : undefined);
  const end = facts.endedAt !== undefined ? Date.parse(facts.endedAt) : now;
  return { breached: recordedDueAt !== undefined || (dueAt !== undefined && end > Date.parse(dueAt)), ...(dueAt !== undefined ? { dueAt } : {}) };
}

/** The urgency of one incident file, at `now`. */
export function urgencyOf(file: string, events: readonly IncidentEvent[], facts: ClockFacts, now: number, lookup?: RespondWithin): Urgency {
  // The running handrail knew the runbook: the deadline it recorded as breached wins over a default.
  const recorded = events.findLast((e): e is EventOf<"sla.breached"> => e.type === "sla.breached");
  const interrupted = facts.open && stepLeftHalfDone(events) && !lockHeld(file);
  return { ...clockOf(facts, now, lookup, recorded?.dueAt), interrupted, dryRun: facts.dryRun };
}

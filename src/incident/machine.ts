/**
 * The walkthrough as a pure fold over the incident's own events: (state, event) → state.
 * The live console, the headless runner, resume and the report all replay the same events
 * through this one function, so they cannot disagree about where an incident stands.
 */
import type { StepStatus } from "../executors/types.js";
import type { Runbook, Severity } from "../runbooks/schema.js";
import type { EventOf, IncidentEvent } from "./events.js";
import { buildPlan, flatten, type PlanItem, type PlannedPhase } from "./plan.js";

export type StepState = StepStatus | "running" | "skipped" | "interrupted";

export interface StepRecord {
  status: StepState;
  attempts: number;
  last?: EventOf<"step.finished">;
  skipReason?: string;
}

export interface IncidentState {
  runbook: Runbook;
  id?: string;
  opened?: EventOf<"incident.opened">;
  severity: Severity;
  inputs: Record<string, string | string[]>;
  secrets: string[];
  chosen: Record<string, string>;
  steps: Record<string, StepRecord>;
  /** Where the walk goes on: after an item, at an item (goto), or from the start. */
  next: { after: string } | { at: string } | { start: true };
  /** A step that failed with onFail: stop, or was cancelled: the operator decides what now. */
  halted?: { step: string; status: StepState };
  running?: string;
  /** How many times each step's onFail goto has been followed (bounded by its `retries`). */
  gotosTaken: Record<string, number>;
  phasesEntered: string[];
  notes: Array<{ ts: string; text: string; step?: string }>;
  slaBreachedAt?: string;
  escalations: Record<string, { raisedAt: string; to: string; reason?: string; acknowledgedAt?: string }>;
  resolved?: EventOf<"incident.resolved"> ;
  lastSeq: number;
  plan: PlannedPhase[];
}

export function initialState(runbook: Runbook, severity: Severity = "high"): IncidentState {
  const state: IncidentState = {
    runbook,
    severity,
    inputs: {},
    secrets: [],
    chosen: {},
    steps: {},
    next: { start: true },
    gotosTaken: {},
    phasesEntered: [],
    notes: [],
    escalations: {},
    lastSeq: 0,
    plan: [],
  };
  return withPlan(state);
}

function lists(inputs: Record<string, string | string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(inputs)) if (Array.isArray(v)) out[k] = v;
  return out;
}

function withPlan(state: IncidentState): IncidentState {
  return { ...state, plan: buildPlan({ runbook: state.runbook, severity: state.severity, lists: lists(state.inputs), chosen: state.chosen }) };
}

const FINAL: ReadonlySet<StepState> = new Set(["passed", "found", "skipped"]);

function onFailOf(state: IncidentState, key: string): { onFail: string; retries?: number } {
  const item = flatten(state.plan).find((i) => i.key === key);
  // A notification that did not go out must not hold the incident: notify steps continue unless told otherwise.
  if (item?.kind !== "step") return { onFail: "stop" };
  return { onFail: item.step.onFail ?? (item.step.notify ? "continue" : "stop"), ...(item.step.retries !== undefined ? { retries: item.step.retries } : {}) };
}

function afterFinish(state: IncidentState, e: EventOf<"step.finished">): Pick<IncidentState, "next" | "halted" | "gotosTaken"> {
  const gotosTaken = state.gotosTaken;
  // A symptom found is what a diagnose step is for: the walk goes on, as after a pass.
  if (e.status === "passed" || e.status === "found") return { next: { after: e.step }, halted: undefined, gotosTaken };
  if (e.status === "cancelled") return { next: { at: e.step }, halted: { step: e.step, status: e.status }, gotosTaken };
  const { onFail, retries } = onFailOf(state, e.step);
  if (onFail === "continue") return { next: { after: e.step }, halted: undefined, gotosTaken };
  const taken = gotosTaken[e.step] ?? 0;
  // A goto that loops back is followed `retries` times (validate requires the bound); then the step stops the walk.
  if (onFail.startsWith("goto:") && (retries === undefined || taken < retries)) return { next: { at: onFail.slice(5) }, halted: undefined, gotosTaken: { ...gotosTaken, [e.step]: taken + 1 } };
  return { next: { at: e.step }, halted: { step: e.step, status: e.status }, gotosTaken };
}

/** Apply one event. Unknown or irrelevant events leave the state as it was. */
export function reduce(state: IncidentState, e: IncidentEvent): IncidentState {
  const s: IncidentState = { ...state, lastSeq: e.seq };
  switch (e.type) {
    case "incident.opened":
      return withPlan({ ...s, id: e.incident, opened: e, severity: e.severity });
    case "input.set":
    case "input.changed":
      // A secret's value is not in the file (only its mask): the state knows the name, the session holds the value.
      if (e.secret) return withPlan({ ...s, secrets: s.secrets.includes(e.name) ? s.secrets : [...s.secrets, e.name] });
      return withPlan({ ...s, inputs: { ...s.inputs, [e.name]: e.value } });
    case "severity.changed":
      return withPlan({ ...s, severity: e.to });
    case "option.chosen": {
      const replaced = s.chosen[e.phase] !== undefined && s.chosen[e.phase] !== e.option;
      const planned = withPlan({ ...s, chosen: { ...s.chosen, [e.phase]: e.option } });
      const first = flatten(planned.plan).find((i) => i.kind === "step" && i.phaseId === e.phase && i.optionId === e.option);
      // A jump to this phase anchored the walk on its choice, which the option's steps now replace: go on from them.
      const anchoredOnChoice = "at" in s.next && s.next.at === `choose:${e.phase}`;
      if (!replaced && !anchoredOnChoice) return planned;
      // Changing the option (say, after its step failed) leaves the old option's steps behind: walk on from the new one.
      return { ...planned, halted: undefined, next: first ? { at: first.key } : { start: true } };
    }
    case "phase.entered": {
      const entered = s.phasesEntered.includes(e.phase) ? s : { ...s, phasesEntered: [...s.phasesEntered, e.phase] };
      if (!e.jump) return entered;
      const first = flatten(entered.plan).find((i) => i.phaseId === e.phase);
      return first ? { ...entered, halted: undefined, next: { at: first.key } } : entered;
    }
    case "step.started": {
      const prev = s.steps[e.step];
      return { ...s, running: e.step, halted: undefined, steps: { ...s.steps, [e.step]: { status: "running", attempts: (prev?.attempts ?? 0) + 1, ...(prev?.last ? { last: prev.last } : {}) } } };
    }
    case "step.finished": {
      const prev = s.steps[e.step];
      const record: StepRecord = { status: e.status, attempts: prev?.attempts ?? 1, last: e };
      return { ...s, running: undefined, steps: { ...s.steps, [e.step]: record }, ...afterFinish(s, e) };
    }
    case "step.skipped":
      return { ...s, halted: undefined, next: { after: e.step }, steps: { ...s.steps, [e.step]: { status: "skipped", attempts: s.steps[e.step]?.attempts ?? 0, skipReason: e.reason } } };
    case "note.added":
      return { ...s, notes: [...s.notes, { ts: e.ts, text: e.text, ...(e.step ? { step: e.step } : {}) }] };
    case "sla.breached":
      return { ...s, slaBreachedAt: e.ts };
    case "escalation.raised":
      return { ...s, escalations: { ...s.escalations, [e.key]: { raisedAt: e.ts, to: e.to, ...(e.reason ? { reason: e.reason } : {}) } } };
    case "escalation.acknowledged": {
      const esc = s.escalations[e.key];
      return esc ? { ...s, escalations: { ...s.escalations, [e.key]: { ...esc, acknowledgedAt: e.ts } } } : s;
    }
    case "incident.resumed": {
      const steps = { ...s.steps };
      for (const key of e.interrupted) if (steps[key]) steps[key] = { ...steps[key], status: "interrupted" };
      return { ...s, steps, running: undefined };
    }
    case "incident.resolved":
      return { ...s, resolved: e };
    default:
      return s;
  }
}

export function replay(runbook: Runbook, events: Iterable<IncidentEvent>): IncidentState {
  let state = initialState(runbook);
  for (const e of events) state = reduce(state, e);
  return state;
}

export type NextAction =
  | { type: "step"; item: Extract<PlanItem, { kind: "step" }>; retry: boolean }
  | { type: "choose"; item: Extract<PlanItem, { kind: "choice" }> }
  | { type: "halted"; step: string; status: StepState }
  | { type: "complete" }
  | { type: "resolved" };

/** What the walkthrough asks for now. */
export function nextAction(state: IncidentState): NextAction {
  if (state.resolved) return { type: "resolved" };
  if (state.halted) return { type: "halted", ...state.halted };
  const items = flatten(state.plan);
  const next = state.next;
  let anchor =
    "after" in next
      ? items.findIndex((it) => it.key === next.after)
      : "at" in next
        ? items.findIndex((it) => it.key === next.at || (it.kind === "step" && it.step.id === next.at))
        : -1;
  if (anchor < 0 && "at" in next) {
    // A goto into an option not yet chosen lands on that phase's choice.
    const phase = state.runbook.phases.find((p) => p.options?.some((o) => o.steps.some((st) => st.id === next.at)));
    if (phase) anchor = items.findIndex((it) => it.phaseId === phase.id);
  }
  const offer = (item: PlanItem): NextAction =>
    item.kind === "choice" ? { type: "choose", item } : { type: "step", item, retry: (state.steps[item.key]?.attempts ?? 0) > 0 };
  if (anchor >= 0) {
    // The walk goes on exactly from its anchor: a goto back re-runs what follows, even steps that passed before.
    const item = items["after" in next ? anchor + 1 : anchor];
    return item ? offer(item) : { type: "complete" };
  }
  // No anchor (the start, or a severity change removed it): the first item not yet done.
  for (const item of items) {
    const record = item.kind === "step" ? state.steps[item.key] : undefined;
    if (record && FINAL.has(record.status)) continue;
    return offer(item);
  }
  return { type: "complete" };
}

/** Keys of steps started and never finished: what a crash interrupted. */
export function interruptedSteps(state: IncidentState): string[] {
  return Object.entries(state.steps).filter(([, r]) => r.status === "running").map(([k]) => k);
}

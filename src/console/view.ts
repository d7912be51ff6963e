/**
 * The console's view model as a pure function of the incident state and the clock:
 * `viewOf(state, now, shown)` is what the walkthrough screen shows, tested without Ink.
 */
import { displayCommand, notifyText, targetText, type Shown } from "../incident/display.js";
import { nextAction, type IncidentState } from "../incident/machine.js";
import { phaseOutcomes, walkVerdict } from "../incident/outcomes.js";
import { flatten, type PlannedStep } from "../incident/plan.js";
import { offered, recommendedNow, runsBecause } from "../incident/gates.js";
import { clock } from "../incident/policy.js";
import { stepKind } from "../runbooks/step-kind.js";
import { substitute } from "../runbooks/template.js";
import type { Banner, ConsoleView, CurrentView, PhaseView } from "../ui/store.js";

export type WalkView = Pick<ConsoleView, "current" | "phases" | "banners" | "clock">;

const titleOf = (item: PlannedStep) => `${item.step.title}${item.item !== undefined ? ` [${item.item}]` : ""}`;

function stepView(state: IncidentState, item: PlannedStep, action: ReturnType<typeof nextAction>, shown: Shown): CurrentView {
  const step = item.step;
  const target = targetText(step, shown);
  const current: CurrentView = {
    type: action.type === "halted" ? "halted" : "step",
    key: item.key,
    title: titleOf(item),
    phase: state.plan.find((p) => p.phase.id === item.phaseId)?.phase.title ?? item.phaseId,
    kind: stepKind(step),
    command: displayCommand(step, shown),
    ...(step.run !== undefined ? { template: step.run } : {}),
    ...(step.notify ? { notify: { channel: step.notify.channel, severity: step.notify.severity ?? state.severity, message: notifyText(step, shown) } } : {}),
    ...(step.risk ? { risk: step.risk } : {}),
    ...(step.description ? { description: step.description } : {}),
    ...(target !== undefined ? { target } : {}),
    ...(step.requires ? { requires: step.requires } : {}),
    ...(action.type === "step" ? { retry: action.retry } : action.type === "halted" ? { status: action.status, retry: true } : {}),
    ...(item.optionId ? { optionPhase: item.phaseId } : {}),
  };
  const links = [...(step.links ?? []), ...(state.runbook.links ?? [])].map((l) => ({ title: l.title, url: shown.redact(substitute(l.url, shown.vars)) }));
  if (links.length > 0) current.links = links;
  const because = runsBecause(state, item);
  if (because) current.because = because;
  const last = state.steps[item.key]?.last;
  if (last && action.type === "halted") {
    current.checks = [...last.expectations, ...(last.found ?? [])];
    if (last.diagnosis) current.diagnosis = { summary: last.diagnosis.summary, hint: last.diagnosis.hint };
  }
  return current;
}

/** What the walkthrough shows now. `shown` renders a step's text (values substituted, secrets masked). */
export function viewOf(state: IncidentState, now: number, shown: (item?: string) => Shown): WalkView {
  const action = nextAction(state);
  let current: CurrentView = { type: action.type };
  let currentPhase: string | undefined;
  if (action.type === "step" || action.type === "halted") {
    const item = action.type === "step" ? action.item : flatten(state.plan).find((i): i is PlannedStep => i.kind === "step" && i.key === action.step);
    if (item) {
      currentPhase = item.phaseId;
      current = stepView(state, item, action, shown(item.item));
    }
  } else if (action.type === "choose") {
    currentPhase = action.item.phaseId;
    // Only the options whose `when` holds now; the recommendation may itself be a condition.
    const options = offered(state, action.item).map((o) => ({ id: o.id, title: o.title, ...(o.description ? { description: o.description } : {}), ...(recommendedNow(state, o) ? { recommended: true } : {}) }));
    current = { type: "choose", phase: state.plan.find((p) => p.phase.id === action.item.phaseId)?.phase.title ?? action.item.phaseId, options };
  } else if (action.type === "complete" || action.type === "resolved") {
    const v = walkVerdict(state);
    current = { type: action.type, verdict: { failed: v.failed, skipped: v.skipped, notRun: v.notRun, found: v.found } };
  }
  const phases: PhaseView[] = phaseOutcomes(state, currentPhase).map((p) => ({ id: p.id, title: p.title, kind: p.kind, state: p.state, skipped: p.skipped, failed: p.failed }));
  const banners: Banner[] = Object.entries(state.escalations)
    .filter(([, x]) => !x.acknowledgedAt)
    .map(([key, x]) => ({ key, text: `${x.to}${x.reason ? `: ${x.reason}` : ""}` }));
  const c = clock(state, now);
  return { current, phases, banners, ...(c ? { clock: { dueAt: c.dueAt, openedAt: c.openedAt } } : {}) };
}

/** What goes from the view when the operator leaves an incident for home. */
export const LEFT: Partial<ConsoleView> = { screen: "home", resuming: undefined, starting: undefined, production: undefined, incident: undefined, current: undefined, live: undefined, history: [], pods: undefined, report: undefined, drillSummary: undefined, follow: undefined };

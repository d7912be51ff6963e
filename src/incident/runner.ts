/**
 * One runner for the walkthrough (DESIGN.md): the console turns keys into intents, the headless
 * runner turns `--yes` / `--option` into intents, and this pure `decide` says what happens — so
 * the risk gate, dry run, halted steps, interactive steps and manual steps are written once.
 * A run command carries the runbook's template (or the operator's edit), never display text.
 */
import type { Risk } from "../runbooks/schema.js";
import { stepKind } from "../runbooks/step-kind.js";
import { asTemplate, type Template } from "../runbooks/template.js";
import { nextAction, type IncidentState, type StepState } from "./machine.js";
import { blockedBy, offered } from "./gates.js";
import { flatten, optionsFor, type ChoicePoint, type PlannedStep } from "./plan.js";

/** How much the operator must confirm before a step runs (DESIGN.md: risk). */
export type Confirmation = "none" | "yes-no" | "type-target";

export type Intent =
  /** Run (or run again) the step on screen; `edited` is the operator's own script for this run. */
  | { type: "run"; edited?: Template; confirmed?: Confirmation }
  /** A manual step done. */
  | { type: "confirm" }
  | { type: "skip"; reason: string }
  /** Pick an option at a choice point, or another option of the phase whose step is on screen. */
  | { type: "choose"; option: string }
  | { type: "jump"; phase: string }
  /** Edit the step's command (the console opens the prompt for a run step; for others the runner says why not). */
  | { type: "edit" }
  /** Before the operator or the flags are asked: pass over what the walk reached if its `when` does not hold. */
  | { type: "auto" }
  /** Headless: whatever the flags say comes next. */
  | { type: "next" };

export interface RunMode {
  /** Who acts, as logged: the operator's name, or "--yes". */
  by: string;
  dryRun: boolean;
  /** A terminal is attached (interactive steps need one). */
  terminal: boolean;
  /** The incident targets production: high-risk steps need their target typed back. */
  production: boolean;
  /** Set for the headless driver. */
  headless?: {
    /** --yes: run high and critical steps, acknowledge manual ones. */
    yes: boolean;
    /** --option phase=option. */
    options: Record<string, string>;
    /** A step the last run stopped at is run again (resume). */
    retryHalted: boolean;
    /** Go on past a step that stopped the walk (recorded as skipped): handrail test judges verification after a wrong fix. */
    keepGoing?: boolean;
  };
}

export type Command =
  | { type: "run"; item: PlannedStep; edited?: Template }
  | { type: "confirm"; item: PlannedStep; by: string }
  | { type: "skip"; key: string; reason: string; item?: PlannedStep; dryRun?: boolean; condition?: string }
  | { type: "choose"; phase: string; option: string; by: string }
  | { type: "jump"; phase: string; passedOver: string[] }
  /** The console must ask first; the same intent comes back with `confirmed`. */
  | { type: "ask"; confirmation: Exclude<Confirmation, "none">; item: PlannedStep }
  /** Not allowed now; nothing happens. */
  | { type: "refuse"; reason: string }
  /** Headless: the walk cannot go on by itself (a failed step, a missing choice). */
  | { type: "stop"; step: string; status: StepState | "needs-choice"; reason: string }
  | { type: "end"; resolved: boolean }
  /** Nothing to do by itself: the walk waits for the operator (or the flags). */
  | { type: "idle" };

const HIGH: ReadonlySet<Risk> = new Set(["high", "critical"]);

/** How much confirmation a step needs: high and critical against production need the name typed back. */
export function confirmationFor(risk: Risk | undefined, production: boolean, hasTarget: boolean): Confirmation {
  if (risk === "high" || risk === "critical") return production && hasTarget ? "type-target" : "yes-no";
  if (risk === "medium") return "yes-no";
  return "none";
}

const satisfies = (given: Confirmation | undefined, needed: Confirmation) => needed === "none" || given === needed || given === "type-target";

/** The step on screen: the next one, or the one the walk stopped at. */
export function currentStep(state: IncidentState): PlannedStep | undefined {
  const action = nextAction(state);
  if (action.type === "step") return action.item;
  if (action.type === "halted") return flatten(state.plan).find((i): i is PlannedStep => i.kind === "step" && i.key === action.step);
  return undefined;
}

function runRules(item: PlannedStep, edited: Template | undefined, confirmed: Confirmation | undefined, mode: RunMode): Command {
  const step = item.step;
  if (stepKind(step) === "manual") return { type: "confirm", item, by: mode.by };
  if (mode.dryRun) return { type: "skip", key: item.key, item, reason: "dry run", dryRun: true };
  if (step.interactive && !mode.terminal) return { type: "skip", key: item.key, item, reason: "interactive step: needs a terminal" };
  const needed = confirmationFor(step.risk, mode.production, step.target !== undefined);
  if (mode.headless) {
    if (step.risk && HIGH.has(step.risk) && !mode.headless.yes) return { type: "refuse", reason: `step ${item.key} has risk ${step.risk}: pass --yes to run it` };
  } else if (!satisfies(confirmed, needed)) {
    return { type: "ask", confirmation: needed === "none" ? "yes-no" : needed, item };
  }
  return { type: "run", item, ...(edited !== undefined && step.run !== undefined ? { edited } : {}) };
}

function chooseRules(choice: ChoicePoint, option: string, state: IncidentState, by: string): Command {
  const phase = state.runbook.phases.find((p) => p.id === choice.phaseId);
  // Only what the choice offers now: an option whose `when` does not hold is not there to take.
  const allowed = phase ? offered(state, { ...choice, options: optionsFor(phase, state.severity) }).map((o) => o.id) : [];
  if (!allowed.includes(option)) return { type: "refuse", reason: `${choice.phaseId} has no option ${option} now (${allowed.join(" | ") || "none applies"})` };
  return { type: "choose", phase: choice.phaseId, option, by };
}

/** The walk reached an item whose condition does not hold: it is passed over, recorded with what the condition saw. */
function gate(state: IncidentState, action: ReturnType<typeof nextAction>): Command | undefined {
  if (action.type !== "step" && action.type !== "choose") return undefined;
  const why = blockedBy(state, action.item);
  if (why === undefined) return undefined;
  return { type: "skip", key: action.item.key, ...(action.item.kind === "step" ? { item: action.item } : {}), reason: "condition", condition: why };
}

/** Keys a jump to `phase` passes over: what lies between here and there, not yet done. */
export function passedOver(state: IncidentState, phase: string): string[] {
  const items = flatten(state.plan);
  const target = items.findIndex((i) => i.phaseId === phase);
  const action = nextAction(state);
  const here =
    action.type === "step" || action.type === "choose"
      ? items.indexOf(action.item)
      : action.type === "halted"
        ? items.findIndex((i) => i.key === action.step)
        : items.length;
  if (target < 0 || here < 0 || target <= here) return [];
  const done = new Set(["passed", "found", "skipped"]);
  return items.slice(here, target).filter((i) => !done.has(state.steps[i.key]?.status ?? "")).map((i) => i.key);
}

/** What an intent comes to in this state: the one place the walkthrough's rules live. */
export function decide(state: IncidentState, intent: Intent, mode: RunMode): Command {
  if (state.resolved && intent.type !== "next") return { type: "refuse", reason: "the incident is resolved" };
  const action = nextAction(state);
  const current = currentStep(state);
  switch (intent.type) {
    case "run":
      if (!current) return { type: "refuse", reason: "no step to run here" };
      return runRules(current, intent.edited, intent.confirmed, mode);
    case "confirm":
      if (!current || stepKind(current.step) !== "manual") return { type: "refuse", reason: "only a manual step is confirmed" };
      return { type: "confirm", item: current, by: mode.by };
    case "skip":
      if (!current) return { type: "refuse", reason: "no step to skip here" };
      if (intent.reason.trim() === "") return { type: "refuse", reason: "a skip needs a reason" };
      return { type: "skip", key: current.key, item: current, reason: intent.reason };
    case "choose":
      if (action.type === "choose") return chooseRules(action.item, intent.option, state, mode.by);
      if (current?.optionId !== undefined) {
        const choice: ChoicePoint = { kind: "choice", key: `choose:${current.phaseId}`, phaseId: current.phaseId, options: [] };
        return chooseRules(choice, intent.option, state, mode.by);
      }
      return { type: "refuse", reason: "there is no choice to make here" };
    case "jump":
      if (!state.plan.some((p) => p.phase.id === intent.phase)) return { type: "refuse", reason: `no phase ${intent.phase} in this walk` };
      return { type: "jump", phase: intent.phase, passedOver: passedOver(state, intent.phase) };
    case "edit":
      if (!current) return { type: "refuse", reason: "no step to edit here" };
      if (current.step.run !== undefined) return { type: "refuse", reason: "the edit prompt is the console's: e opens it" };
      return { type: "refuse", reason: stepKind(current.step) === "manual" ? "a manual step has no command: do what it says, then y (n notes what you did)" : `a ${stepKind(current.step)} step is a call handrail makes itself, with no script to edit: s skips it` };
    case "auto":
      return gate(state, action) ?? { type: "idle" };
    case "next":
      return gate(state, action) ?? nextFor(state, action, current, mode);
  }
}

/** The headless driver's next move. */
function nextFor(state: IncidentState, action: ReturnType<typeof nextAction>, current: PlannedStep | undefined, mode: RunMode): Command {
  const flags = mode.headless ?? { yes: false, options: {}, retryHalted: false };
  switch (action.type) {
    case "complete":
    case "resolved":
      return { type: "end", resolved: action.type === "resolved" };
    case "halted":
      if (flags.retryHalted && current) return runRules(current, undefined, undefined, mode);
      if (flags.keepGoing && action.status !== "cancelled") return { type: "skip", key: action.step, ...(current ? { item: current } : {}), reason: `${action.status}; the walk went on (--keep-going)` };
      return { type: "stop", step: action.step, status: action.status, reason: `stopped at ${action.step} (${action.status})` };
    case "choose": {
      const options = offered(state, action.item);
      const option = flags.options[action.item.phaseId] ?? (options.length === 1 ? options[0]!.id : undefined);
      if (option === undefined) return { type: "stop", step: action.item.key, status: "needs-choice", reason: `phase ${action.item.phaseId} needs a choice: --option ${action.item.phaseId}=<${options.map((o) => o.id).join(" | ")}>` };
      return chooseRules(action.item, option, state, flags.options[action.item.phaseId] ? "--option" : "only option");
    }
    case "step":
      if (stepKind(action.item.step) === "manual" && !flags.yes) return { type: "skip", key: action.item.key, item: action.item, reason: "manual step: not confirmed in a headless run (pass --yes to acknowledge)" };
      return runRules(action.item, undefined, flags.yes ? "type-target" : undefined, mode);
  }
}

/** The runbook's script of a run step, as a template. */
export function templateOf(item: PlannedStep): Template | undefined {
  return item.step.run === undefined ? undefined : asTemplate(item.step.run);
}

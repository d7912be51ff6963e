/**
 * The console's view state: one zustand vanilla store outside React, so the controller
 * (engine and executors) updates it without hooks, and components read narrow slices.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { IncidentState } from "../incident/machine.js";
import type { Runbook, Severity } from "../runbooks/schema.js";
import type { InputValue } from "../runbooks/inputs.js";
import type { Display } from "../runbooks/template.js";
import type { LiveStep } from "./live-output.js";
import { oncePerTurn } from "./once-per-turn.js";
import type { Urgency } from "./urgency.js";

export interface RunbookCard {
  id: string;
  title: string;
  summary?: string;
  tags: string[];
  steps: number;
  runbook: Runbook;
  /** Where it was read from and its hash, recorded in the incident so resume finds it. */
  source?: { file: string; sha256: string };
}

/** Asked before an incident is resumed: its secret values again, and a changed runbook. */
export interface ResumeAsk {
  file: string;
  incident: string;
  secrets: Array<{ name: string; prompt: string }>;
  changed?: { file: string; was: string; now: string };
  /** Why a secret HANDRAIL_INPUT_<NAME> gives is asked anyway (its variable named). */
  problems?: string[];
  /** What was answered so far. */
  answers: { secrets: Record<string, string>; acceptChanged: boolean; forceUnlock: boolean };
}

export interface IncidentCard {
  id: string;
  file: string;
  runbook: string;
  severity: string;
  /** `finished`: a drill that reached its end. */
  status: "open" | "resolved" | "finished";
  age: string;
  openedAt?: string;
  /** What orders and marks it on home (src/ui/urgency.ts); a card without it reads as calm. */
  urgency?: Urgency;
  /** The file's integrity problems, one sentence each. */
  problems?: string[];
  /** The drill scenario, for a drill's incident (home leaves them out). */
  drill?: string;
  /** On a shared store: who drives it now (a live lease). */
  driver?: string;
  /** On a shared store: who follows it now. */
  followers?: string[];
  /** Only in the shared store, not in this machine's incident directory (`file` is then its id). */
  team?: boolean;
}

/** A drill scenario as home and the drill picker show it. */
export interface DrillCard {
  id: string;
  runbook: string;
  title: string;
  severity: Severity;
  needs: string[];
  /** What this machine lacks for it ("docker not on PATH"). */
  missing: string[];
}

/** Whether the operator's own cluster answered the start-up probe. */
export interface ClusterReach {
  state: "checking" | "reachable" | "unreachable";
  /** Why not, in a few words: "no kubeconfig", "connection refused at 127.0.0.1:6443". */
  reason?: string;
}

export interface HistoryEntry {
  id: number;
  key: string;
  title: string;
  status: string;
  exitCode: number | null;
  durationMs: number;
  detail?: string;
}

export interface KubeView {
  context?: string;
  namespace?: string;
  /** The namespace --namespace or the context names (not kubectl's fallback): a `namespace` input defaults to it. */
  chosenNamespace?: string;
  server?: string;
  /** The context name matches the production pattern: the frame turns red. */
  production: boolean;
}

export type Screen = "home" | "start" | "walk" | "follow";

/** An incident someone else drives, followed read-only and live (a shared store): its events as lines. */
export interface FollowView {
  incident: string;
  /** Who drives it, as last heard. */
  driver?: string;
  /** The latest lines, oldest first (bounded). */
  lines: string[];
  /** Asking the driver to hand over: the answer is awaited. */
  asking?: boolean;
  /** Escalations raised and not yet acknowledged, oldest first: a follower may acknowledge them. */
  escalations?: Array<{ key: string; to: string }>;
}

/** What the walkthrough asks of the operator now, already rendered by the controller. */
export interface CurrentView {
  type: "step" | "choose" | "halted" | "complete" | "resolved";
  key?: string;
  title?: string;
  phase?: string;
  kind?: "run" | "manual" | "k8s" | "http" | "notify";
  /** A notify step: where it goes, how urgent, and the message as it will be sent. */
  notify?: { channel: string; severity?: string; message: string };
  risk?: "low" | "medium" | "high" | "critical";
  /** Values substituted, secrets masked: for reading only, never run. */
  command?: Display;
  /** A run step's script as the runbook wrote it (`$service`): what the edit prompt starts from. */
  template?: string;
  description?: string;
  /** The name to type back for high/critical steps against production. */
  target?: string;
  requires?: string[];
  retry?: boolean;
  status?: string;
  options?: Array<{ id: string; title: string; description?: string; recommended?: boolean }>;
  /** The last attempt's checks, each passed or failed with its reason. */
  checks?: Array<{ check: string; passed: boolean; reason?: string }>;
  diagnosis?: { summary: string; hint: string };
  /** When the step belongs to an option: the phase, so the operator can change option. */
  optionPhase?: string;
  /** The step's links, then the runbook's: dashboards and documents, inputs substituted. */
  links?: Array<{ title: string; url: string }>;
  /** Why a step with a `when:` runs: what its condition saw. */
  because?: string;
  /** At the end of the walk: the steps that did not pass, were skipped, never ran, or found their symptom. */
  verdict?: { failed: string[]; skipped: string[]; notRun: string[]; found: string[] };
}

export interface PodView {
  name: string;
  phase: string;
  ready: string;
  restarts: number;
  reason: string;
}

export interface PhaseView {
  id: string;
  title: string;
  kind: string;
  /** done only when every planned step passed or found its symptom; skipped and failed say so. */
  state: "done" | "current" | "todo" | "skipped" | "failed" | "not-needed";
  skipped?: number;
  failed?: number;
}

export interface Banner {
  key: string;
  text: string;
  /** An escalation (the default), or someone asking this console to hand over driving (a shared store). */
  kind?: "escalation" | "handover";
}

/** Where the shared store stands for the open incident: the status bar's `store: offline (12 events queued)`. */
export interface SharedView {
  /** Where it is, password masked. */
  where: string;
  state: "online" | "offline";
  /** Events in the local file not yet in the store. */
  queued: number;
  /** Who took the lease from this console, once someone has: it runs no further step. */
  drivenBy?: string;
}

export interface ConsoleView {
  screen: Screen;
  runbooks: RunbookCard[];
  incidents: IncidentCard[];
  /** Home is drawn before the library and the incidents are read: their lists say so until they are. */
  loading?: boolean;
  /** The incident followed on the follow screen. */
  follow?: FollowView;
  /** An incident being resumed that needs answers first (the resume screen). */
  resuming?: ResumeAsk;
  /** The runbook being started: the start screen asks what `open` was not given (severity, inputs). */
  starting?: {
    card: RunbookCard;
    severity?: Severity;
    inputs: Record<string, InputValue>;
    /** What an input's prompt starts from instead of its default (HANDRAIL_INPUT_<NAME> of an input that is not a secret). */
    suggested?: Record<string, InputValue>;
    /** Secrets given by their environment variable: not asked, and said so. */
    fromEnv?: Array<{ name: string; variable: string }>;
    /** Why an input's variable was not taken (the variable named): the input is asked instead. */
    problems?: string[];
  };
  /** Whether the open incident is production, and why (its context, its environment input, its runbook's rule). */
  production?: { production: boolean; why?: string };
  incident?: IncidentState;
  incidentFile?: string;
  current?: CurrentView;
  phases: PhaseView[];
  /** Escalations raised and not yet acknowledged, oldest first. */
  banners: Banner[];
  /** Response-time clock: when it is due, and the severity it is for. */
  clock?: { dueAt: number; openedAt: number };
  running: boolean;
  /** The shared incident store of the open incident (issue 20); undefined on the local file alone. */
  shared?: SharedView;
  /** The cluster panel: pods of the incident's service, live; undefined when hidden. */
  /** `listing`: the list is still arriving; `stale`: the connection is lost, so no pod's status is known. */
  pods?: { selector: string; namespace: string; items: PodView[]; listing?: boolean; stale?: boolean; error?: string };
  /** The rendered report once the incident is resolved. */
  report?: string;
  kube: KubeView;
  live?: LiveStep;
  history: HistoryEntry[];
  /** A one-line message for the operator (errors from the controller, confirmations). */
  flash?: { text: string; tone: "info" | "error" };
  dryRun: boolean;
  drill: boolean;
  /** The drill's world runs in this handrail (not in another one that handed the drill over): leaving ends it. */
  drillHost?: boolean;
  drills: DrillCard[];
  cluster?: ClusterReach;
  /** "drills": home is the drill picker (`handrail drill` without a scenario). */
  homeMode?: "drills";
  /** The running drill's page to the operator, shown while it lasts. */
  briefing?: { scenario: string; title: string; text: string };
  /** The drill summary, once the drill is over (the closing screen). */
  drillSummary?: string[];
  now: number;
}

export type ConsoleStore = StoreApi<ConsoleView>;

export function createConsoleStore(initial: Partial<ConsoleView> = {}): ConsoleStore {
  return oncePerTurn(createStore<ConsoleView>(() => ({
    screen: "home",
    runbooks: [],
    incidents: [],
    kube: { production: false },
    history: [],
    phases: [],
    banners: [],
    running: false,
    dryRun: false,
    drill: false,
    drills: [],
    now: Date.now(),
    ...initial,
  })));
}

export const severityOrder: readonly Severity[] = ["critical", "high", "medium", "low"];

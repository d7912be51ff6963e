/** The incident report as data: what `report --format json` prints and what the Markdown and HTML forms render. */
import type { ActionItem } from "./action-items.js";
import type { EventOf, StepOutputFile } from "./events.js";
import type { ReportDrill } from "./report-drill.js";

/** One attempt of a step. */
export interface ReportStep {
  step: string;
  title: string;
  phase: string;
  phaseTitle: string;
  option?: string;
  optionTitle?: string;
  kind?: string;
  /** The whole script as it ran (values substituted, secrets masked). */
  command?: string;
  /** The runbook's command, when the operator edited it before running. */
  original?: string;
  startedAt: string;
  endedAt?: string;
  status: string;
  exitCode: number | null;
  durationMs?: number;
  reasons: string[];
  diagnosis?: string;
  /** The found: checks that held (what the diagnosis saw). */
  found?: string[];
  /** First lines of the output recorded in the incident file (this attempt), for the attempts the report quotes: evidence, and those that did not pass. */
  head?: string[];
  /** Last lines: the step.finished tail, else the last recorded lines (the same attempts). */
  tail?: string[];
  /** Lines of output recorded in the incident file itself. */
  recordedLines?: number;
  output?: StepOutputFile;
  attempt: number;
  edited?: boolean;
  acknowledged?: string;
  /** The runbook marks its output as evidence, or it had found: checks. */
  evidence?: boolean;
}

export interface ReportSkip {
  at: string;
  step: string;
  title: string;
  phaseTitle?: string;
  /** jumped | condition | dry run | the operator's words … */
  reason: string;
  /** The phase jumped to (its title). */
  to?: string;
  /** What the condition saw. */
  condition?: string;
}

export interface ReportNotification {
  at: string;
  channel: string;
  action: string;
  severity: string;
  outcome: "sent" | "failed" | "dry run";
  /** The step's title, or `escalation to <to>`, or `resolution`. */
  origin: string;
  attempts: number;
  status?: number;
  latencyMs: number;
  ref?: string;
  reason?: string;
}

export interface KeyTime {
  at: string;
  sinceOpenMs: number;
}

export interface RemedyPhase {
  phase: string;
  title: string;
  option?: string;
  optionTitle?: string;
  /** The last attempt of each step of the phase (and of its chosen option), in the order they ran. */
  steps: ReportStep[];
}

export interface IncidentReport {
  incident: string;
  runbook: { id: string; title: string };
  mode: "run" | "console" | "drill";
  version?: string;
  /** Where: the Kubernetes target the incident was opened against. */
  kube?: { context?: string; namespace?: string; server?: string };
  /** Who: the operator for each moment the file records one. */
  who: { openedBy?: string; resolvedBy?: string; resumedBy: string[]; acknowledgedBy: string[] };
  inputs: Record<string, string | string[]>;
  inputChanges: Array<{ at: string; name: string; from: string | string[]; to: string | string[] }>;
  severity: { initial: string; final: string; changes: Array<{ at: string; from: string; to: string; reason?: string }> };
  openedAt: string;
  resolvedAt?: string;
  durationMs: number;
  timeToFirstActionMs?: number;
  keyTimes: { opened: KeyTime; firstAction?: KeyTime; diagnosed?: KeyTime; mitigated?: KeyTime; resolved?: KeyTime };
  sla: { breached: boolean; breachedAt?: string; respondWithin?: string; severity: string; dueAt?: string; state: "met" | "breached" | "running" };
  /** A drill that ended without being resolved is finished, never open. */
  status: "resolved" | "open" | "finished";
  /** Every attempt of every step, in the order they started. */
  steps: ReportStep[];
  /** Keys of steps that failed, then passed on a later attempt. */
  recovered: string[];
  skipped: ReportSkip[];
  options: Array<{ at: string; phase: string; phaseTitle: string; option: string; optionTitle: string; by?: string; replaced?: boolean }>;
  phases: Array<{ at: string; phase: string; title: string; jump: boolean }>;
  resumes: Array<{ at: string; by?: string; interrupted: Array<{ step: string; title: string }>; runbookChanged: boolean }>;
  /** Driving passed between responders on a shared store (handed over, taken over, or an expired lease taken). */
  driverChanges: Array<{ at: string; from: string; to: string; reason: "expired" | "taken over" | "handed over" }>;
  locksForced: Array<{ at: string; previous: { pid: number; host: string } }>;
  notes: Array<{ at: string; text: string; step?: string; stepTitle?: string }>;
  escalations: Array<{ at: string; to: string; reason?: string; acknowledgedAt?: string; acknowledgedBy?: string }>;
  notifications: ReportNotification[];
  resolution: {
    /** What is wrong with the end, said first: still broken, verification failed, not resolved. */
    warnings: string[];
    phases: RemedyPhase[];
    /** Options chosen and then replaced by another (a wrong first choice). */
    replaced: Array<{ phaseTitle: string; optionTitle: string }>;
  };
  /** Steps whose output is the diagnosis: their last attempt. */
  evidence: ReportStep[];
  /** The runbook's links, then those of the steps that ran, inputs substituted (secrets are masked in the file already). */
  links: Array<{ title: string; url: string; step?: string }>;
  rootCause?: string;
  impact?: string;
  actionItems: ActionItem[];
  dryRun: boolean;
  damagedLines: number;
  /** Every damaged, duplicated or missing line of the file, by line number. */
  integrity?: string[];
  /** Set for incidents opened by a drill. */
  drill?: ReportDrill;
}

export type StepFinished = EventOf<"step.finished">;

/** The incident file's events (DESIGN.md): one JSON object a line, `seq` without gaps, `ts` in UTC. */
import type { Diagnosis, ExpectOutcome, StepStatus, Stream } from "../executors/types.js";
import type { NotifyChannel, Severity, StepKind } from "../runbooks/schema.js";
import type { RunbookOutline } from "./outline.js";

export interface StepOutputFile {
  /** Relative to the incident file's directory. */
  path: string;
  bytes: number;
  lines: number;
  sha256: string;
}

/** Where a notification came from and what it was: a step, an escalation, or the resolution. */
export interface NotifyFacts {
  channel: NotifyChannel;
  action: "trigger" | "resolve";
  severity: Severity;
  step?: string;
  escalation?: string;
  attempts: number;
  latencyMs: number;
  /** The last HTTP status or SMTP reply code. */
  status?: number;
}

export type IncidentEventBody =
  | {
      type: "incident.opened";
      incident: string;
      /** `file` and `sha256`: where it was read from and its text's hash, so resume finds it and sees a change. */
      runbook: { id: string; title: string; file?: string; sha256?: string };
      severity: Severity;
      mode: "run" | "console" | "drill";
      /** The drill scenario (mode "drill" only). */
      scenario?: string;
      dryRun: boolean;
      kube?: { context?: string; namespace?: string; server?: string };
      user?: string;
      host?: string;
      /** Who opened it: the operator's name (HANDRAIL_OPERATOR), else user@host. Absent in files written before it was recorded. */
      actor?: string;
      /** The runbook's phases, options and steps with their titles, kinds and response times: the report reads titles from here, not ids. */
      outline?: RunbookOutline;
      version: string;
    }
  /** A secret's value is never written: `value` holds the mask, and the value lives in the process that was given it. */
  | { type: "input.set"; name: string; value: string | string[]; secret?: boolean }
  /** An input changed mid-incident (a wrong host, a namespace): the steps after it use `value`. A secret's values are masks. */
  | { type: "input.changed"; name: string; from: string | string[]; value: string | string[]; secret?: boolean }
  | { type: "severity.changed"; from: Severity; to: Severity; reason?: string }
  /** `jump: true` when the operator moved the walk to this phase out of order. */
  | { type: "phase.entered"; phase: string; jump?: boolean }
  | { type: "option.chosen"; phase: string; option: string; by?: string }
  /** `original`: the runbook's command as displayed, when the operator edited it (`command` is what ran). */
  | { type: "step.started"; step: string; phase: string; option?: string; item?: string; kind: StepKind; command?: string; attempt: number; edited?: boolean; risk?: string; original?: string }
  | { type: "step.output"; step: string; stream: Stream; lines: string[]; skipped?: number }
  /** A run step's process group, written as soon as it exists, so a resume after a crash can find what it left running. */
  | { type: "step.process"; step: string; pgid: number; startTime?: number; bootId?: string }
  /** What a resume did about the group of an interrupted attempt still running. */
  | { type: "process.ended"; step: string; pgid: number; state: "gone" | "ended" | "not-ours"; processes: number; reason?: string }
  | {
      type: "step.finished";
      step: string;
      status: StepStatus;
      exitCode: number | null;
      signal?: string | null;
      durationMs: number;
      expectations: ExpectOutcome[];
      /** The `found:` checks of a diagnose step. */
      found?: ExpectOutcome[];
      /** What later conditions asked of this step's stdout (`when: { step, stdout }`), by test, judged over all of it. */
      facts?: Record<string, boolean>;
      diagnosis?: Diagnosis;
      error?: string;
      output?: StepOutputFile;
      tail?: string[];
      details?: Record<string, unknown>;
      acknowledged?: string;
    }
  /** `reason` is the operator's words, or "jumped" (with `to`, the phase jumped to), "condition" (with `condition`: what it saw), "dry run", … */
  | { type: "step.skipped"; step: string; reason: string; command?: string; to?: string; condition?: string }
  /** `actor`: set on a note someone other than the driver added (a follower), as the driver's file records it. */
  | { type: "note.added"; text: string; step?: string; actor?: string }
  | { type: "sla.breached"; severity: Severity; respondWithin: string; dueAt: string }
  | { type: "escalation.raised"; key: string; to: string; reason?: string; after: string; severity: Severity }
  | { type: "escalation.acknowledged"; key: string; actor?: string }
  /** Delivered; `ref` is what the provider gave back (issue URL, dedup key, message id). A dry run records the payload it would have sent. */
  | ({ type: "notify.sent"; ref?: string; dryRun?: boolean; payload?: string } & NotifyFacts)
  | ({ type: "notify.failed"; reason: string } & NotifyFacts)
  /** `runbookChanged`: the runbook differed from the one opened on, and the operator went on with it. */
  | { type: "incident.resumed"; interrupted: string[]; pid: number; runbookChanged?: { file: string; sha256: string }; actor?: string }
  /** The operator took the lock (--force-unlock) from a handrail that did not look dead: `previous` held it. */
  | { type: "lock.forced"; previous: { pid: number; host: string; start?: string }; pid: number }
  /** Who drives a shared incident changed: the last driver's lease "expired", it was "taken over" (--take-over), or the driver "handed over" when asked. */
  | { type: "driver.changed"; from: string; to: string; reason: "expired" | "taken over" | "handed over" }
  /** `actionItems` as typed ("text @owner 2026-12-20": owner and due date read by action-items.ts); `impact`: who or what was hurt, and how long. */
  | { type: "incident.resolved"; rootCause: string; actionItems: string[]; impact?: string; actor?: string }
  /** How a drill ended: the scenario's health check and the summary's figures (src/incident/drill-summary.ts). */
  | ({ type: "drill.finished" } & DrillOutcome);

/** The figures of a drill's end, as recorded in its `drill.finished` event. */
export interface DrillOutcome {
  scenario: string;
  healthy: boolean;
  detail: string;
  /** The walk reached its end (false: it stopped at a failed step or was left). */
  walkComplete: boolean;
  timeToDiagnosisMs?: number;
  timeToMitigationMs?: number;
  skipped: number;
  totalMs: number;
  respondWithin: string;
  withinResponseTime: boolean;
  /** What would have fixed it, after a wrong choice (or a fix left unfinished). */
  hint?: string;
  /** After a broken outcome: the steps of the walk that were skipped by the operator or did not pass, with how. */
  missed?: string[];
}

/** `eid`: the event's id in a shared store (writer:local seq), so a replay never stores it twice; absent in a file alone. */
export type IncidentEvent = IncidentEventBody & { seq: number; ts: string; eid?: string };
export type EventType = IncidentEvent["type"];
export type EventOf<T extends EventType> = Extract<IncidentEvent, { type: T }>;

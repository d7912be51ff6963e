/** What an incident session is opened, resumed and run with. */
import type { NotifyContext } from "../executors/notify/index.js";
import type { KubeTarget, StepResult } from "../executors/types.js";
import type { InputValue } from "../runbooks/inputs.js";
import type { Runbook, Severity } from "../runbooks/schema.js";
import type { Display, Template } from "../runbooks/template.js";
import type { StoreAttach } from "./store/types.js";

export interface OpenOptions {
  dir: string;
  runbook: Runbook;
  /** Where the runbook was read from, and the sha256 of its text: resume finds it, and sees whether it changed. */
  source?: { file: string; sha256: string };
  severity: Severity;
  inputs: Record<string, InputValue>;
  mode: "run" | "console" | "drill";
  /** The drill scenario, recorded in incident.opened (mode "drill"). */
  scenario?: string;
  dryRun: boolean;
  kube?: { context?: string; namespace?: string; server?: string };
  /** Who opens it; default HANDRAIL_OPERATOR, else user@host. */
  actor?: string;
  /** The incident id, when the caller needed it before opening (a shared store's lease); default a new one. */
  id?: string;
  /** Wraps the new incident file in a store (a shared one); default the file alone. */
  store?: StoreAttach;
}

export interface ResumeOptions {
  /** The values of the incident's secret inputs, given again (they are never stored). */
  secrets?: Record<string, string>;
  /** The runbook as found now, when it differs from the one the incident was opened on (recorded in incident.resumed). */
  runbookChanged?: { file: string; sha256: string };
  /** Take the lock even from a handrail that looks alive (--force-unlock; recorded as lock.forced). */
  forceUnlock?: boolean;
  /** Who resumes it; default HANDRAIL_OPERATOR, else user@host. */
  actor?: string;
  /** Wraps the reopened incident file in a store (a shared one); default the file alone. */
  store?: StoreAttach;
}

/** Where a step runs. */
export interface StepWorld {
  env: Record<string, string | undefined>;
  cwd: string;
  kube?: KubeTarget;
  defaultTimeoutMs?: number;
}

export interface RunStepOptions {
  signal?: AbortSignal;
  /** The operator's own script for this run (the edit prompt), run exactly like the runbook's. */
  edited?: Template;
  onLines?: (stream: "stdout" | "stderr", lines: string[]) => void;
  onSkipped?: (n: number) => void;
  /** Channel settings and incident facts, for a notify step. */
  notify?: NotifyContext;
  /** Called with the result before step.finished is written (the notifier records its delivery first). */
  beforeFinish?: (result: StepResult) => void;
}

export interface StepRun {
  result: StepResult;
  /** The command as logged (values substituted, secrets masked). */
  command: Display;
}

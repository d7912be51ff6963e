/** The one port every step kind goes through: typed events out, a result back, never a throw for an expected failure. */
import type { OutputCheck, Step } from "../runbooks/schema.js";
import type { NotifyContext } from "./notify/index.js";

/**
 * How a step ended. `found`: a diagnose step's `found:` checks held — the symptom it looks for is
 * present (amber, not a failure of the walk).
 */
export type StepStatus = "passed" | "found" | "failed" | "error" | "timeout" | "cancelled";
export type Stream = "stdout" | "stderr";

/** A batch of complete lines from one stream; batched so a flood is not one event per line. */
export interface OutputEvent {
  type: "output";
  stream: Stream;
  /** Lines as printed, colour kept, without their line ending. */
  lines: string[];
  /** Lines of a flood before these that were counted but not handed on. */
  skipped?: number;
}

export type StepEvent =
  /**
   * A run step's `pgid` (its own group, led by `pid`) comes with the leader's `startTime` (clock ticks
   * since boot) and the `bootId`, so a resume can tell the group from a reused pid (groupStillOurs).
   */
  | { type: "started"; pid?: number; pgid?: number; startTime?: number; bootId?: string; command: string; at: number }
  /** Raw bytes as they arrived (for storing the full output); not split, not decoded. */
  | { type: "data"; stream: Stream; chunk: Buffer }
  | OutputEvent
  | { type: "exit"; exitCode: number | null; signal: string | null; at: number };

/** How the kube-related steps reach the cluster: the same for kubectl steps and client-node calls. */
export interface KubeTarget {
  /** The kubeconfig every step uses (a private minified copy; the user's file is never edited). */
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export interface ExecContext {
  /** Input values, already validated and rendered to their environment form. */
  vars: Record<string, string>;
  /** The process environment steps inherit (handrail never mutates process.env). */
  env: Record<string, string | undefined>;
  cwd: string;
  kube?: KubeTarget;
  /** Used when a step sets no timeout. */
  defaultTimeoutMs?: number;
  /** Channel settings and incident facts for notify steps (the executor never reads process.env). */
  notify?: NotifyContext;
  /** Stdout checks that later conditions ask of this step (`when: { step, stdout }`), judged over the whole output. */
  facts?: readonly OutputCheck[];
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  onEvent?: (event: StepEvent) => void;
}

export interface ExpectOutcome {
  /** What was checked, e.g. `exitCode`, `stdout.max`, `json data.result[0].value[1]`. */
  check: string;
  passed: boolean;
  /** Why it failed, in words an operator reads at 3 a.m. */
  reason?: string;
}

/** A known failure recognised from stderr (cluster unreachable, kubectl missing, …). */
export interface Diagnosis {
  code: string;
  summary: string;
  hint: string;
}

export interface OutputSummary {
  /** The last lines of output (both streams interleaved in order), bounded. */
  tail: Array<{ stream: Stream; line: string }>;
  lines: number;
  bytes: number;
  /** True when the tail holds less than all the output. */
  truncated: boolean;
}

export interface StepResult {
  status: StepStatus;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  expectations: ExpectOutcome[];
  /** The step's `found:` checks, when it has them: all held means the status is `found`. */
  found?: ExpectOutcome[];
  /** Whether each of `ctx.facts` held, in order (absent when the step did not run to an end). */
  facts?: boolean[];
  output: OutputSummary;
  diagnosis?: Diagnosis;
  /** For error results: what went wrong before or around the command (spawn failure, bad URL). */
  error?: string;
  /** Step-kind specific facts: HTTP status and latency, pod summaries, rollout state. */
  details?: Record<string, unknown>;
}

export type Executor = (step: Step, ctx: ExecContext, opts: ExecuteOptions) => Promise<StepResult>;

export const DEFAULT_STEP_TIMEOUT_MS = 10 * 60_000;
/** Between SIGTERM and SIGKILL when a step is cancelled or times out. */
export const KILL_GRACE_MS = 2_000;

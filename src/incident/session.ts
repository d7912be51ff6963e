/**
 * One open incident: the log, the state folded from it, and the commands that change it.
 * Every change is an event appended (and fsync'ed) first, then applied: the file is the truth.
 */
import { randomBytes } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { execute } from "../executors/execute.js";
import type { ExecContext, KubeTarget, StepEvent, StepResult } from "../executors/types.js";
import { renderHttp } from "../executors/http.js";
import { inputToEnv, type InputValue } from "../runbooks/inputs.js";
import { stepKind, type Runbook, type Severity, type Step } from "../runbooks/schema.js";
import { renderForDisplay, substitute } from "../runbooks/template.js";
import type { IncidentEvent, IncidentEventBody } from "./events.js";
import { IncidentLog, type ReadResult } from "./log.js";
import { initialState, interruptedSteps, reduce, type IncidentState } from "./machine.js";
import type { PlannedStep } from "./plan.js";
import { duePolicyEvents } from "./policy.js";
import { Redactor } from "./redact.js";
import { StepRecorder } from "./step-recorder.js";

declare const HANDRAIL_VERSION: string | undefined;

/** `2026-11-24-0312-deployment-failure-3fa9`: sortable, readable, unique enough per store. */
export function newIncidentId(runbookId: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 13);
  return `${stamp}-${runbookId}-${randomBytes(2).toString("hex")}`;
}

export interface OpenOptions {
  dir: string;
  runbook: Runbook;
  runbookFile?: string;
  severity: Severity;
  inputs: Record<string, InputValue>;
  mode: "run" | "console" | "drill";
  /** The drill scenario, recorded in incident.opened (mode "drill"). */
  scenario?: string;
  dryRun: boolean;
  kube?: { context?: string; namespace?: string; server?: string };
}

export interface StepRun {
  result: StepResult;
  /** The rendered command as logged (values substituted, secrets masked). */
  command: string;
}

export class IncidentSession {
  state: IncidentState;
  private redactor: Redactor;
  private listeners = new Set<(e: IncidentEvent, s: IncidentState) => void>();

  private constructor(
    readonly log: IncidentLog,
    runbook: Runbook,
    events: IncidentEvent[] = [],
  ) {
    let state = initialState(runbook);
    for (const e of events) state = reduce(state, e);
    this.state = state;
    this.redactor = new Redactor(this.secretValues());
  }

  static open(opts: OpenOptions): IncidentSession {
    const id = newIncidentId(opts.runbook.id);
    const log = IncidentLog.create(opts.dir, id);
    const session = new IncidentSession(log, opts.runbook);
    const version = typeof HANDRAIL_VERSION === "string" ? HANDRAIL_VERSION : "0.0.0-dev";
    session.record({
      type: "incident.opened",
      incident: id,
      runbook: { id: opts.runbook.id, title: opts.runbook.title, ...(opts.runbookFile ? { file: opts.runbookFile } : {}) },
      severity: opts.severity,
      mode: opts.mode,
      ...(opts.scenario ? { scenario: opts.scenario } : {}),
      dryRun: opts.dryRun,
      ...(opts.kube ? { kube: opts.kube } : {}),
      user: safeUser(),
      host: hostname(),
      version,
    });
    const specs = opts.runbook.inputs ?? {};
    for (const [name, value] of Object.entries(opts.inputs)) {
      const secret = specs[name]?.type === "secret";
      if (secret) session.redactor = session.redactor.with([inputToEnv(value)]);
      session.record({ type: "input.set", name, value: secret ? "••••••" : value, ...(secret ? { secret: true } : {}) });
    }
    return session;
  }

  /** Pick an incident up from its file alone; secrets are asked for again (they are never stored). */
  static resume(file: string, runbook: Runbook, secrets: Record<string, string> = {}): { session: IncidentSession; read: ReadResult; interrupted: string[] } {
    const { log, read } = IncidentLog.reopen(file);
    const session = new IncidentSession(log, runbook, read.events);
    const interrupted = interruptedSteps(session.state);
    session.secretInputs = secrets;
    session.redactor = new Redactor(Object.values(secrets));
    session.record({ type: "incident.resumed", interrupted, pid: process.pid });
    return { session, read, interrupted };
  }

  /** Secret values given in this process (never in the file). */
  private secretInputs: Record<string, string> = {};

  private secretValues(): string[] {
    return Object.values(this.secretInputs);
  }

  get id(): string {
    return this.state.id ?? "";
  }

  get file(): string {
    return this.log.file;
  }

  subscribe(fn: (e: IncidentEvent, s: IncidentState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Append, then apply: nothing is shown as done before it is on disk. */
  record(body: IncidentEventBody): IncidentEvent {
    const event = this.log.append(body);
    this.state = reduce(this.state, event);
    for (const fn of this.listeners) fn(event, this.state);
    return event;
  }

  setSecret(name: string, value: string): void {
    this.secretInputs[name] = value;
    this.redactor = this.redactor.with([value]);
  }

  /** The environment form of every input, plus handrail's own variables. */
  vars(item?: string): Record<string, string> {
    const vars: Record<string, string> = { incident_id: this.id, severity: this.state.severity, runbook_id: this.state.runbook.id };
    for (const [k, v] of Object.entries(this.state.inputs)) vars[k] = inputToEnv(v);
    Object.assign(vars, this.secretInputs);
    if (item !== undefined) vars.item = item;
    return vars;
  }

  /** The command as the operator reads it: values substituted, secrets masked. */
  displayCommand(step: Step, item?: string, override?: string): string {
    const vars = this.vars(item);
    const secretNames = new Set([...this.state.secrets, ...Object.keys(this.secretInputs)]);
    const shown: Record<string, string> = { ...vars };
    for (const n of secretNames) shown[n] = "••••••";
    switch (stepKind(step)) {
      case "run":
        return this.redactor.text(renderForDisplay(override ?? step.run!, vars, secretNames));
      case "manual":
        return this.redactor.text(substitute(step.manual!, shown));
      case "http": {
        try {
          const r = renderHttp(step.http!, shown);
          return this.redactor.text(`${r.method} ${r.url}`);
        } catch {
          return substitute(step.http!.url, shown);
        }
      }
      case "k8s": {
        const parts = Object.entries(step.k8s!).map(([k, v]) => `${k}=${substitute(String(v), shown)}`);
        return `k8s ${parts.join(" ")}`;
      }
    }
  }

  enterPhase(phaseId: string): void {
    if (!this.state.phasesEntered.includes(phaseId)) this.record({ type: "phase.entered", phase: phaseId });
  }

  /** Run one planned step through its executor, recording start, output and finish. */
  async runStep(
    item: PlannedStep,
    base: { env: Record<string, string | undefined>; cwd: string; kube?: KubeTarget; defaultTimeoutMs?: number },
    opts: { signal?: AbortSignal; onLines?: (stream: "stdout" | "stderr", lines: string[]) => void; onSkipped?: (n: number) => void; override?: string } = {},
  ): Promise<StepRun> {
    this.enterPhase(item.phaseId);
    const step = opts.override !== undefined && item.step.run !== undefined ? { ...item.step, run: opts.override } : item.step;
    const command = this.displayCommand(step, item.item);
    const attempt = (this.state.steps[item.key]?.attempts ?? 0) + 1;
    this.record({
      type: "step.started",
      step: item.key,
      phase: item.phaseId,
      ...(item.optionId ? { option: item.optionId } : {}),
      ...(item.item !== undefined ? { item: item.item } : {}),
      kind: stepKind(step),
      command,
      attempt,
      ...(opts.override !== undefined ? { edited: true } : {}),
      ...(step.risk ? { risk: step.risk } : {}),
    });
    const recorder = new StepRecorder(this.log, item.key, attempt, this.redactor);
    const ctx: ExecContext = { vars: this.vars(item.item), env: base.env, cwd: base.cwd, ...(base.kube ? { kube: base.kube } : {}), ...(base.defaultTimeoutMs ? { defaultTimeoutMs: base.defaultTimeoutMs } : {}) };
    const onEvent = (e: StepEvent) => {
      const lines = recorder.onEvent(e);
      if (e.type === "output" && e.skipped) opts.onSkipped?.(e.skipped);
      if (lines && lines.length > 0 && e.type === "output") opts.onLines?.(e.stream, lines);
    };
    const result = await execute(step, ctx, { ...(opts.signal ? { signal: opts.signal } : {}), onEvent });
    const output = recorder.finish(result.output.lines);
    this.record({
      type: "step.finished",
      step: item.key,
      status: result.status,
      exitCode: result.exitCode,
      signal: result.signal,
      durationMs: result.durationMs,
      expectations: result.expectations.map((x) => (x.reason ? { ...x, reason: this.redactor.text(x.reason) } : x)),
      ...(result.diagnosis ? { diagnosis: result.diagnosis } : {}),
      ...(result.error ? { error: this.redactor.text(result.error) } : {}),
      ...(output ? { output } : {}),
      ...(result.status !== "passed" ? { tail: this.redactor.lines(result.output.tail.slice(-20).map((t) => t.line)) } : {}),
      ...(result.details ? { details: result.details } : {}),
    });
    return { result, command };
  }

  /** A manual step confirmed by the operator (or acknowledged by --yes in a headless run). */
  confirmManual(item: PlannedStep, by: string): void {
    this.enterPhase(item.phaseId);
    const attempt = (this.state.steps[item.key]?.attempts ?? 0) + 1;
    this.record({ type: "step.started", step: item.key, phase: item.phaseId, kind: "manual", command: this.displayCommand(item.step, item.item), attempt, ...(item.optionId ? { option: item.optionId } : {}) });
    this.record({ type: "step.finished", step: item.key, status: "passed", exitCode: null, durationMs: 0, expectations: [], acknowledged: by });
  }

  skip(key: string, reason: string, command?: string): void {
    this.record({ type: "step.skipped", step: key, reason, ...(command ? { command } : {}) });
  }

  choose(phase: string, option: string, by?: string): void {
    this.enterPhase(phase);
    this.record({ type: "option.chosen", phase, option, ...(by ? { by } : {}) });
  }

  /** Move the walk to a phase out of order (logged). */
  jumpTo(phase: string): void {
    this.record({ type: "phase.entered", phase, jump: true });
  }

  note(text: string, step?: string): void {
    this.record({ type: "note.added", text: this.redactor.text(text), ...(step ? { step } : {}) });
  }

  changeSeverity(to: Severity, reason?: string): void {
    if (to === this.state.severity) return;
    this.record({ type: "severity.changed", from: this.state.severity, to, ...(reason ? { reason } : {}) });
  }

  /** Append whatever the severity policy says is due now. */
  checkPolicy(now = Date.now()): IncidentEvent[] {
    return duePolicyEvents(this.state, now).map((body) => this.record(body));
  }

  acknowledge(key: string): void {
    this.record({ type: "escalation.acknowledged", key });
  }

  resolve(rootCause: string, actionItems: string[]): void {
    this.record({ type: "incident.resolved", rootCause: this.redactor.text(rootCause), actionItems: actionItems.map((a) => this.redactor.text(a)) });
  }

  close(): void {
    this.log.close();
  }
}

function safeUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

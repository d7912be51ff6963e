/**
 * One open incident: the log, the state folded from it, and the commands that change it.
 * Every change is an event appended (and fsync'ed) first, then applied: the file is the truth.
 * Secret input values live in this object only: exported to steps, never written anywhere.
 */
import { execute } from "../executors/execute.js";
import type { ExecContext, StepEvent, StepResult } from "../executors/types.js";
import { inputToEnv, type InputValue } from "../runbooks/inputs.js";
import type { Runbook, Severity } from "../runbooks/schema.js";
import { stepKind } from "../runbooks/step-kind.js";
import type { Display } from "../runbooks/template.js";
import { stdoutTestsOf } from "../runbooks/conditions.js";
import { displayCommand, incidentVars, type Shown } from "./display.js";
import { conditionsOf } from "./gates.js";
import type { IncidentEvent, IncidentEventBody } from "./events.js";
import { IncidentLog, readIncidentFile, type ReadResult } from "./log.js";
import { lastSeqOf } from "./integrity.js";
import { initialState, interruptedSteps, reduce, type IncidentState } from "./machine.js";
import type { PlannedStep } from "./plan.js";
import { duePolicyEvents } from "./policy.js";
import { MASK, Redactor } from "./redact.js";
import { newIncidentId, operatorName } from "./identity.js";
import { openingEvents } from "./opening.js";
import { finishedEvent } from "./step-finished.js";
import type { OpenOptions, ResumeOptions, RunStepOptions, StepRun, StepWorld } from "./session-types.js";
import { StepRecorder } from "./step-recorder.js";
import { fileStore } from "./store/file.js";
import type { IncidentStore, StartVerdict } from "./store/types.js";

export type { OpenOptions, ResumeOptions, RunStepOptions, StepRun, StepWorld } from "./session-types.js";

/** How long a step's result may wait to reach a shared store before the walk moves on (none while the store is away). */
const RESULT_SENT_MS = 2_000;

export class IncidentSession {
  state: IncidentState;
  private redactor: Redactor;
  private listeners = new Set<(e: IncidentEvent, s: IncidentState) => void>();
  /** Events recorded while listeners were being told of an earlier one: told after it, in order. */
  private queue: IncidentEvent[] = [];
  private dispatching = false;
  /** Secret values given in this process (never in the file). */
  private secretInputs: Record<string, string> = {};
  /** Who drives this session: recorded on the events that name a person (opened, resumed, acknowledged, resolved). */
  private actor = "";
  /** Stops taking in what others add in a shared store. */
  private stopOthers: () => void = () => undefined;

  private constructor(
    /** Where events go: the local file, and a shared store when there is one. */
    readonly store: IncidentStore,
    runbook: Runbook,
    events: IncidentEvent[] = [],
  ) {
    let state = initialState(runbook);
    for (const e of events) state = reduce(state, e);
    this.state = state;
    this.redactor = new Redactor();
  }

  static open(opts: OpenOptions): IncidentSession {
    const id = opts.id ?? newIncidentId(opts.runbook.id);
    const log = IncidentLog.create(opts.dir, id);
    const session = new IncidentSession((opts.store ?? fileStore)(log, id), opts.runbook);
    session.actor = opts.actor ?? operatorName(process.env);
    session.takeOthers();
    const specs = opts.runbook.inputs ?? {};
    // Secret values are masked from the very first event on.
    for (const [name, value] of Object.entries(opts.inputs)) if (specs[name]?.type === "secret") session.setSecret(name, inputToEnv(value));
    for (const body of openingEvents(opts, id, session.actor)) session.record(body);
    return session;
  }

  /** Pick an incident up from its file alone; secret values are given again (they are never stored). */
  static resume(file: string, runbook: Runbook, opts: ResumeOptions = {}): { session: IncidentSession; read: ReadResult; interrupted: string[] } {
    const { log, read } = IncidentLog.reopen(file, { forceUnlock: opts.forceUnlock === true });
    const id = read.events[0]?.type === "incident.opened" ? read.events[0].incident : "";
    const store = (opts.store ?? fileStore)(log, id);
    // What reopen wrote itself (lock.forced) went to the file before the store wrapped it: a shared store sends it first.
    const before = lastSeqOf(read.events);
    if (log.lastSeq > before && store.adopt) store.adopt(readIncidentFile(file).events.filter((e) => e.seq > before));
    const session = new IncidentSession(store, runbook, read.events);
    const interrupted = interruptedSteps(session.state);
    for (const [name, value] of Object.entries(opts.secrets ?? {})) session.setSecret(name, value);
    session.actor = opts.actor ?? operatorName(process.env);
    session.record({ type: "incident.resumed", interrupted, pid: process.pid, ...(opts.runbookChanged ? { runbookChanged: opts.runbookChanged } : {}), actor: session.actor });
    session.takeOthers();
    return { session, read, interrupted };
  }

  get id(): string {
    return this.state.id ?? "";
  }
  get file(): string {
    return this.store.file;
  }
  /** The local incident file (the lock, the fsync'd events). */
  get log(): IncidentLog {
    return this.store.local;
  }

  /** Listeners hear every event in the order it was written, even one recorded by another listener. */
  subscribe(fn: (e: IncidentEvent, s: IncidentState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Append, then apply: nothing is shown as done before it is on disk. */
  record(body: IncidentEventBody): IncidentEvent {
    const event = this.store.append(body);
    this.state = reduce(this.state, event);
    this.queue.push(event);
    if (!this.dispatching) {
      this.dispatching = true;
      try {
        for (let e = this.queue.shift(); e; e = this.queue.shift()) for (const fn of [...this.listeners]) fn(e, this.state);
      } finally {
        this.dispatching = false;
        this.queue = [];
      }
    }
    return event;
  }

  /** Mask text as everything written or shown is masked. */
  redact(text: string): string {
    return this.redactor.text(text);
  }

  /** More values to mask from here on (notification endpoints and tokens). */
  addSecrets(values: string[]): void {
    this.redactor = this.redactor.with(values);
  }

  setSecret(name: string, value: string): void {
    this.secretInputs[name] = value;
    this.redactor = this.redactor.with([value]);
  }

  /** Secret inputs of this incident whose value this process does not hold (after a resume). */
  missingSecrets(): string[] {
    return this.state.secrets.filter((n) => this.secretInputs[n] === undefined);
  }

  /** The environment form of every input, plus handrail's own variables: what a step runs with. */
  vars(item?: string): Record<string, string> {
    const vars: Record<string, string> = { incident_id: this.id, severity: this.state.severity, runbook_id: this.state.runbook.id };
    for (const [k, v] of Object.entries(this.state.inputs)) vars[k] = inputToEnv(v);
    Object.assign(vars, this.secretInputs);
    if (item !== undefined) vars.item = item;
    return vars;
  }

  /** The same with secret values masked: for text handrail renders itself. */
  shownVars(item?: string): Record<string, string> {
    const shown = this.vars(item);
    for (const n of new Set([...this.state.secrets, ...Object.keys(this.secretInputs)])) shown[n] = MASK;
    return shown;
  }

  /** What display text of a step is rendered from. */
  shown(item?: string): Shown {
    return { vars: this.shownVars(item), incident: incidentVars(this.state, Date.now()), redact: (t) => this.redactor.text(t) };
  }

  enterPhase(phaseId: string): void {
    if (!this.state.phasesEntered.includes(phaseId)) this.record({ type: "phase.entered", phase: phaseId });
  }

  /** Run one planned step through its executor, recording start, output and finish. */
  async runStep(item: PlannedStep, world: StepWorld, opts: RunStepOptions = {}): Promise<StepRun> {
    this.enterPhase(item.phaseId);
    const edited = opts.edited !== undefined && item.step.run !== undefined;
    const step = edited ? { ...item.step, run: opts.edited } : item.step;
    const command = displayCommand(item.step, this.shown(item.item), edited ? opts.edited : undefined);
    const attempt = (this.state.steps[item.key]?.attempts ?? 0) + 1;
    const started = this.record({
      type: "step.started",
      step: item.key,
      phase: item.phaseId,
      ...(item.optionId ? { option: item.optionId } : {}),
      ...(item.item !== undefined ? { item: item.item } : {}),
      kind: stepKind(step),
      command,
      attempt,
      ...(edited ? { edited: true, original: displayCommand(item.step, this.shown(item.item)) } : {}),
      ...(step.risk ? { risk: step.risk } : {}),
    });
    // A shared store checks the lease with the start's insert: a step is never run by two drivers.
    const verdict = await this.store.mayRun(started);
    if (!verdict.ok) {
      const result = notRun(`not run: ${verdict.reason}`);
      this.record(finishedEvent(item.key, result, undefined, this.redactor, false));
      return { result, command };
    }
    const recorder = new StepRecorder(this.store, item.key, attempt, this.redactor);
    // What later conditions ask of this step's output is judged as it streams, and recorded with its result.
    const tests = stdoutTestsOf(conditionsOf(this.state.runbook), item.step.id);
    const ctx: ExecContext = { vars: this.vars(item.item), env: world.env, cwd: world.cwd, ...(world.kube ? { kube: world.kube } : {}), ...(world.defaultTimeoutMs ? { defaultTimeoutMs: world.defaultTimeoutMs } : {}), ...(opts.notify ? { notify: opts.notify } : {}), ...(tests.length > 0 ? { facts: tests } : {}) };
    const onEvent = (e: StepEvent) => {
      if (e.type === "started" && e.pgid !== undefined) this.record({ type: "step.process", step: item.key, pgid: e.pgid, ...(e.startTime !== undefined ? { startTime: e.startTime } : {}), ...(e.bootId ? { bootId: e.bootId } : {}) });
      const lines = recorder.onEvent(e);
      if (e.type === "output" && e.skipped) opts.onSkipped?.(e.skipped);
      if (lines && lines.length > 0 && e.type === "output") opts.onLines?.(e.stream, lines);
    };
    const result = await execute(step, ctx, { ...(opts.signal ? { signal: opts.signal } : {}), onEvent });
    const output = await recorder.finish(result.output.lines);
    opts.beforeFinish?.(result);
    this.record(finishedEvent(item.key, result, output, this.redactor, step.notify !== undefined, tests, item.step.evidence === true || item.step.found !== undefined));
    await this.store.sent(RESULT_SENT_MS);
    return { result, command };
  }

  /**
   * A manual step confirmed by the operator (or acknowledged by --yes in a headless run). On a shared
   * store its start is checked against the lease like a command's: one not the driver's is recorded not run.
   */
  async confirmManual(item: PlannedStep, by: string): Promise<StartVerdict> {
    this.enterPhase(item.phaseId);
    const attempt = (this.state.steps[item.key]?.attempts ?? 0) + 1;
    const started = this.record({ type: "step.started", step: item.key, phase: item.phaseId, kind: "manual", command: displayCommand(item.step, this.shown(item.item)), attempt, ...(item.optionId ? { option: item.optionId } : {}) });
    const verdict = await this.store.mayRun(started);
    if (!verdict.ok) this.record(finishedEvent(item.key, notRun(`not run: ${verdict.reason}`), undefined, this.redactor, false));
    else this.record({ type: "step.finished", step: item.key, status: "passed", exitCode: null, durationMs: 0, expectations: [], acknowledged: by });
    await this.store.sent(RESULT_SENT_MS);
    return verdict;
  }

  /** Whether this process drives the incident now (always, on the file store): asked before a choice, a jump, a resolve. */
  mayAct(): Promise<StartVerdict> {
    return this.store.mayAct();
  }

  skip(key: string, reason: string, command?: Display, condition?: string): void {
    this.record({ type: "step.skipped", step: key, reason, ...(command ? { command } : {}), ...(condition ? { condition: this.redactor.text(condition) } : {}) });
  }

  choose(phase: string, option: string, by?: string): void {
    this.enterPhase(phase);
    this.record({ type: "option.chosen", phase, option, ...(by ? { by } : {}) });
  }

  /** Move the walk to a phase out of order (logged); what it passes over is recorded as skipped first. */
  jumpTo(phase: string, passedOver: readonly string[] = []): void {
    for (const key of passedOver) this.record({ type: "step.skipped", step: key, reason: "jumped", to: phase });
    this.record({ type: "phase.entered", phase, jump: true });
  }

  note(text: string, step?: string): void {
    this.record({ type: "note.added", text: this.redactor.text(text), ...(step ? { step } : {}) });
  }

  /** An input's new value mid-incident, logged; a secret's value is kept in memory only, as at the start. */
  changeInput(name: string, value: InputValue): void {
    const secret = this.state.runbook.inputs?.[name]?.type === "secret";
    if (secret) this.setSecret(name, inputToEnv(value));
    this.record({ type: "input.changed", name, from: secret ? MASK : (this.state.inputs[name] ?? ""), value: secret ? MASK : value, ...(secret ? { secret: true } : {}) });
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
    this.record({ type: "escalation.acknowledged", key, actor: this.actor });
  }
  resolve(rootCause: string, actionItems: string[], impact?: string): void {
    this.record({ type: "incident.resolved", rootCause: this.redactor.text(rootCause), actionItems: actionItems.map((a) => this.redactor.text(a)), ...(impact?.trim() ? { impact: this.redactor.text(impact) } : {}), actor: this.actor });
  }

  /** On a shared store: a follower's note or acknowledgement is recorded here too, as it arrives (the driver's file and screen have it). */
  private takeOthers(): void {
    if (this.store.onOthers) this.stopOthers = this.store.onOthers((body) => this.record(body));
  }

  close(): void {
    this.stopOthers();
    this.store.close();
  }
}

function notRun(error: string): StepResult {
  return { status: "cancelled", exitCode: null, signal: null, durationMs: 0, expectations: [], output: { tail: [], lines: 0, bytes: 0, truncated: false }, error };
}

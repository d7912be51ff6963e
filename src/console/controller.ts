/**
 * The console's controller: the one place the interactive UI meets the incident engine and
 * the executors. It owns the session, runs steps and pushes what the operator should see into
 * the store; the UI (src/ui) only reads the store and calls these methods.
 */
import { userInfo } from "node:os";
import path from "node:path";
import type { KubeTarget } from "../executors/types.js";
import type { IncidentEvent } from "../incident/events.js";
import { readIncidentFile } from "../incident/log.js";
import { buildReport, renderMarkdown } from "../incident/report.js";
import { watchPods, type PodWatch } from "../executors/pod-watch.js";
import { nextAction } from "../incident/machine.js";
import { flatten, type PlannedStep } from "../incident/plan.js";
import { clock } from "../incident/policy.js";
import { IncidentSession } from "../incident/session.js";
import type { InputValue } from "../runbooks/inputs.js";
import { stepKind, type Severity } from "../runbooks/schema.js";
import type { ConsoleController } from "../ui/controller.js";
import { DrillMode, type StepWorld } from "./drill-mode.js";
import type { DrillLauncher, DrillRun } from "./drill-run.js";
import { appendLive, type ConsoleStore, type CurrentView, type HistoryEntry, type IncidentCard, type PhaseView, type RunbookCard } from "../ui/store.js";

export interface ControllerDeps {
  store: ConsoleStore;
  runbooks: RunbookCard[];
  incidentsDir: string;
  env: Record<string, string | undefined>;
  cwd: string;
  kube?: KubeTarget;
  kubeServer?: string;
  dryRun: boolean;
  mode: "console" | "drill";
  listIncidents: () => IncidentCard[];
  exit: () => void;
  /** Give the terminal to an interactive step (the screen is put away and drawn again after). */
  handOver?: (run: () => Promise<void>) => Promise<void>;
  drills?: DrillLauncher;
}

const operator = (() => {
  try {
    return userInfo().username;
  } catch {
    return "operator";
  }
})();

export class Controller implements ConsoleController {
  private session: IncidentSession | undefined;
  private running: AbortController | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private podWatch: PodWatch | undefined;
  /** While a drill lasts, every step runs in its world instead of the operator's. */
  private drill: DrillMode | undefined;

  constructor(private readonly deps: ControllerDeps) {
    this.ticker = setInterval(() => this.tick(), 1000);
    this.ticker.unref();
  }

  private get store(): ConsoleStore {
    return this.deps.store;
  }

  private get world(): StepWorld {
    if (this.drill) return this.drill.world;
    return { env: this.deps.env, cwd: this.deps.cwd, ...(this.deps.kube ? { kube: this.deps.kube } : {}), ...(this.deps.kubeServer ? { kubeServer: this.deps.kubeServer } : {}), incidentsDir: this.deps.incidentsDir };
  }

  private flash(text: string, tone: "info" | "error" = "info"): void {
    this.store.setState({ flash: { text, tone } });
  }

  private tick(): void {
    const s = this.session;
    if (s) {
      try {
        if (s.checkPolicy().length > 0) this.refresh();
      } catch (e) {
        this.flash((e as Error).message, "error");
      }
    }
    this.store.setState({ now: Date.now() });
  }

  private attach(session: IncidentSession): void {
    this.session = session;
    this.unsubscribe?.();
    this.unsubscribe = session.subscribe((e) => this.onEvent(e));
    const entries: HistoryEntry[] = [];
    const replayed = readIncidentFile(session.file).events;
    for (const e of replayed) {
      const h = this.historyOf(e);
      if (h) entries.push(h);
    }
    this.store.setState({ screen: "walk", history: entries, incidentFile: session.file, live: undefined, flash: undefined });
    session.checkPolicy();
    this.refresh();
  }

  private historyOf(e: IncidentEvent): HistoryEntry | undefined {
    const title = (key: string) => {
      const item = this.session ? flatten(this.session.state.plan).find((i) => i.key === key) : undefined;
      return item?.kind === "step" ? `${item.step.title}${item.item !== undefined ? ` [${item.item}]` : ""}` : key;
    };
    switch (e.type) {
      case "step.finished":
        return {
          id: e.seq,
          key: e.step,
          title: title(e.step),
          status: e.acknowledged ? "confirmed" : e.status,
          exitCode: e.exitCode,
          durationMs: e.durationMs,
          ...(e.status !== "passed" ? { detail: e.diagnosis?.summary ?? e.expectations.find((x) => !x.passed)?.reason ?? e.error ?? "" } : {}),
        };
      case "step.skipped":
        return { id: e.seq, key: e.step, title: title(e.step), status: "skipped", exitCode: null, durationMs: 0, detail: e.reason };
      case "option.chosen":
        return { id: e.seq, key: e.phase, title: `${e.phase}: ${e.option}`, status: "chosen", exitCode: null, durationMs: 0 };
      case "note.added":
        return { id: e.seq, key: "note", title: `note: ${e.text}`, status: "note", exitCode: null, durationMs: 0 };
      default:
        return undefined;
    }
  }

  private onEvent(e: IncidentEvent): void {
    const h = this.historyOf(e);
    // The step is over the moment its result is on disk: keys for the next step count from here.
    const ended = e.type === "step.finished" ? { running: false } : {};
    if (h) this.store.setState((v) => ({ history: [...v.history, h], ...ended }));
    if (e.type === "step.finished") this.refresh();
  }

  /** Derive what the operator sees from the incident state. */
  private refresh(): void {
    const s = this.session;
    if (!s) return;
    const state = s.state;
    const action = nextAction(state);
    let current: CurrentView = { type: action.type };
    let currentPhase: string | undefined;
    if (action.type === "step" || action.type === "halted") {
      const item = action.type === "step" ? action.item : flatten(state.plan).find((i): i is PlannedStep => i.kind === "step" && i.key === action.step);
      if (item) {
        currentPhase = item.phaseId;
        const step = item.step;
        const vars = s.vars(item.item);
        current = {
          type: action.type,
          key: item.key,
          title: `${step.title}${item.item !== undefined ? ` [${item.item}]` : ""}`,
          phase: state.plan.find((p) => p.phase.id === item.phaseId)?.phase.title ?? item.phaseId,
          kind: stepKind(step),
          command: s.displayCommand(step, item.item),
          ...(step.risk ? { risk: step.risk } : {}),
          ...(step.description ? { description: step.description } : {}),
          ...(step.target ? { target: step.target.replace(/\$\{?(\w+)\}?/g, (m, n: string) => vars[n] ?? m) } : {}),
          ...(step.requires ? { requires: step.requires } : {}),
          ...(action.type === "step" ? { retry: action.retry } : { status: action.status, retry: true }),
          ...(item.optionId ? { optionPhase: item.phaseId } : {}),
        };
        const last = state.steps[item.key]?.last;
        if (last && (action.type === "halted" || action.retry)) {
          current.checks = last.expectations;
          if (last.diagnosis) current.diagnosis = { summary: last.diagnosis.summary, hint: last.diagnosis.hint };
        }
      }
    } else if (action.type === "choose") {
      currentPhase = action.item.phaseId;
      current = {
        type: "choose",
        phase: state.plan.find((p) => p.phase.id === action.item.phaseId)?.phase.title ?? action.item.phaseId,
        options: action.item.options.map((o) => ({ id: o.id, title: o.title, ...(o.description ? { description: o.description } : {}), ...(o.recommended ? { recommended: true } : {}) })),
      };
    }
    const currentIndex = state.plan.findIndex((p) => p.phase.id === currentPhase);
    const phases: PhaseView[] = state.plan.map((p, i) => ({
      id: p.phase.id,
      title: p.phase.title,
      kind: p.phase.kind,
      state: currentIndex < 0 ? "done" : i < currentIndex ? "done" : i === currentIndex ? "current" : "todo",
    }));
    const c = clock(state, Date.now());
    const banners = Object.entries(state.escalations)
      .filter(([, x]) => !x.acknowledgedAt)
      .map(([key, x]) => ({ key, text: `${x.to}${x.reason ? `: ${x.reason}` : ""}` }));
    const report = state.resolved ? renderMarkdown(buildReport(readIncidentFile(s.file).events)) : undefined;
    this.store.setState({ incident: state, current, phases, banners, report, ...(c ? { clock: { dueAt: c.dueAt, openedAt: c.openedAt } } : {}) });
  }

  private guard(fn: () => void): void {
    try {
      fn();
      this.refresh();
    } catch (e) {
      this.flash((e as Error).message, "error");
    }
  }

  async startIncident(runbookId: string, severity: Severity, inputs: Record<string, InputValue>): Promise<void> {
    const card = this.deps.runbooks.find((r) => r.id === runbookId);
    if (!card) return this.flash(`no runbook ${runbookId}`, "error");
    try {
      const w = this.world;
      const kube = w.kube?.context ? { context: w.kube.context, ...(w.kube.namespace ? { namespace: w.kube.namespace } : {}), ...(w.kubeServer ? { server: w.kubeServer } : {}) } : undefined;
      const drill = this.drill ? { mode: "drill" as const, scenario: this.drill.run.scenario.id } : { mode: this.deps.mode };
      this.attach(IncidentSession.open({ dir: w.incidentsDir, runbook: card.runbook, severity, inputs, ...drill, dryRun: this.deps.dryRun, ...(kube ? { kube } : {}) }));
    } catch (e) {
      this.flash(`cannot open the incident: ${(e as Error).message}`, "error");
    }
  }

  async startDrill(scenarioId: string): Promise<void> {
    const launcher = this.deps.drills;
    if (!launcher) return this.flash("drills are not available here", "error");
    if (this.drill) return this.flash(`the drill ${this.drill.run.scenario.id} is still running`, "error");
    this.flash(`starting the drill ${scenarioId}: a simulated cluster on 127.0.0.1…`);
    let run: DrillRun;
    try {
      run = await launcher.start(scenarioId);
    } catch (e) {
      return this.flash(`cannot start the drill ${scenarioId}: ${(e as Error).message}`, "error");
    }
    this.drill = new DrillMode(run, this.store.getState().kube);
    this.store.setState({ ...this.drill.view, flash: undefined });
    await this.startIncident(run.scenario.runbook, run.scenario.severity, run.inputs);
    // No incident, no drill: its world is not left running behind home.
    if (!this.session) {
      const d = this.drill;
      this.drill = undefined;
      this.store.setState(await d.stop());
    }
  }

  /** Judge the drill and record its end, once (when resolved, left or quit). */
  private async finishDrill(): Promise<void> {
    const s = this.session;
    if (!this.drill || !s) return;
    try {
      const lines = await this.drill.finish(s);
      if (lines) this.store.setState({ drillSummary: lines });
      this.refresh();
    } catch (e) {
      this.flash(`the drill could not be judged: ${(e as Error).message}`, "error");
    }
  }

  /** Stop the drill's world and give the console back the operator's own cluster. */
  private async endDrill(): Promise<void> {
    const d = this.drill;
    if (!d) return;
    await this.finishDrill();
    this.drill = undefined;
    this.store.setState(await d.stop());
  }

  async resumeIncident(file: string): Promise<void> {
    try {
      const first = readIncidentFile(file).events[0];
      if (first?.type !== "incident.opened") throw new Error(`${path.basename(file)} is not an incident file`);
      if (first.mode === "drill") throw new Error(`${path.basename(file)} is a drill: its simulated world ended with it; start the drill again (handrail drill ${first.scenario ?? ""})`);
      const card = this.deps.runbooks.find((r) => r.id === first.runbook.id);
      if (!card) throw new Error(`the runbook ${first.runbook.id} of this incident is not on the search path`);
      const { session, interrupted } = IncidentSession.resume(file, card.runbook);
      this.attach(session);
      if (interrupted.length > 0) this.flash(`interrupted when handrail last stopped: ${interrupted.join(", ")} (offered again)`);
    } catch (e) {
      this.flash((e as Error).message, "error");
    }
  }

  private currentItem(): PlannedStep | undefined {
    const s = this.session;
    if (!s) return undefined;
    const action = nextAction(s.state);
    if (action.type === "step") return action.item;
    if (action.type === "halted") return flatten(s.state.plan).find((i): i is PlannedStep => i.kind === "step" && i.key === action.step);
    return undefined;
  }

  async runCurrent(override?: string): Promise<void> {
    const s = this.session;
    const item = this.currentItem();
    if (!s || !item || this.running) return;
    if (this.deps.dryRun) return this.guard(() => s.skip(item.key, "dry run", s.displayCommand(item.step, item.item)));
    this.running = new AbortController();
    const command = s.displayCommand(item.step, item.item, override);
    this.store.setState({ running: true, flash: undefined, live: { key: item.key, title: item.step.title, command, startedAt: Date.now(), lines: [], total: 0, skipped: 0 } });
    const run = async () => {
      const w = this.world;
      await s.runStep(item, { env: w.env, cwd: w.cwd, ...(w.kube ? { kube: w.kube } : {}) }, {
        signal: this.running!.signal,
        onLines: (stream, lines) => appendLive(this.store, stream, lines),
        onSkipped: (n) => appendLive(this.store, "stdout", [], n),
        ...(override !== undefined ? { override } : {}),
      });
    };
    try {
      if (item.step.interactive && this.deps.handOver) await this.deps.handOver(run);
      else await run();
    } catch (e) {
      this.flash(`the incident file could not be written: ${(e as Error).message}`, "error");
    } finally {
      this.running = undefined;
      this.store.setState((v) => ({ running: false, ...(v.live ? { live: { ...v.live, endedAt: Date.now() } } : {}) }));
      this.refresh();
    }
  }

  cancelRunning(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }

  confirmManual(): void {
    const s = this.session;
    const item = this.currentItem();
    if (s && item) this.guard(() => s.confirmManual(item, operator));
  }

  skip(reason: string): void {
    const s = this.session;
    const item = this.currentItem();
    if (s && item) this.guard(() => s.skip(item.key, reason));
  }

  note(text: string): void {
    const s = this.session;
    if (s) this.guard(() => s.note(text, this.currentItem()?.key));
  }

  choose(optionId: string): void {
    const s = this.session;
    if (!s) return;
    const action = nextAction(s.state);
    if (action.type === "choose") this.guard(() => s.choose(action.item.phaseId, optionId, operator));
  }

  /** After a step of an option failed: take another option of the same phase. */
  changeOption(optionId: string): void {
    const s = this.session;
    const phase = this.currentItem()?.optionId !== undefined ? this.currentItem()?.phaseId : undefined;
    if (s && phase) this.guard(() => s.choose(phase, optionId, operator));
  }

  jumpTo(phaseId: string): void {
    const s = this.session;
    if (s) this.guard(() => s.jumpTo(phaseId));
  }

  /** Show or hide the live pods of the incident's service (its `service` input). */
  togglePanel(): void {
    if (this.podWatch) {
      this.podWatch.stop();
      this.podWatch = undefined;
      this.store.setState({ pods: undefined });
      return;
    }
    const s = this.session;
    const service = s?.state.inputs.service;
    if (!s || typeof service !== "string") return this.flash("the cluster panel follows the runbook's service input, and this runbook has none", "error");
    const kube = this.world.kube;
    const namespace = typeof s.state.inputs.namespace === "string" ? s.state.inputs.namespace : kube?.namespace ?? "default";
    const selector = `app=${service}`;
    this.store.setState({ pods: { selector, namespace, items: [] } });
    this.podWatch = watchPods(
      kube,
      selector,
      (items) => this.store.setState((v) => ({ pods: v.pods ? { selector, namespace, items } : undefined })),
      (error) => this.store.setState((v) => ({ pods: v.pods ? { ...v.pods, error } : undefined })),
      namespace,
    );
  }

  changeSeverity(to: Severity): void {
    const s = this.session;
    if (s) this.guard(() => {
      s.changeSeverity(to, `changed by ${operator}`);
      s.checkPolicy();
    });
  }

  acknowledge(key: string): void {
    const s = this.session;
    if (s) this.guard(() => s.acknowledge(key));
  }

  resolve(rootCause: string, actionItems: string[]): void {
    const s = this.session;
    if (!s) return;
    this.guard(() => s.resolve(rootCause, actionItems));
    // The closing screen of a drill: how the operator did, and the report with its Drill section.
    if (this.drill && s.state.resolved) void this.finishDrill();
  }

  leave(): void {
    const home = () => {
      this.close();
      this.store.setState({ screen: "home", incident: undefined, current: undefined, live: undefined, history: [], pods: undefined, report: undefined, drillSummary: undefined, incidents: this.deps.listIncidents() });
    };
    if (!this.drill) return home();
    // The drill's end is recorded in the incident before the session closes.
    void this.endDrill()
      .catch((e: unknown) => this.flash((e as Error).message, "error"))
      .finally(home);
  }

  private close(): void {
    this.running?.abort();
    this.podWatch?.stop();
    this.podWatch = undefined;
    this.unsubscribe?.();
    this.session?.close();
    this.session = undefined;
  }

  quit(): void {
    if (this.ticker) clearInterval(this.ticker);
    // A drill is judged and its world stopped before the console goes.
    void this.endDrill()
      .catch((e: unknown) => this.flash((e as Error).message, "error"))
      .finally(() => {
        this.close();
        this.deps.exit();
      });
  }
}

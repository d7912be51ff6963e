/**
 * The console's controller: the one place the interactive UI meets the incident engine and
 * the executors. Keys arrive as intents; the runner's `decide` says what they come to and
 * `perform` carries that out — the same two functions a headless run uses. What the operator
 * sees is `viewOf(state, now)`, pushed into the store.
 */
import { skipItem } from "../incident/effects.js";
import type { IncidentEvent } from "../incident/events.js";
import { readIncidentFile } from "../incident/log.js";
import { attachNotifier, type Notifier } from "../incident/notifier.js";
import { buildReport, renderMarkdown } from "../incident/report.js";
import type { Intent } from "../incident/runner.js";
import { productionOf } from "../incident/production.js";
import type { IncidentSession } from "../incident/session.js";
import type { InputValue } from "../runbooks/inputs.js";
import type { Severity } from "../runbooks/schema.js";
import type { ActResult, ConsoleController } from "../ui/controller.js";
import type { ConsoleStore } from "../ui/store.js";
import { copied } from "./clipboard.js";
import { ClusterPanel } from "./cluster-panel.js";
import type { StepWorld } from "./drill-mode.js";
import { DrillSeat } from "./drill-seat.js";
import { historyOf, historyOfAll, type EditedSteps } from "./history.js";
import { LiveRun } from "./live-run.js";
import type { ControllerDeps } from "./controller-deps.js";
import { openIncident, resumeIncident } from "./open-incident.js";
import type { ResumeAnswers } from "./resume.js";
import { IncidentActs } from "./incident-acts.js";
import { startingInputs } from "./starting-inputs.js";
import { HANDOVER, SharedDriving } from "./shared-driving.js";
import { LEFT, viewOf } from "./view.js";

export type { ControllerDeps } from "./controller-deps.js";

export class Controller implements ConsoleController {
  private session: IncidentSession | undefined;
  private notifier: Notifier | undefined;
  private readonly store: ConsoleStore;
  private readonly live: LiveRun;
  private readonly panel: ClusterPanel;
  private readonly ticker: NodeJS.Timeout;
  private detach: Array<() => void> = [];
  private edited: EditedSteps = new Set();
  /** While a drill lasts, every step runs in its world instead of the operator's. */
  private readonly drills: DrillSeat;
  /** Incidents being closed (close() lets a page and the shared store's queue finish first). */
  private closing: Promise<void>[] = [];
  /** Leaving a drill someone else drives in this handrail's world was warned about once. */
  private leaveWarned = false;
  /** The shared store's part: status bar, requests to drive, resuming through it. */
  private readonly shared: SharedDriving;
  /** What the operator does to the open incident. */
  private readonly acts: IncidentActs;

  constructor(private readonly deps: ControllerDeps) {
    this.store = deps.store;
    this.ticker = setInterval(() => this.tick(), 1000).unref();
    this.panel = new ClusterPanel(deps.store);
    this.live = new LiveRun(deps.store);
    this.shared = new SharedDriving(deps.shared, deps.store);
    this.drills = new DrillSeat(deps.store, deps.drills);
    this.acts = new IncidentActs({
      store: deps.store,
      live: this.live,
      dryRun: deps.dryRun,
      ...(deps.handOver ? { handOver: deps.handOver } : {}),
      open: () => (this.session && this.notifier ? { session: this.session, notifier: this.notifier, world: this.world } : undefined),
      flash: (text, tone) => this.flash(text, tone),
      refresh: () => this.refresh(),
      // The closing screen of a drill: how the operator did, and the report with its Drill section (judged once).
      resolved: () => void (this.drill && this.drills.judge(this.session, () => this.refresh())),
    });
  }

  // What the operator does to the open incident, and notes and acknowledgements on one followed: passed through.
  act = (intent: Intent): ActResult => this.acts.act(intent);
  cancelRunning = (): boolean => this.live.cancel();
  note = (text: string): void => this.acts.note(text);
  changeInput = (name: string, value: InputValue): void => this.acts.changeInput(name, value);
  changeSeverity = (to: Severity): void => this.acts.changeSeverity(to);
  resolve = (rootCause: string, actionItems: string[], impact?: string): void => this.acts.resolve(rootCause, actionItems, impact);
  followNote = (text: string): void => void this.shared.followNote(text).then(this.say);
  followAcknowledge = (): void => void this.shared.followAcknowledge().then(this.say);

  /** The drill on now, if any. */
  private get drill() {
    return this.drills.current;
  }

  private get world(): StepWorld {
    if (this.drill) return this.drill.world;
    return { env: this.deps.env, cwd: this.deps.cwd, ...(this.deps.kube ? { kube: this.deps.kube } : {}), ...(this.deps.kubeServer ? { kubeServer: this.deps.kubeServer } : {}), incidentsDir: this.deps.incidentsDir };
  }

  private flash(text: string, tone: "info" | "error" = "info"): void {
    this.store.setState({ flash: { text, tone } });
  }

  private readonly say = (said: { text: string; tone: "info" | "error" }) => this.flash(said.text, said.tone);

  private tick(): void {
    try {
      if (this.session && this.session.checkPolicy().length > 0) this.refresh();
    } catch (e) {
      this.flash((e as Error).message, "error");
    }
    this.store.setState({ now: Date.now() });
  }

  private attach(session: IncidentSession): void {
    this.session = session;
    for (const d of this.detach.splice(0)) d();
    const { notifier, detach } = attachNotifier(session, this.drill ? this.drill.run.notify : this.deps.notify, this.world.env);
    this.notifier = notifier;
    // A shared store's state on the status bar (online, offline with its queue, someone else driving), and requests to drive.
    this.detach.push(detach, session.subscribe((e) => this.onEvent(e)), this.shared.watch(session, () => this.refresh()));
    this.edited = new Set();
    const history = historyOfAll(readIncidentFile(session.file).events, session.state);
    this.store.setState({ screen: "walk", resuming: undefined, starting: undefined, history, incidentFile: session.file, live: undefined, flash: undefined });
    session.checkPolicy();
    this.refresh();
  }

  private onEvent(e: IncidentEvent): void {
    const h = historyOf(e, this.session?.state, this.edited);
    // The step is over the moment its result is on disk: keys for the next step count from here.
    const ended = e.type === "step.finished" ? { running: false } : {};
    if (h) this.store.setState((v) => ({ history: [...v.history, h], ...ended }));
    // A step's end, or an escalation acknowledged (here or by a follower): what the screen shows moves on.
    if (e.type === "step.finished" || e.type === "escalation.acknowledged") this.refresh();
  }

  /** Derive what the operator sees from the incident state, after passing over what the runbook's conditions rule out. */
  private refresh(): void {
    const s = this.session;
    if (!s) return;
    for (let n = 0, cmd = this.acts.decide(s, { type: "auto" }); cmd.type === "skip" && n < 10_000; n++, cmd = this.acts.decide(s, { type: "auto" })) skipItem(s, cmd);
    const state = s.state;
    const report = state.resolved ? renderMarkdown(buildReport(readIncidentFile(s.file).events)) : undefined;
    // A drill is never production, whatever its inputs say: its frame is magenta.
    const production = this.drill ? { production: false } : productionOf(state, this.store.getState().kube);
    const view = viewOf(state, Date.now(), (item) => s.shown(item));
    const banners = [...this.shared.banners(), ...view.banners];
    this.store.setState({ incident: state, ...view, banners, production, report });
  }

  async startIncident(runbookId: string, severity: Severity, inputs: Record<string, InputValue>): Promise<void> {
    const card = this.deps.runbooks.find((r) => r.id === runbookId);
    if (!card) return this.flash(`no runbook ${runbookId}`, "error");
    try {
      const { session, unshared } = await openIncident({ card, severity, inputs, world: this.world, drill: this.drill, shared: this.shared, mode: this.deps.mode, dryRun: this.deps.dryRun });
      this.attach(session);
      if (unshared) this.flash(unshared, "error");
    } catch (e) {
      // Back to home, where the reason shows: the start screen would say "Opening the incident…" for ever.
      this.store.setState({ starting: undefined });
      this.flash(`cannot open the incident: ${(e as Error).message}`, "error");
    }
  }

  begin(runbookId: string, given: { severity?: Severity; inputs?: Record<string, InputValue> } = {}): void {
    const card = this.deps.runbooks.find((r) => r.id === runbookId);
    if (!card) return this.flash(`no runbook ${runbookId}`, "error");
    const { inputs, fromEnv, suggested, problems } = startingInputs(card.runbook, given.inputs, this.deps.env);
    // Everything given: straight to the walk. Otherwise the start screen asks what is missing (a default is shown, never silently taken).
    const covered = Object.keys(card.runbook.inputs ?? {}).every((n) => inputs[n] !== undefined);
    if (given.severity && covered) return void this.startIncident(card.id, given.severity, inputs);
    const said = { ...(fromEnv.length > 0 ? { fromEnv } : {}), ...(problems.length > 0 ? { problems } : {}) };
    this.store.setState({ starting: { card, ...(given.severity ? { severity: given.severity } : {}), inputs, suggested, ...said }, flash: undefined });
  }

  async startDrill(scenarioId: string): Promise<void> {
    if (!this.drill) this.flash(`starting the drill ${scenarioId}: a simulated cluster on 127.0.0.1…`);
    const problem = await this.drills.start(scenarioId);
    if (problem) return this.flash(problem, "error");
    const { scenario, inputs } = this.drill!.run;
    await this.startIncident(scenario.runbook, scenario.severity, inputs);
    // No incident, no drill: its world is not left running behind home.
    if (!this.session) await this.drills.end(undefined, () => undefined);
  }

  /**
   * Resume from the incident alone; secrets and a changed runbook are asked on the resume screen first.
   * One someone else drives (home lists who, on a shared store) is followed instead, read-only.
   */
  async resumeIncident(file: string, answers: ResumeAnswers = {}): Promise<void> {
    const card = this.store.getState().incidents.find((c) => c.file === file);
    if (card?.driver !== undefined && card.driver !== this.shared.actor && Object.keys(answers).length === 0) return this.follow(card.id);
    return this.resume(file, answers);
  }

  follow(incidentId: string): void {
    const problem = this.shared.follow(incidentId);
    if (problem) this.flash(problem, "error");
  }

  askToDrive(): void {
    void this.shared.askToDrive().then((r) => ("refused" in r ? this.flash(r.refused, "error") : this.resume(r.incident)));
  }

  private async resume(file: string, answers: ResumeAnswers = {}): Promise<void> {
    try {
      const r = await resumeIncident(file, answers, { locate: this.deps.locate, shared: this.shared, drills: this.drills, env: this.deps.env });
      if ("ask" in r) return this.store.setState({ resuming: r.ask, flash: undefined });
      this.attach(r.session);
      if (r.message) this.flash(r.message);
    } catch (e) {
      this.store.setState({ resuming: undefined });
      this.flash((e as Error).message, "error");
    }
  }

  copy(text: string, what: string): void {
    this.say(copied(text, what, this.deps.clipboard?.(text) === true));
  }

  /** Show or hide the live pods of the incident's service (its `service` input). */
  togglePanel(): void {
    const problem = this.panel.toggle(this.session?.state.inputs, this.world.kube);
    if (problem) this.flash(problem, "error");
  }

  acknowledge(key: string): void {
    if (key === HANDOVER) return void this.handOver();
    this.acts.acknowledge(key);
  }

  leave(): void {
    this.shared.unfollow();
    // The drill's world runs in this handrail: leaving ends it under the one who drives it now. Said once; q again leaves.
    const drivenBy = this.drills.drivenElsewhere(this.session);
    if (drivenBy !== undefined && !this.leaveWarned) {
      this.leaveWarned = true;
      return this.flash(`${drivenBy} drives this drill in the world this handrail runs: leaving ends it under them — q again to leave`, "error");
    }
    this.leaveWarned = false;
    const home = () => {
      this.close();
      this.store.setState({ ...LEFT, incidents: this.deps.listIncidents() });
    };
    if (!this.drill) return home();
    // The drill's end is recorded in the incident before the session closes.
    void this.drills.end(this.session, () => this.refresh())
      .catch((e: unknown) => this.flash((e as Error).message, "error"))
      .finally(home);
  }

  private close(): void {
    this.live.cancel();
    this.panel.stop();
    for (const d of this.detach.splice(0)) d();
    // A page or a resolve still on its way is let finish into the file before it closes.
    const s = this.session;
    const notifier = this.notifier;
    this.session = undefined;
    this.notifier = undefined;
    // What is queued for a shared store is given its moment (bounded) before the file closes.
    if (s) this.closing.push((notifier?.settle() ?? Promise.resolve()).then(() => this.shared.finish(s)).catch(() => undefined).finally(() => s.close()));
  }

  /** Give driving to the one who asked: this console runs no further step of the incident (the store refuses them). */
  private async handOver(): Promise<void> {
    const said = await this.shared.handOver();
    if (!said) return;
    this.refresh();
    this.say(said);
  }

  /** Every incident left is closed: its page or resolve delivered, its events in the shared store or said not to be. */
  async settled(): Promise<void> {
    await Promise.all(this.closing);
  }

  /** The terminal went away (SIGHUP) or handrail was told to stop: the running step is cancelled and recorded first. */
  async hangUp(): Promise<void> {
    this.live.cancel();
    await this.live.settled();
    this.quit();
  }

  quit(): void {
    clearInterval(this.ticker);
    this.shared.unfollow();
    // A drill is judged and its world stopped before the console goes.
    void this.drills.end(this.session, () => this.refresh())
      .catch((e: unknown) => this.flash((e as Error).message, "error"))
      .finally(() => {
        this.close();
        this.deps.exit();
      });
  }
}

/**
 * What the operator does to the open incident from the console: an intent decided by the runner
 * and performed (a step runs in the live pane), a note, the severity, an input, an acknowledgement,
 * the resolution. On a shared store only the driver changes what the driver alone decides.
 */
import { perform, type EffectIO } from "../incident/effects.js";
import { safeUser } from "../incident/identity.js";
import type { Notifier } from "../incident/notifier.js";
import { decide, type Command, type Intent } from "../incident/runner.js";
import type { IncidentSession } from "../incident/session.js";
import type { InputValue } from "../runbooks/inputs.js";
import type { Severity } from "../runbooks/schema.js";
import type { ActResult } from "../ui/controller.js";
import type { ConsoleStore } from "../ui/store.js";
import type { StepWorld } from "./drill-mode.js";
import type { LiveRun } from "./live-run.js";

const operator = safeUser() ?? "operator";

export interface ActsDeps {
  store: ConsoleStore;
  live: LiveRun;
  dryRun: boolean;
  /** Give the terminal to an interactive step. */
  handOver?: (run: () => Promise<void>) => Promise<void>;
  /** The incident open now, how it pages, and the world its steps run in. */
  open: () => { session: IncidentSession; notifier: Notifier; world: StepWorld } | undefined;
  flash: (text: string, tone?: "info" | "error") => void;
  /** What the screen shows, derived again from the incident. */
  refresh: () => void;
  /** Resolved just now (a drill is judged then). */
  resolved: () => void;
}

export class IncidentActs {
  constructor(private readonly deps: ActsDeps) {}

  /** The runner's answer to an intent on this console (terminal, dry run, production as shown). */
  decide(s: IncidentSession, intent: Intent): Command {
    return decide(s.state, intent, { by: operator, dryRun: this.deps.dryRun, terminal: true, production: this.deps.store.getState().production?.production === true });
  }

  act(intent: Intent): ActResult {
    const open = this.deps.open();
    if (!open) return { refused: "no incident is open" };
    const s = open.session;
    const cmd = this.decide(s, intent);
    if (cmd.type === "ask") return { ask: cmd.confirmation };
    if (cmd.type === "refuse") {
      this.deps.flash(cmd.reason, "error");
      return { refused: cmd.reason };
    }
    // The output pane belongs to the step on screen: acting on another step clears the last one's output.
    const { store, live } = this.deps;
    const pane = store.getState().live;
    if (pane && !live.runningKey && !(cmd.type === "run" && cmd.item.key === pane.key)) store.setState({ live: undefined });
    if (cmd.type === "run") void live.run(s, cmd, this.io(this.deps.handOver ? { around: this.deps.handOver } : {}), (m) => this.deps.flash(m, "error"), () => this.deps.refresh());
    else if (cmd.type !== "stop" && cmd.type !== "end") void this.apply(s, cmd);
    return {};
  }

  note(text: string): void {
    this.guard((s) => s.note(text, this.deps.live.runningKey));
  }

  changeInput(name: string, value: InputValue): void {
    this.driverOnly((s) => s.changeInput(name, value));
  }

  changeSeverity(to: Severity): void {
    this.driverOnly((s) => {
      s.changeSeverity(to, `changed by ${operator}`);
      s.checkPolicy();
    });
  }

  acknowledge(key: string): void {
    this.guard((s) => s.acknowledge(key));
  }

  resolve(rootCause: string, actionItems: string[], impact?: string): void {
    this.driverOnly((s) => {
      s.resolve(rootCause, actionItems, impact);
      if (s.state.resolved) this.deps.resolved();
    });
  }

  private io(extra: Partial<EffectIO> = {}): EffectIO {
    const open = this.deps.open()!;
    const { env, cwd, kube } = open.world;
    return { world: { env, cwd, ...(kube ? { kube } : {}) }, notifier: open.notifier, ...extra };
  }

  private async apply(s: IncidentSession, cmd: Command): Promise<void> {
    try {
      const done = await perform(s, cmd, this.io());
      if (done.type === "refused") this.notDriver(done.reason);
      this.deps.refresh();
    } catch (e) {
      this.failed(e);
    }
  }

  private guard(fn: (s: IncidentSession) => void): void {
    const s = this.deps.open()?.session;
    if (!s) return;
    try {
      fn(s);
      this.deps.refresh();
    } catch (e) {
      this.failed(e);
    }
  }

  /**
   * What only the driver may do (severity, an input, resolving): on a shared store, asked of the store
   * first; refused with who drives. The file store has one driver, this console, and acts at once.
   */
  private driverOnly(fn: (s: IncidentSession) => void): void {
    const s = this.deps.open()?.session;
    if (!s) return;
    if (s.store.kind === "file") return this.guard(fn);
    void s.mayAct().then(
      (v) => (v.ok ? this.guard(fn) : this.notDriver(v.reason)),
      (e: unknown) => this.failed(e),
    );
  }

  private failed(e: unknown): void {
    this.deps.flash((e as Error).message, "error");
  }

  private notDriver(reason: string): void {
    this.deps.flash(`${reason}: only the one who drives can do that`, "error");
  }
}

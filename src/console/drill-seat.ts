/**
 * The console's drill, while one is on: started here (its world lives in this handrail) or handed
 * over from another handrail on this machine (its world lives there). Its end is judged once, by
 * whoever drives it then.
 */
import type { IncidentSession } from "../incident/session.js";
import type { ConsoleStore } from "../ui/store.js";
import { DrillMode } from "./drill-mode.js";
import type { DrillLauncher, DrillRun } from "./drill-run.js";

export class DrillSeat {
  private mode: DrillMode | undefined;

  constructor(
    private readonly store: ConsoleStore,
    private readonly launcher: DrillLauncher | undefined,
  ) {}

  get current(): DrillMode | undefined {
    return this.mode;
  }

  /** Start a scenario's world; what to tell the operator when it cannot start. */
  async start(scenarioId: string): Promise<string | undefined> {
    if (this.mode) return `the drill ${this.mode.run.scenario.id} is still running`;
    const started = await DrillMode.launch(this.launcher, scenarioId, this.store.getState().kube);
    if (typeof started === "string") return started;
    this.mode = started;
    this.store.setState({ ...started.view, flash: undefined });
    return undefined;
  }

  /** A drill handed over from another handrail on this machine: its steps go to the world that one runs. */
  adopt(run: DrillRun): void {
    if (this.mode) return;
    this.mode = new DrillMode(run, this.store.getState().kube);
    this.store.setState(this.mode.view);
  }

  /** Judge it and record its end, once (when resolved, left or quit); not when someone else drives it now: they judge it. */
  async judge(session: IncidentSession | undefined, refresh: () => void): Promise<void> {
    if (this.mode && session && session.store.status().drivenBy === undefined) await this.mode.judge(session, this.store, refresh);
  }

  /** Judge it, then stop its world (if it is this handrail's) and give the console back the operator's own cluster. */
  async end(session: IncidentSession | undefined, refresh: () => void): Promise<void> {
    const d = this.mode;
    if (!d) return;
    await this.judge(session, refresh);
    this.mode = undefined;
    this.store.setState(await d.stop());
  }

  /** Who drives, now that someone else does, a drill whose world runs in this handrail (leaving would end it under them). */
  drivenElsewhere(session: IncidentSession | undefined): string | undefined {
    return this.mode?.run.publish ? session?.store.status().drivenBy : undefined;
  }
}

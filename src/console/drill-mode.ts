/**
 * A drill inside the console: while it lasts its world (simulated cluster, directory,
 * environment, drills/ store) replaces the operator's, and its end is judged exactly once.
 */
import type { KubeTarget } from "../executors/types.js";
import type { IncidentSession } from "../incident/session.js";
import type { ConsoleStore, ConsoleView, KubeView } from "../ui/store.js";
import type { DrillLauncher, DrillRun } from "./drill-run.js";

/** Where steps run and incidents go. */
export interface StepWorld {
  env: Record<string, string | undefined>;
  cwd: string;
  kube?: KubeTarget;
  kubeServer?: string;
  incidentsDir: string;
}

/** The cluster an incident opened in this world records: context, namespace, server. */
export function kubeRecord(w: StepWorld): { context: string; namespace?: string; server?: string } | undefined {
  return w.kube?.context ? { context: w.kube.context, ...(w.kube.namespace ? { namespace: w.kube.namespace } : {}), ...(w.kubeServer ? { server: w.kubeServer } : {}) } : undefined;
}

export class DrillMode {
  private finished = false;

  constructor(
    readonly run: DrillRun,
    /** The operator's own cluster, given back to the status bar when the drill ends. */
    private readonly before: KubeView,
  ) {}

  /** Start a scenario's world; a message for the operator when it cannot start. */
  static async launch(launcher: DrillLauncher | undefined, scenarioId: string, before: KubeView): Promise<DrillMode | string> {
    if (!launcher) return "drills are not available here";
    try {
      return new DrillMode(await launcher.start(scenarioId), before);
    } catch (e) {
      return `cannot start the drill ${scenarioId}: ${(e as Error).message}`;
    }
  }

  get world(): StepWorld {
    const d = this.run;
    return { env: d.env, cwd: d.cwd, kube: d.kube, kubeServer: d.server, incidentsDir: d.incidentsDir };
  }

  /** What the screens show while the drill lasts: DRILL, its cluster (never production) and the briefing. */
  get view(): Partial<ConsoleView> {
    const d = this.run;
    const namespace = typeof d.inputs.namespace === "string" ? d.inputs.namespace : d.kube.namespace;
    return {
      drill: true,
      drillHost: d.publish !== undefined,
      kube: { ...(d.kube.context ? { context: d.kube.context } : {}), ...(namespace ? { namespace } : {}), server: d.server, production: false },
      briefing: { scenario: d.scenario.id, title: d.scenario.title, text: d.scenario.briefing },
      drillSummary: undefined,
    };
  }

  /** The summary's lines, the first time only (undefined after). */
  async finish(session: IncidentSession): Promise<string[] | undefined> {
    if (this.finished) return undefined;
    this.finished = true;
    return this.run.finish(session);
  }

  /** Judge the drill once into the store (the closing screen's summary), or say why it could not be judged. */
  async judge(session: IncidentSession, store: ConsoleStore, refresh: () => void): Promise<void> {
    try {
      const lines = await this.finish(session);
      if (lines) store.setState({ drillSummary: lines });
      refresh();
    } catch (e) {
      store.setState({ flash: { text: `the drill could not be judged: ${(e as Error).message}`, tone: "error" } });
    }
  }

  /** Stop the world; returns the view to go back to. */
  async stop(): Promise<Partial<ConsoleView>> {
    await this.run.stop();
    return { drill: false, drillHost: false, kube: this.before, briefing: undefined };
  }
}

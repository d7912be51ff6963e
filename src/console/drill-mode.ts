/**
 * A drill inside the console: while it lasts its world (simulated cluster, directory,
 * environment, drills/ store) replaces the operator's, and its end is judged exactly once.
 */
import type { KubeTarget } from "../executors/types.js";
import type { IncidentSession } from "../incident/session.js";
import type { ConsoleView, KubeView } from "../ui/store.js";
import type { DrillRun } from "./drill-run.js";

/** Where steps run and incidents go. */
export interface StepWorld {
  env: Record<string, string | undefined>;
  cwd: string;
  kube?: KubeTarget;
  kubeServer?: string;
  incidentsDir: string;
}

export class DrillMode {
  private finished = false;

  constructor(
    readonly run: DrillRun,
    /** The operator's own cluster, given back to the status bar when the drill ends. */
    private readonly before: KubeView,
  ) {}

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

  /** Stop the world; returns the view to go back to. */
  async stop(): Promise<Partial<ConsoleView>> {
    await this.run.stop();
    return { drill: false, kube: this.before, briefing: undefined };
  }
}

/** What the command layer gives the console's controller: the store, the world steps run in, and the ways out. */
import type { NotifySettings } from "../executors/notify/settings.js";
import type { KubeTarget } from "../executors/types.js";
import type { ConsoleStore, IncidentCard, RunbookCard } from "../ui/store.js";
import type { DrillLauncher } from "./drill-run.js";
import type { LocateRunbook } from "./resume.js";

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
  /** Channel settings for notify steps and escalations, loaded by the command layer. */
  notify?: NotifySettings;
  listIncidents: () => IncidentCard[];
  /** The runbook an incident was opened on (its recorded file, else its id on the search path). */
  locate?: LocateRunbook;
  exit: () => void;
  /** Give the terminal to an interactive step (the screen is put away and drawn again after). */
  handOver?: (run: () => Promise<void>) => Promise<void>;
  /** Write to the terminal's clipboard (OSC 52); false when the text is too long for it. */
  clipboard?: (text: string) => boolean;
  drills?: DrillLauncher;
}

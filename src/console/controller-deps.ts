/** What the command layer gives the console's controller: the store, the world steps run in, and the ways out. */
import type { NotifySettings } from "../executors/notify/settings.js";
import type { KubeTarget } from "../executors/types.js";
import type { IncidentStore, StoreAttach } from "../incident/store/types.js";
import type { ConsoleStore, IncidentCard, RunbookCard } from "../ui/store.js";
import type { DrillLauncher } from "./drill-run.js";
import type { LocateRunbook } from "./resume.js";

/** The shared incident store as the console uses it (issue 20); the command layer opens it and owns the lease logic. */
export interface ConsoleShared {
  /** Where it is, password masked. */
  where: string;
  /** Who this console drives as. */
  actor: string;
  /** The lease of a new incident and how its events reach the store; throws, naming who drives, when refused. */
  drive(incidentId: string): Promise<StoreAttach>;
  /**
   * Before a resume: the lease (refused while another drives), what the local file lacks sent, the
   * file rebuilt from the store when it fell behind. The file to resume and its attach; undefined
   * when the store does not have the incident (it is resumed from its file alone).
   */
  resume(file: string): Promise<{ file: string; attach: StoreAttach; previous?: { holder: string; reason: "expired" | "taken over" | "handed over" } } | undefined>;
  /** Who asks to drive the incident this console drives, if anyone (polled). */
  pendingRequest(): Promise<string | undefined>;
  /** Give the lease to the one who asked: their name, or undefined when nobody asks any more. */
  handOver(): Promise<string | undefined>;
  /** Wait (bounded) for what is queued for the store once an incident is left; says what is only in the local file. */
  finish(store: IncidentStore): Promise<void>;
  /** Follow an incident read-only and live: its events as lines, and who drives when that changes; returns the stop. */
  follow(incidentId: string, on: (update: { lines: string[]; driver?: string; escalations?: Array<{ key: string; to: string }> }) => void): () => Promise<void>;
  /** A note on an incident this console does not drive. */
  note(incidentId: string, text: string): Promise<void>;
  /** Acknowledge an escalation of an incident this console follows. */
  acknowledge(incidentId: string, key: string): Promise<void>;
  /** Ask whoever drives to hand over and wait for the answer: undefined once the lease is this console's, else why not. */
  askToDrive(incidentId: string): Promise<string | undefined>;
}

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
  /** The shared store: incidents opened and resumed here (not drills) are driven through it. */
  shared?: ConsoleShared;
}

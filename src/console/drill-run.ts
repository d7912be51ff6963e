/** What the console gets from the command layer for a drill: the world to point steps at, and its end. */
import type { NotifySettings } from "../executors/notify/settings.js";
import type { KubeTarget } from "../executors/types.js";
import type { IncidentSession } from "../incident/session.js";
import type { InputValue } from "../runbooks/inputs.js";
import type { Severity } from "../runbooks/schema.js";

/** Where every step of a drill runs: its cluster, environment, directory, store and channels. */
export interface DrillTarget {
  kube: KubeTarget;
  /** The simulated API server's URL (recorded in incident.opened). */
  server: string;
  /** The process environment with the world's additions over it. */
  env: Record<string, string | undefined>;
  cwd: string;
  incidentsDir: string;
  /** Every channel pointed at the drill's own inbox: practice never pages anybody. */
  notify: NotifySettings;
}

export interface DrillRun extends DrillTarget {
  scenario: { id: string; title: string; briefing: string; runbook: string; severity: Severity };
  /** The scenario's inputs, already checked against the runbook. */
  inputs: Record<string, InputValue>;
  /** Check the scenario's health, record drill.finished and return the summary's lines. */
  finish(session: IncidentSession): Promise<string[]>;
  /** Stop the drill's world (idempotent); nothing for a drill another handrail runs. */
  stop(): Promise<void>;
  /** Say where this world is, for another handrail on this machine the incident is handed to (a shared store). */
  publish?(incident: string): void;
}

/** Starts drills on request (the command layer owns the sandbox and the files). */
export interface DrillLauncher {
  start(scenarioId: string): Promise<DrillRun>;
}

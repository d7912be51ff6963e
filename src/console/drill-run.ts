/** What the console gets from the command layer for a drill: the world to point steps at, and its end. */
import type { KubeTarget } from "../executors/types.js";
import type { IncidentSession } from "../incident/session.js";
import type { InputValue } from "../runbooks/inputs.js";
import type { Severity } from "../runbooks/schema.js";

export interface DrillRun {
  scenario: { id: string; title: string; briefing: string; runbook: string; severity: Severity };
  /** The scenario's inputs, already checked against the runbook. */
  inputs: Record<string, InputValue>;
  kube: KubeTarget;
  /** The simulated API server's URL. */
  server: string;
  env: Record<string, string | undefined>;
  cwd: string;
  incidentsDir: string;
  /** Check the scenario's health, record drill.finished and return the summary's lines. */
  finish(session: IncidentSession): Promise<string[]>;
  /** Stop the drill's world (idempotent). */
  stop(): Promise<void>;
}

/** Starts drills on request (the command layer owns the sandbox and the files). */
export interface DrillLauncher {
  start(scenarioId: string): Promise<DrillRun>;
}

/**
 * What the console may ask of the world. The UI only calls these; the implementation
 * (src/console) owns the incident file, the processes and the cluster.
 */
import type { Confirmation, Intent } from "../incident/runner.js";
import type { InputValue } from "../runbooks/inputs.js";
import type { Severity } from "../runbooks/schema.js";

/** What an intent came to, as far as the screen must know: a confirmation to ask for first, or why nothing happened. */
export interface ActResult {
  ask?: Exclude<Confirmation, "none">;
  refused?: string;
}

export interface ConsoleController {
  startIncident(runbookId: string, severity: Severity, inputs: Record<string, InputValue>): Promise<void>;
  /** The start screen for a runbook: what is not given (severity, inputs) is asked there. */
  begin(runbookId: string, given?: { severity?: Severity; inputs?: Record<string, InputValue> }): void;
  /** An input's new value mid-incident (logged as input.changed; the steps after it use it). */
  changeInput(name: string, value: InputValue): void;
  /** Resume an incident; what it needs first (secret values, a changed runbook) is asked on the resume screen. */
  resumeIncident(file: string, answers?: { secrets?: Record<string, string>; acceptChanged?: boolean; forceUnlock?: boolean }): Promise<void>;
  /** Start a drill scenario: its simulated world, then an incident on its runbook with its inputs. */
  startDrill(scenarioId: string): Promise<void>;
  /**
   * Run, confirm, skip, choose, jump: the operator's intent, decided by the runner (the same rules
   * as a headless run). A step that needs confirming first comes back as `ask`.
   */
  act(intent: Intent): ActResult;
  /** Cancel the running step; false when nothing was running. */
  cancelRunning(): boolean;
  note(text: string): void;
  changeSeverity(to: Severity): void;
  togglePanel(): void;
  /** Put text on the operator's clipboard (OSC 52), saying what was copied. */
  copy(text: string, what: string): void;
  acknowledge(key: string): void;
  resolve(rootCause: string, actionItems: string[], impact?: string): void;
  /** Follow an incident someone else drives, read-only and live (a shared store). */
  follow(incidentId: string): void;
  /** A note on the followed incident, as this operator. */
  followNote(text: string): void;
  /** Ask the driver of the followed incident to hand over; drives it once they do. */
  askToDrive(): void;
  /** Acknowledge the followed incident's oldest escalation not yet acknowledged. */
  followAcknowledge(): void;
  /** Back to home; the incident stays open in its file. */
  leave(): void;
  quit(): void;
}

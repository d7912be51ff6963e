/**
 * What the console may ask of the world. The UI only calls these; the implementation
 * (src/console) owns the incident file, the processes and the cluster.
 */
import type { InputValue } from "../runbooks/inputs.js";
import type { Severity } from "../runbooks/schema.js";

export interface ConsoleController {
  startIncident(runbookId: string, severity: Severity, inputs: Record<string, InputValue>): Promise<void>;
  resumeIncident(file: string): Promise<void>;
  /** Start a drill scenario: its simulated world, then an incident on its runbook with its inputs. */
  startDrill(scenarioId: string): Promise<void>;
  /** Run the current step (with an edited command for this run only, when given). */
  runCurrent(override?: string): Promise<void>;
  /** Cancel the running step; false when nothing was running. */
  cancelRunning(): boolean;
  confirmManual(): void;
  skip(reason: string): void;
  note(text: string): void;
  choose(optionId: string): void;
  changeSeverity(to: Severity): void;
  /** Take another option of the phase whose option step is current (after a failure). */
  changeOption(optionId: string): void;
  jumpTo(phaseId: string): void;
  togglePanel(): void;
  acknowledge(key: string): void;
  resolve(rootCause: string, actionItems: string[]): void;
  /** Back to home; the incident stays open in its file. */
  leave(): void;
  quit(): void;
}

/**
 * The console's controller while the world is still being read. Home is drawn before the runbook
 * library, the incidents and the kubeconfig are (issue 18: the first frame at bare-Ink speed); what
 * the operator asks in those few hundred milliseconds is kept, in order, and handed to the real
 * controller once it exists. Quitting needs no world: it ends the console at once.
 */
import type { Intent } from "../incident/runner.js";
import type { InputValue } from "../runbooks/inputs.js";
import type { Severity } from "../runbooks/severity.js";
import type { ActResult, ConsoleController } from "../ui/controller.js";

type Call = (c: ConsoleController) => unknown;

export class DeferredController implements ConsoleController {
  private real: ConsoleController | undefined;
  private queue: Call[] = [];
  /** Set when the operator quit before the world was read. */
  quitEarly = false;

  constructor(private readonly onEarlyQuit: () => void) {}

  /** Hand over to the real controller, replaying what was asked meanwhile. */
  attach(real: ConsoleController): void {
    this.real = real;
    const queued = this.queue;
    this.queue = [];
    for (const call of queued) void call(real);
  }

  private call<T>(fn: (c: ConsoleController) => T): T | undefined {
    if (this.real) return fn(this.real);
    this.queue.push(fn);
    return undefined;
  }

  private async callAsync(fn: (c: ConsoleController) => Promise<void>): Promise<void> {
    if (this.real) return fn(this.real);
    this.queue.push(fn);
  }

  startIncident(runbookId: string, severity: Severity, inputs: Record<string, InputValue>): Promise<void> {
    return this.callAsync((c) => c.startIncident(runbookId, severity, inputs));
  }
  begin(runbookId: string, given?: { severity?: Severity; inputs?: Record<string, InputValue> }): void {
    this.call((c) => c.begin(runbookId, given));
  }
  changeInput(name: string, value: InputValue): void {
    this.call((c) => c.changeInput(name, value));
  }
  resumeIncident(file: string, answers?: { secrets?: Record<string, string>; acceptChanged?: boolean; forceUnlock?: boolean }): Promise<void> {
    return this.callAsync((c) => c.resumeIncident(file, answers));
  }
  startDrill(scenarioId: string): Promise<void> {
    return this.callAsync((c) => c.startDrill(scenarioId));
  }
  /** Nothing can be acted on before an incident is open, and none is open before the world is read. */
  act(intent: Intent): ActResult {
    return this.real ? this.real.act(intent) : { refused: "handrail is still reading the runbooks" };
  }
  cancelRunning(): boolean {
    return this.real ? this.real.cancelRunning() : false;
  }
  note(text: string): void {
    this.call((c) => c.note(text));
  }
  changeSeverity(to: Severity): void {
    this.call((c) => c.changeSeverity(to));
  }
  togglePanel(): void {
    this.call((c) => c.togglePanel());
  }
  copy(text: string, what: string): void {
    this.call((c) => c.copy(text, what));
  }
  acknowledge(key: string): void {
    this.call((c) => c.acknowledge(key));
  }
  resolve(rootCause: string, actionItems: string[], impact?: string): void {
    this.call((c) => c.resolve(rootCause, actionItems, impact));
  }
  follow(incidentId: string): void {
    this.call((c) => c.follow(incidentId));
  }
  followNote(text: string): void {
    this.call((c) => c.followNote(text));
  }
  askToDrive(): void {
    this.call((c) => c.askToDrive());
  }
  followAcknowledge(): void {
    this.call((c) => c.followAcknowledge());
  }
  leave(): void {
    this.call((c) => c.leave());
  }
  quit(): void {
    if (this.real) return this.real.quit();
    this.quitEarly = true;
    this.queue = [];
    this.onEarlyQuit();
  }
}

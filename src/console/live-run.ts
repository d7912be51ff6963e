/**
 * The console's running step: one at a time, cancellable, its output streamed into the store's
 * live pane. A run asked for while the previous one is still being wrapped up waits for it.
 */
import { displayCommand } from "../incident/display.js";
import { perform, type EffectIO } from "../incident/effects.js";
import type { Command } from "../incident/runner.js";
import type { IncidentSession } from "../incident/session.js";
import { appendLive, type LiveBatch } from "../ui/live-output.js";
import type { ConsoleStore } from "../ui/store.js";

/**
 * A step's output waits this long before it is drawn. Ink draws at most one frame per 34 ms (30 fps),
 * and a frame drawn for a step's last lines just before its result put the result a whole frame later
 * (the result is what the operator waits for); the lines follow it instead. Longer than a step's
 * wrap-up (the output file's last writes and fsync, ~10-20 ms), short enough not to be noticed.
 */
export const LIVE_DRAW_MS = 50;

export class LiveRun {
  private running: AbortController | undefined;
  /** The step being run, and the promise that settles once its run is wrapped up. */
  private key: string | undefined;
  private finishing: Promise<void> | undefined;
  private undrawn: LiveBatch[] = [];
  private drawTimer: NodeJS.Timeout | undefined;

  constructor(private readonly store: ConsoleStore) {}

  private queue(batch: LiveBatch): void {
    this.undrawn.push(batch);
    this.drawTimer ??= setTimeout(() => this.draw(), LIVE_DRAW_MS).unref();
  }

  /** The output waiting to be drawn, into the live pane now. */
  private draw(): void {
    clearTimeout(this.drawTimer);
    this.drawTimer = undefined;
    appendLive(this.store, this.undrawn.splice(0));
  }

  /** The step running now, if any. */
  get runningKey(): string | undefined {
    return this.key;
  }

  async run(s: IncidentSession, cmd: Extract<Command, { type: "run" }>, io: EffectIO, onError: (message: string) => void, after: () => void): Promise<void> {
    const item = cmd.item;
    if (this.running) {
      // The step's result is on screen and the next step shown while its run is still being wrapped
      // up: a run asked for now is for the step shown, so it waits for that and goes. (The same step
      // asked again while it runs is ignored.)
      if (item.key === this.key || !this.finishing) return;
      await this.finishing;
      return this.run(s, cmd, io, onError, after);
    }
    const running = new AbortController();
    this.running = running;
    this.key = item.key;
    let wrapped!: () => void;
    this.finishing = new Promise<void>((resolve) => (wrapped = resolve));
    const command = displayCommand(item.step, s.shown(item.item), cmd.edited);
    // Anything of the step before still waiting belongs to its pane, not this one.
    this.draw();
    this.store.setState({ running: true, flash: undefined, live: { key: item.key, title: `${item.step.title}${cmd.edited !== undefined ? " (edited)" : ""}`, command, startedAt: Date.now(), lines: [], total: 0, skipped: 0 } });
    try {
      await perform(s, cmd, { ...io, signal: running.signal, onLines: (stream, lines) => this.queue({ stream, lines }), onSkipped: (n) => this.queue({ stream: "stdout", lines: [], skipped: n }) });
    } catch (e) {
      onError(`the incident file could not be written: ${(e as Error).message}`);
    } finally {
      this.draw();
      this.running = undefined;
      this.key = undefined;
      this.store.setState((v) => ({ running: false, ...(v.live ? { live: { ...v.live, endedAt: Date.now() } } : {}) }));
      after();
      wrapped();
    }
  }

  /** Settles once no step is running (the cancelled one's result is in the file). */
  async settled(): Promise<void> {
    if (this.running) await this.finishing;
  }

  /** Cancel the running step; false when nothing was running. */
  cancel(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }
}

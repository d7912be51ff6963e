/** The live pane of a running step: its newest output lines, and what a flood counted instead of keeping. */
import type { ConsoleStore } from "./store.js";

export interface OutputLine {
  stream: "stdout" | "stderr";
  text: string;
}

export interface LiveStep {
  key: string;
  title: string;
  command: string;
  startedAt: number;
  endedAt?: number;
  /** The newest lines only: the pane shows the visible rows, the full output is in the incident. */
  lines: OutputLine[];
  total: number;
  skipped: number;
}

/** Lines kept for the live pane; the rest of a flood is counted, not kept. */
export const LIVE_LINES = 2_000;

/** Output lines (and lines of a flood counted, not shown) for the live pane, one stream's batch. */
export interface LiveBatch {
  stream: OutputLine["stream"];
  lines: readonly string[];
  skipped?: number;
}

/** Batches of output into the live pane in one state change (one frame for all of them), without growing it past LIVE_LINES. */
export function appendLive(store: ConsoleStore, batches: readonly LiveBatch[]): void {
  const live = store.getState().live;
  if (!live || batches.length === 0) return;
  const added: OutputLine[] = [];
  let total = live.total;
  let skipped = live.skipped;
  for (const b of batches) {
    for (const text of b.lines) added.push({ stream: b.stream, text });
    total += b.lines.length + (b.skipped ?? 0);
    skipped += b.skipped ?? 0;
  }
  const kept = live.lines.length + added.length > LIVE_LINES ? [...live.lines, ...added].slice(-LIVE_LINES) : [...live.lines, ...added];
  store.setState({ live: { ...live, lines: kept, total, skipped } });
}

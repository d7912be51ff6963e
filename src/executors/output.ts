/**
 * Output of a running step: counted at pipe speed, split into lines only where someone looks.
 *
 * A flood (`seq 1 10000000`) must not become ten million strings: every chunk is only
 * counted (newlines found natively) and kept in a bounded window; lines are decoded at
 * flush time, at most MAX_BATCH_LINES per batch, from that window. Raw chunks are handed
 * on untouched for whoever stores the full output.
 */
import { countNewlines } from "./count-newlines.js";
import type { OutputSummary, StepEvent, Stream } from "./types.js";

/** Trailing-edge interval between line batches; the first chunk is flushed at once. */
export const OUTPUT_BATCH_MS = 50;
/**
 * The interval while a flood lasts (more lines per batch than are handed on): nobody reads a
 * thousand lines in 50 ms, and every batch is a redraw of the console competing with the pipe.
 * Measured (issue 18): `seq 1 10000000` in the console took 600-680 ms at 200 ms, 420-490 ms at
 * 500 ms (headless: ~410 ms); each full-screen frame costs Ink and the terminal 15-30 ms.
 */
export const FLOOD_BATCH_MS = 500;
/** Lines handed on per batch at most; older lines of a flood are counted, not shown. */
export const MAX_BATCH_LINES = 1_000;
/** Lines kept for the step result. */
export const TAIL_LINES = 200;
/** A line longer than this is cut (the full line stays in the raw output). */
export const MAX_LINE_CHARS = 4_096;
/** What ends a line cut at MAX_LINE_CHARS. */
export const CUT = "…";
const STDERR_LINES = 50;
/** Raw bytes kept between flushes to decode the newest lines from. */
const WINDOW_BYTES = 256 * 1024;

const NL = 0x0a;

export interface LineBatch {
  stream: Stream;
  lines: string[];
}

/** Something else that reads every chunk as it arrives: the step's `expect` / `found` text checks. */
export interface ChunkObserver {
  push(stream: Stream, chunk: Buffer): void;
  finish(): void;
}

export interface OutputSink {
  /** Raw bytes as they arrived, for the full per-step output file. */
  onData?: (stream: Stream, chunk: Buffer) => void;
  /** Complete lines, batched; `skipped` counts lines of a flood not handed on. */
  onLines?: (batches: LineBatch[], skipped: number) => void;
}

/** Route a collector's raw chunks and line batches to a step's event callback. */
export function sinkFor(onEvent: ((e: StepEvent) => void) | undefined): OutputSink {
  if (!onEvent) return {};
  return {
    onData: (stream, chunk) => onEvent({ type: "data", stream, chunk }),
    onLines: (batches, skipped) => {
      batches.forEach((b, i) => onEvent({ type: "output", stream: b.stream, lines: b.lines, ...(i === 0 && skipped > 0 ? { skipped } : {}) }));
      if (batches.length === 0 && skipped > 0) onEvent({ type: "output", stream: "stdout", lines: [], skipped });
    },
  };
}

/** What a terminal shows for a line: CRLF ends a line, a lone CR rewinds it (progress bars). */
export function displayLine(raw: string): string {
  let line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  const cr = line.lastIndexOf("\r");
  if (cr >= 0) line = line.slice(cr + 1);
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}${CUT}` : line;
}

/** A line displayLine cut short. */
export function isCutLine(line: string): boolean {
  return line.length === MAX_LINE_CHARS + CUT.length && line.endsWith(CUT);
}

// eslint-disable-next-line no-control-regex -- ANSI escapes are control characters by definition.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Colour and cursor codes removed, for checks and for the plain-text log. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

interface Pending {
  stream: Stream;
  chunk: Buffer;
}

export class OutputCollector {
  private window: Pending[] = [];
  private windowBytes = 0;
  /** Per stream: the bytes of a line not yet ended, and whether its start was dropped. */
  private carry: Record<Stream, Buffer[]> = { stdout: [], stderr: [] };
  private broken: Record<Stream, boolean> = { stdout: false, stderr: false };
  private newlinesSinceFlush = 0;
  private tail: OutputSummary["tail"] = [];
  /** Stderr kept apart so a stdout flood cannot push a diagnosis out of reach. */
  private stderr: string[] = [];
  private lines = 0;
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private flooding = false;

  constructor(
    private readonly sink: OutputSink = {},
    private readonly observer?: ChunkObserver,
  ) {}

  push(stream: Stream, chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.bytes += chunk.length;
    this.sink.onData?.(stream, chunk);
    this.newlinesSinceFlush += countNewlines(chunk);
    this.observer?.push(stream, chunk);
    this.window.push({ stream, chunk });
    this.windowBytes += chunk.length;
    while (this.windowBytes > WINDOW_BYTES && this.window.length > 1) this.dropOldest();
    this.schedule();
  }

  private dropOldest(): void {
    const dropped = this.window.shift()!;
    this.windowBytes -= dropped.chunk.length;
    // The line being assembled for that stream lost its beginning, unless the chunk ended a line.
    this.carry[dropped.stream] = [];
    this.broken[dropped.stream] = dropped.chunk[dropped.chunk.length - 1] !== NL;
  }

  /** Keep only what holds the newest MAX_BATCH_LINES lines: a flood is decoded at its tail only. */
  private trimWindow(): void {
    let need = MAX_BATCH_LINES + 1;
    for (let idx = this.window.length - 1; idx >= 0; idx--) {
      const { stream, chunk } = this.window[idx]!;
      let pos = chunk.length;
      while (pos > 0) {
        const nl = chunk.lastIndexOf(NL, pos - 1);
        if (nl === -1) break;
        pos = nl;
        if (--need > 0) continue;
        for (let d = 0; d < idx; d++) this.dropOldest();
        // The cut falls right after a newline: what follows starts a fresh line.
        this.window[0] = { stream, chunk: chunk.subarray(nl + 1) };
        this.carry[stream] = [];
        this.broken[stream] = false;
        return;
      }
    }
  }

  private schedule(): void {
    if (this.timer) return;
    const since = Date.now() - this.lastFlush;
    const interval = this.flooding ? FLOOD_BATCH_MS : OUTPUT_BATCH_MS;
    if (since >= interval) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, interval - since);
  }

  /** Decode the lines completed since the last flush and hand them on. */
  flush(final = false): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.lastFlush = Date.now();
    const completed = this.newlinesSinceFlush;
    this.newlinesSinceFlush = 0;
    this.flooding = completed > MAX_BATCH_LINES;
    if (completed > MAX_BATCH_LINES) this.trimWindow();
    const batches: LineBatch[] = [];
    let ended = completed;
    const emit = (stream: Stream, raw: string, partial: boolean) => {
      if (partial) return;
      const line = displayLine(raw);
      const last = batches.at(-1);
      if (last && last.stream === stream) last.lines.push(line);
      else batches.push({ stream, lines: [line] });
    };
    for (const { stream, chunk } of this.window) {
      let start = 0;
      for (let i = chunk.indexOf(NL); i !== -1; i = chunk.indexOf(NL, start)) {
        const parts = this.carry[stream];
        parts.push(chunk.subarray(start, i));
        const raw = Buffer.concat(parts).toString("utf8");
        emit(stream, raw, this.broken[stream]);
        this.carry[stream] = [];
        this.broken[stream] = false;
        start = i + 1;
      }
      if (start < chunk.length) this.carry[stream].push(chunk.subarray(start));
    }
    this.window = [];
    this.windowBytes = 0;
    if (final) {
      for (const stream of ["stdout", "stderr"] as const) {
        if (this.carry[stream].length > 0) {
          emit(stream, Buffer.concat(this.carry[stream]).toString("utf8"), this.broken[stream]);
          ended++;
          this.carry[stream] = [];
        }
      }
    }
    this.lines += ended;
    const kept = trimBatches(batches, MAX_BATCH_LINES);
    let shown = 0;
    for (const b of kept.batches) {
      shown += b.lines.length;
      for (const line of b.lines) this.tail.push({ stream: b.stream, line });
      if (b.stream === "stderr") this.stderr.push(...b.lines);
    }
    if (this.tail.length > TAIL_LINES) this.tail = this.tail.slice(-TAIL_LINES);
    if (this.stderr.length > STDERR_LINES) this.stderr = this.stderr.slice(-STDERR_LINES);
    const skipped = Math.max(0, ended - shown);
    if (kept.batches.length > 0 || skipped > 0) this.sink.onLines?.(kept.batches, skipped);
  }

  /** Flush what is left, including a last line without a newline, and end the observer's streams. */
  finish(): void {
    this.flush(true);
    this.observer?.finish();
  }

  summary(): OutputSummary {
    return { tail: [...this.tail], lines: this.lines, bytes: this.bytes, truncated: this.lines > this.tail.length };
  }

  /** Stderr lines from the tail, for diagnoses. */
  stderrTail(): string {
    return this.stderr.join("\n");
  }
}

/** Keep the newest `max` lines across batches, counting the rest. */
function trimBatches(batches: LineBatch[], max: number): { batches: LineBatch[]; dropped: number } {
  let total = 0;
  for (const b of batches) total += b.lines.length;
  if (total <= max) return { batches, dropped: 0 };
  let drop = total - max;
  const out: LineBatch[] = [];
  for (const b of batches) {
    if (drop >= b.lines.length) {
      drop -= b.lines.length;
      continue;
    }
    out.push(drop > 0 ? { stream: b.stream, lines: b.lines.slice(drop) } : b);
    drop = 0;
  }
  return { batches: out, dropped: total - max };
}

/** A flood is handed on every FLOOD_BATCH_MS, ordinary output every OUTPUT_BATCH_MS (fake timers drive the clock). */
import { afterEach, describe, expect, it, vi } from "vitest";
import { FLOOD_BATCH_MS, MAX_BATCH_LINES, OUTPUT_BATCH_MS, OutputCollector } from "../../src/executors/output.js";

const lines = (from: number, n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `${from + i}\n`).join(""));

afterEach(() => vi.useRealTimers());

describe("output batching", () => {
  it("slows to FLOOD_BATCH_MS while more lines arrive than a batch shows, and back after", () => {
    vi.useFakeTimers();
    const batches: Array<{ lines: number; skipped: number }> = [];
    const c = new OutputCollector({ onLines: (b, skipped) => batches.push({ lines: b.reduce((n, x) => n + x.lines.length, 0), skipped }) });
    c.push("stdout", lines(1, MAX_BATCH_LINES * 3));
    expect(batches).toHaveLength(1); // the first chunk at once
    c.push("stdout", lines(1, 10));
    vi.advanceTimersByTime(OUTPUT_BATCH_MS);
    expect(batches).toHaveLength(1);
    vi.advanceTimersByTime(FLOOD_BATCH_MS - OUTPUT_BATCH_MS);
    expect(batches).toHaveLength(2);
    // That batch was small: the next one comes at the ordinary pace.
    c.push("stdout", lines(11, 5));
    vi.advanceTimersByTime(OUTPUT_BATCH_MS);
    expect(batches).toHaveLength(3);
    c.finish();
    expect(batches[0]).toEqual({ lines: MAX_BATCH_LINES, skipped: MAX_BATCH_LINES * 2 });
    expect(c.summary().lines).toBe(MAX_BATCH_LINES * 3 + 15);
  });
});

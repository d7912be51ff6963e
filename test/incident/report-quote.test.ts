/**
 * The window a report quotes a step's output from: whatever the sizes of the output events, its
 * head is the first QUOTE_LINES lines of all of them and its tail the last QUOTE_LINES, as if every
 * line had been kept.
 */
import { describe, expect, it } from "vitest";
import { OutputWindow, QUOTE_LINES } from "../../src/incident/report-quote.js";

/** A small deterministic generator (mulberry32): the same sizes on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("the output window of an attempt", () => {
  it("holds the first and last lines of every event, for 2,000 attempts of events of 0 to 20 lines", () => {
    const next = random(7);
    for (let attempt = 0; attempt < 2000; attempt++) {
      const batches = Array.from({ length: 1 + Math.floor(next() * 12) }, (_, b) => Array.from({ length: Math.floor(next() * (next() < 0.5 ? 4 : 21)) }, (_, i) => `${attempt}.${b}.${i}`));
      const window = new OutputWindow(batches[0]!);
      for (const b of batches.slice(1)) window.add(b);
      const all = batches.flat();
      expect({ head: window.head, tail: window.tail }, JSON.stringify(batches.map((b) => b.length))).toEqual({ head: all.slice(0, QUOTE_LINES), tail: all.slice(-QUOTE_LINES) });
    }
  });

  it("quotes nothing of an attempt whose output events were all empty", () => {
    const window = new OutputWindow([]);
    window.add([]);
    expect([window.head, window.tail]).toEqual([[], []]);
  });
});

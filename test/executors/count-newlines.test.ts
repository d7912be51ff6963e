/** Newline counting four bytes at a time agrees with counting byte by byte, at every alignment and byte value. */
import { describe, expect, it } from "vitest";
import { countNewlines } from "../../src/executors/output.js";

const naive = (b: Uint8Array) => b.reduce((n, x) => n + (x === 0x0a ? 1 : 0), 0);

describe("countNewlines", () => {
  it("counts exactly, whatever the offset, length and neighbouring bytes", () => {
    // Every byte value, with newlines next to 0x0b, 0x09, 0x8a and 0xff where a carry would show.
    const bytes = Buffer.alloc(4099);
    let seed = 7;
    for (let i = 0; i < bytes.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      bytes[i] = seed % 5 === 0 ? 0x0a : [0x0b, 0x09, 0x8a, 0xff, 0x00, seed & 0xff][seed % 6]!;
    }
    for (let start = 0; start < 9; start++) {
      for (const len of [0, 1, 3, 4, 5, 7, 8, 63, 1000, 4099 - start]) {
        const view = bytes.subarray(start, start + len);
        expect(countNewlines(view), `start ${start} len ${len}`).toBe(naive(view));
      }
    }
    expect(countNewlines(Buffer.from("\n\n\n\n"))).toBe(4);
    expect(countNewlines(Buffer.from("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n"))).toBe(10);
    expect(countNewlines(Buffer.from("no newline"))).toBe(0);
  });
});

/**
 * Newline counting, sixteen bytes at a time in WebAssembly and four at a time in JavaScript, agrees
 * with counting byte by byte at every alignment, length and byte value; the kernel's bytes are its
 * .wat source assembled.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { countNewlines, countNewlinesSwar, KERNEL_WASM } from "../../src/executors/count-newlines.js";

const naive = (b: Uint8Array) => b.reduce((n, x) => n + (x === 0x0a ? 1 : 0), 0);

/** Bytes of every value, newlines among them next to 0x0b, 0x09, 0x8a, 0xff and 0x00, where a carry or a signed compare would show. */
function noisy(length: number, seed: number, newlineEvery = 5): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < bytes.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = seed % newlineEvery === 0 ? 0x0a : [0x0b, 0x09, 0x8a, 0xff, 0x00, seed & 0xff][seed % 6]!;
  }
  return bytes;
}

describe("countNewlines", () => {
  it.each([
    ["WebAssembly, JavaScript below 256 bytes", countNewlines],
    ["JavaScript", countNewlinesSwar],
  ])("%s: counts exactly, whatever the offset, length and neighbouring bytes", (_name, count) => {
    const bytes = noisy(4099, 7);
    for (let start = 0; start < 17; start++) {
      for (const len of [0, 1, 3, 4, 5, 7, 8, 15, 16, 17, 63, 255, 256, 257, 1000, 4099 - start]) {
        const view = bytes.subarray(start, start + len);
        expect(count(view), `start ${start} len ${len}`).toBe(naive(view));
      }
    }
    expect(count(Buffer.from("\n\n\n\n"))).toBe(4);
    expect(count(Buffer.from("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n"))).toBe(10);
    expect(count(Buffer.from("no newline"))).toBe(0);
  });

  it("past a lane's 255 blocks and the kernel's 128 KiB memory: every byte a newline, none, and mixed, at odd offsets", () => {
    for (const length of [4080, 4096, 4097, 65_536, 131_072, 131_073, 300_001, 1_000_003]) {
      for (const bytes of [Buffer.alloc(length, 0x0a), Buffer.alloc(length, 0x0b), noisy(length, length, 3)]) {
        for (const start of [0, 1, 13]) {
          const view = bytes.subarray(start);
          expect(countNewlines(view), `length ${length} start ${start}`).toBe(naive(view));
        }
      }
    }
  });

  it("runs the WebAssembly kernel on this Node", () => {
    const wasm = (globalThis as unknown as { WebAssembly: { validate: (b: Uint8Array) => boolean } }).WebAssembly;
    expect(wasm.validate(Buffer.from(KERNEL_WASM, "base64"))).toBe(true);
  });

  it("embeds count-newlines.wat as wabt assembles it", async () => {
    const wabt = await (await import("wabt")).default();
    const source = readFileSync(path.join(import.meta.dirname, "../../src/executors/count-newlines.wat"), "utf8");
    const module = wabt.parseWat("count-newlines.wat", source, { simd: true });
    expect(Buffer.from(module.toBinary({}).buffer).toString("base64")).toBe(KERNEL_WASM);
  });
});

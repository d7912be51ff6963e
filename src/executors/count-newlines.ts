/**
 * Newlines in a chunk of output, counted at pipe speed: a flood (`seq 1 10000000`, 78 MB) is only
 * counted, never split into lines (output.ts), so this runs over every byte a step prints.
 *
 * Sixteen bytes at a time in WebAssembly SIMD (count-newlines.wat, assembled below): ~7 ms for those
 * 78 MB with the copy into its memory, against ~40 ms four bytes at a time in JavaScript (measured on
 * the 2-core machines here, issue 18). The JavaScript count stays for short chunks, and for a Node
 * without WebAssembly SIMD.
 */

import { wasmKernel } from "../util/wasm-kernel.js";

const NL = 0x0a;

/** count-newlines.wat assembled (wabt 1.0.39, SIMD on); the test assembles the .wat again and compares. */
export const KERNEL_WASM = "AGFzbQEAAAABBgFgAX8BfwMCAQAFAwEAAgcSAgZtZW1vcnkCAAVjb3VudAAACsgBAcUBAwN/AnsBfyAAQXBxIQICQANAIAEgAk8NASABQfAfaiEDIAMgAksEQCACIQML/QwAAAAAAAAAAAAAAAAAAAAAIQQDQCAEIAH9AAQA/QwKCgoKCgoKCgoKCgoKCgoK/SP9cSEEIAFBEGohASABIANJDQALIAT9ff1/IQUgBiAF/RsAIAX9GwFqIAX9GwIgBf0bA2pqaiEGDAALCwJAA0AgASAATw0BIAEtAABBCkYEQCAGQQFqIQYLIAFBAWohAQwACwsgBgs=";

/** The kernel's memory (two 64 KiB pages): a longer chunk is counted a slice at a time. */
const SLICE = 128 * 1024;
/** Below this, the copy and the call cost more than counting in JavaScript. */
const MIN_KERNEL_BYTES = 256;

interface Kernel {
  memory: Uint8Array;
  count: (len: number) => number;
}

let kernel: Kernel | null | undefined;

/** The WebAssembly kernel, made on first use; null where this Node cannot run it (no SIMD). */
function loadKernel(): Kernel | null {
  const exports = wasmKernel<{ memory: { buffer: ArrayBuffer }; count: (len: number) => number }>(KERNEL_WASM);
  return exports && { memory: new Uint8Array(exports.memory.buffer), count: exports.count };
}

export function countNewlines(chunk: Uint8Array): number {
  if (chunk.length < MIN_KERNEL_BYTES) return countNewlinesSwar(chunk);
  const k = (kernel ??= loadKernel());
  if (k === null) return countNewlinesSwar(chunk);
  let n = 0;
  for (let at = 0; at < chunk.length; at += SLICE) {
    const part = chunk.subarray(at, at + SLICE);
    k.memory.set(part, 0);
    n += k.count(part.length);
  }
  return n;
}

/**
 * Newlines four bytes at a time (SWAR): a byte of `w ^ 0x0a0a0a0a` is zero exactly where the chunk
 * has a newline. A flood is mostly short lines, so anything per line (indexOf on a latin1 copy,
 * Buffer.indexOf) costs 3–4× more than this for `seq 1 10000000`.
 */
export function countNewlinesSwar(chunk: Uint8Array): number {
  let n = 0;
  let i = 0;
  const end = chunk.length;
  // Bytes up to a 4-byte boundary of the underlying buffer, so the words can be read in place.
  while (i < end && (chunk.byteOffset + i) % 4 !== 0) if (chunk[i++] === NL) n++;
  const words = (end - i) >>> 2;
  if (words > 0) {
    const u32 = new Uint32Array(chunk.buffer, chunk.byteOffset + i, words);
    for (let w = 0; w < words; w++) {
      const x = u32[w]! ^ 0x0a0a0a0a;
      // 0x80 in each byte of x that is zero, nothing elsewhere (no carry crosses a byte).
      const zero = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      n += Math.imul(zero >>> 7, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  while (i < end) if (chunk[i++] === NL) n++;
  return n;
}

/**
 * A runbook's text from its bytes, and whether it is plain: none of the characters the fast YAML
 * reader leaves to js-yaml (yaml-fast.ts UNSUPPORTED_TEXT). That is found on the bytes, sixteen at a
 * time in WebAssembly SIMD (text-scan.wat): ~5 ms for a 1,000-runbook library of 22 MB, where the
 * regex over the decoded text took ~50 ms (issue 18). Text that is all ASCII is decoded as latin1:
 * the same characters, copied into a one-byte string, in about half the time of a UTF-8 decode.
 * Without WebAssembly SIMD the text is decoded as before and the reader's regex decides.
 */
import { wasmKernel } from "../util/wasm-kernel.js";

/** text-scan.wat assembled (wabt 1.0.39, SIMD on); the test assembles the .wat again and compares. */
export const TEXT_SCAN_WASM = "AGFzbQEAAAABBgFgAX8BfwMCAQAFAwEAAgYGAX8BQQALBxwDBm1lbW9yeQIACG5vbkFzY2lpAwAEc2NhbgAACrMCAbACAwF/AXsFf0EAJAACQANAIAEgAE8NASAB/QAEACECIAL9DCAgICAgICAgICAgICAgICD9JiAC/QwKCgoKCgoKCgoKCgoKCgoK/SP9TyAC/Qx/f39/f39/f39/f39/f39//Sz9UP1TBEAgASEDIAFBEGohBCAEIABLBEAgACEECwNAIAMtAAAhBSAFQSBJBEAgBUEKRwRAIAMPCwsgBUH/AEYEQCADDwsgBUGAAU8EQEEBJAAgBUHwAU8EQCADDwsgAy0AASEGIAVBwgFGBEAgBkGfAU0EQCADDwsLIAVB7wFGBEAgAy0AAiEHIAZBuwFGIAdBvwFGcQRAIAMPCyAGQb8BRiAHQb4BT3EEQCADDwsLCyADQQFqIQMgAyAESQ0ACwsgAUEQaiEBDAALC0F/Cw==";

interface Kernel {
  memory: { buffer: ArrayBuffer; grow: (pages: number) => number };
  nonAscii: { value: number };
  scan: (len: number) => number;
}

/** What the kernel reads past the text: a whole last block of 16, and two bytes after a lead byte. */
const PAST_END = 32;
const PAGE = 65_536;

let kernel: Kernel | null | undefined;

/**
 * The text of bytes that are valid UTF-8 with no NUL (text-bytes.ts firstBadByte has passed them),
 * and `plain` when the kernel found none of UNSUPPORTED_TEXT's characters in it.
 */
export function runbookText(bytes: Buffer): { text: string; plain: boolean } {
  const k = (kernel ??= wasmKernel<Kernel>(TEXT_SCAN_WASM));
  if (k === null) return { text: bytes.toString("utf8"), plain: false };
  const need = bytes.length + PAST_END;
  const have = k.memory.buffer.byteLength;
  if (have < need) k.memory.grow(Math.ceil((need - have) / PAGE));
  // A view of the memory as it is now: growing it replaces its buffer.
  const memory = new Uint8Array(k.memory.buffer, 0, need);
  memory.set(bytes);
  memory.fill(0, bytes.length);
  const plain = k.scan(bytes.length) === -1;
  // nonAscii is whole only for a scan that went to the end.
  return { text: plain && k.nonAscii.value === 0 ? bytes.toString("latin1") : bytes.toString("utf8"), plain };
}

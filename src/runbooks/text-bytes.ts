/** A runbook is UTF-8 text: the first byte that is not (or a NUL, which no shell argument can hold), located. */
import { isUtf8 } from "node:buffer";

export interface BadByte {
  /** Offset of the byte in the file. */
  offset: number;
  line: number;
  column: number;
  message: string;
}

const hex = (b: number) => `0x${b.toString(16).padStart(2, "0").toUpperCase()}`;

/** The length of the UTF-8 sequence at `i`, or 0 when it is malformed (overlong, surrogate, past U+10FFFF, cut short). */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b < 0x80) return 1;
  const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (length === 0) return 0;
  // The second byte's range rules out overlong forms, surrogates and code points past U+10FFFF.
  const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
  const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
  for (let k = 1; k < length; k++) {
    const c = bytes[i + k];
    if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return 0;
  }
  return length;
}

/** Line and column (in characters, as the YAML positions count them) of a byte offset before which the text is valid. */
function positionOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < offset; i = bytes.indexOf(0x0a, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const column = new TextDecoder().decode(bytes.subarray(lineStart, offset)).length + 1;
  return { line, column };
}

/** The first byte that makes the file not a runbook's text, or undefined when every byte is fine. */
export function firstBadByte(bytes: Uint8Array): BadByte | undefined {
  // Both native: the byte-by-byte walk below only runs for a file that has a bad byte.
  if (isUtf8(bytes) && bytes.indexOf(0) < 0) return undefined;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b === 0) return { offset: i, ...positionOfByte(bytes, i), message: "a NUL byte: a runbook is text" };
    const length = sequenceLength(bytes, i);
    if (length === 0) return { offset: i, ...positionOfByte(bytes, i), message: `byte ${hex(b)} is not UTF-8: a runbook is UTF-8 text` };
    i += length;
  }
  return undefined;
}

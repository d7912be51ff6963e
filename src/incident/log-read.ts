/**
 * Reading an incident file: its events handed on one by one as they are read, with every problem
 * of the file. Apart from log.ts (which appends, and locks with node:crypto) so a report, which
 * only reads, loads none of the writing side.
 */
import { closeSync, fstatSync, readSync } from "node:fs";
import type { IncidentEvent } from "./events.js";
import { IntegrityScanner, type IntegrityIssue } from "./integrity.js";
import { FLAGS, openStoreFile } from "./store-file.js";

export interface ReadResult {
  events: IncidentEvent[];
  /** Lines that did not parse: a crash mid-write leaves one at the end. */
  damaged: Array<{ line: number; text: string }>;
  /** Every gap, duplicate and damaged line, one sentence each ("line 7: seq 5 follows 3 (4 missing)"). */
  issues: IntegrityIssue[];
}

/**
 * Bytes read at a time: the file is checked and handed on as it is read, never held whole. Under
 * V8's large-object size (128 KiB): a chunk's text is then an ordinary young string that dies
 * young, where a 1 MiB one was promoted whole at each collection and filled the old heap with
 * garbage to mark (a 100,000-event report's read and build took about 40 ms less CPU with 64 KiB).
 */
const CHUNK = 1 << 16;

function readText(fd: number, start: number, end: number): string {
  const buf = Buffer.alloc(end - start);
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, start + off);
    if (n === 0) break;
    off += n;
  }
  return buf.toString("utf8", 0, off);
}

/**
 * The incident file's events handed to `onEvent` one by one as they are read, with every problem
 * of the file (integrity.ts): one pass, no line or event kept, so a report of a long incident holds
 * what it shows, not the file. Reads the size the file had when it started (an append meanwhile waits).
 */
function scanFd(fd: number, onEvent: (e: IncidentEvent) => void): Omit<ReadResult, "events"> {
  const size = fstatSync(fd).size;
  // Where each line starts: a repeated seq reads its first line back to tell a duplicate from another event.
  const starts: number[] = [];
  const scan = new IntegrityScanner(onEvent, (i) => readText(fd, starts[i]!, starts[i + 1]! - 1));
  let buf = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK, size)));
  let at = 0; // the file offset of buf[0]
  let held = 0; // bytes at the start of buf: a line not ended yet
  while (at + held < size) {
    if (held === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
    const n = readSync(fd, buf, held, Math.min(buf.length - held, size - at - held), at + held);
    if (n === 0) break;
    const view = buf.subarray(0, held + n);
    const end = view.lastIndexOf(10);
    held = view.length;
    if (end === -1) continue;
    // One decode per chunk, not per line. Where no character took more than a byte, a line's
    // offset in the text is its offset in the file; otherwise the file's newlines say where lines start.
    const text = view.toString("utf8", 0, end);
    const ascii = text.length === end;
    let from = 0;
    let byte = 0;
    for (;;) {
      const nl = text.indexOf("\n", from);
      starts.push(at + (ascii ? from : byte));
      scan.line(text.slice(from, nl === -1 ? text.length : nl));
      if (nl === -1) break;
      from = nl + 1;
      if (!ascii) byte = view.indexOf(10, byte) + 1;
    }
    buf.copyWithin(0, end + 1, view.length);
    at += end + 1;
    held = view.length - end - 1;
  }
  if (held > 0) {
    starts.push(at);
    scan.line(buf.toString("utf8", 0, held));
  }
  scan.end(held === 0);
  return { issues: scan.issues, damaged: scan.damaged };
}

/** Every event of the file open at `fd`, with its problems. */
export function readAll(fd: number): ReadResult {
  const events: IncidentEvent[] = [];
  return { events, ...scanFd(fd, (e) => events.push(e)) };
}

/** Parse an incident file; damage is reported (issues), never fatal. Does not follow a symlink. */
export function readIncidentFile(file: string): ReadResult {
  const fd = openStoreFile(file, FLAGS.read);
  try {
    return readAll(fd);
  } finally {
    closeSync(fd);
  }
}

/** The events of an incident file handed on one by one as they are read, and its problems: nothing is kept. */
export function scanIncidentFile(file: string, onEvent: (e: IncidentEvent) => void): Omit<ReadResult, "events"> {
  const fd = openStoreFile(file, FLAGS.read);
  try {
    return scanFd(fd, onEvent);
  } finally {
    closeSync(fd);
  }
}

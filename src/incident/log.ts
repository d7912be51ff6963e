/**
 * The incident file: JSONL, appended and fsync'ed after every event, so a killed process
 * loses nothing that was shown as done. Never rewritten: an append the disk refuses is cut back
 * to the last good event (no torn line), a crash fragment at the end is fenced off with a
 * newline. A lock (lock.ts) keeps a second handrail out; store files are opened without
 * following symlinks, in a store only the user can write (store-file.ts).
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, readSync } from "node:fs";
import path from "node:path";
import type { IncidentEvent, IncidentEventBody } from "./events.js";
import { IntegrityScanner, lastSeqOf, type IntegrityIssue } from "./integrity.js";
import { acquireLock, releaseLock, type LockHolder } from "./lock.js";
import { checkStoreDir, FLAGS, IncidentFileError, openStoreFile, writeAll, writeFailure } from "./store-file.js";

export { IncidentFileError } from "./store-file.js";
export type { IntegrityIssue } from "./integrity.js";

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
 * garbage to mark (a 100,000-event report spent a fifth less CPU with 64 KiB).
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

function readAll(fd: number): ReadResult {
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

export interface ReopenOptions {
  /** Take the lock even from a holder that looks alive (the operator's call); recorded as lock.forced. */
  forceUnlock?: boolean;
}

const openLogs = new Set<IncidentLog>();
process.once("exit", () => {
  for (const log of openLogs) log.close();
});

export class IncidentLog {
  private fd: number;
  private seq: number;
  private closed = false;
  readonly lockFile: string;
  /** Set when the lock of a dead process was taken over (its pid). */
  readonly takenOverFrom?: number;
  /** Set when --force-unlock took the lock from a holder that did not look dead. */
  readonly forcedFrom?: LockHolder;

  private constructor(
    readonly file: string,
    fd: number,
    lastSeq: number,
    private readonly holder: LockHolder,
    taken: { previous?: LockHolder; forced?: boolean },
  ) {
    this.fd = fd;
    this.seq = lastSeq;
    this.lockFile = `${file}.lock`;
    if (taken.previous && taken.forced) this.forcedFrom = taken.previous;
    else if (taken.previous) this.takenOverFrom = taken.previous.pid;
    openLogs.add(this);
  }

  /** A new incident file; fails (before anything runs) when the directory is not writable or not safe. */
  static create(dir: string, id: string): IncidentLog {
    const file = path.join(dir, `${id}.jsonl`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new IncidentFileError(`cannot create the incident directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
    }
    checkStoreDir(dir);
    const lock = acquireLock(`${file}.lock`, file);
    let fd: number;
    try {
      fd = openStoreFile(file, FLAGS.createAppend);
    } catch (e) {
      releaseLock(`${file}.lock`, lock.holder);
      throw e;
    }
    return new IncidentLog(file, fd, 0, lock.holder, lock.taken);
  }

  /** Reopen an existing incident to append (resume, resolve); returns what it held. */
  static reopen(file: string, opts: ReopenOptions = {}): { log: IncidentLog; read: ReadResult } {
    checkStoreDir(path.dirname(file));
    const lock = acquireLock(`${file}.lock`, file, opts);
    let read: ReadResult;
    let fd: number | undefined;
    try {
      fd = openStoreFile(file, FLAGS.append);
      // Read through the descriptor that will be written: what was checked is what gets appended to.
      read = readAll(fd);
      if (read.events[0]?.type !== "incident.opened") {
        throw new IncidentFileError(`${file} is not an incident file that can be continued: ${read.issues[0]?.message ?? "no incident.opened event first"}`, file);
      }
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      releaseLock(`${file}.lock`, lock.holder);
      throw e;
    }
    const log = new IncidentLog(file, fd, lastSeqOf(read.events), lock.holder, lock.taken);
    // A crash mid-write leaves a fragment without a newline: fence it off so the next event stands on its own line.
    if (!endsWithNewline(fd)) log.writeRaw("\n", "the fence after a torn last line");
    if (lock.taken.forced && lock.taken.previous) {
      const p = lock.taken.previous;
      log.append({ type: "lock.forced", previous: { pid: p.pid, host: p.host, ...(p.start ? { start: p.start } : {}) }, pid: process.pid });
    }
    return { log, read };
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Append one event and flush it to disk before returning; throws IncidentFileError (one line) when the disk refuses. */
  append(body: IncidentEventBody): IncidentEvent {
    if (this.closed) throw new IncidentFileError(`incident file ${this.file} is closed`, this.file);
    const event = { seq: this.seq + 1, ts: new Date().toISOString(), ...body } as IncidentEvent;
    this.writeRaw(`${JSON.stringify(event)}\n`, `event ${event.seq} (${event.type}) was not recorded, the file ends at its last whole event`);
    this.seq = event.seq;
    return event;
  }

  private writeRaw(text: string, lost: string): void {
    const data = Buffer.from(text);
    let before: number | undefined;
    try {
      before = fstatSync(this.fd).size;
      writeAll(this.fd, data);
      fsyncSync(this.fd);
    } catch (e) {
      // A partial write would leave a torn line for the next event to glue onto: cut back to the last whole event.
      let restored = before !== undefined;
      if (before !== undefined) {
        try {
          ftruncateSync(this.fd, before);
          fsyncSync(this.fd);
        } catch {
          restored = false;
        }
      }
      const code = (e as NodeJS.ErrnoException).code;
      throw new IncidentFileError(writeFailure(e, this.file, restored ? lost : `${lost}; the last line may be torn`), this.file, code);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    openLogs.delete(this);
    try {
      closeSync(this.fd);
    } finally {
      releaseLock(this.lockFile, this.holder);
    }
  }
}

function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const buf = Buffer.alloc(1);
  readSync(fd, buf, 0, 1, size - 1);
  return buf[0] === 0x0a;
}

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
import { lastSeqOf } from "./integrity.js";
import { acquireLock, releaseLock, type LockHolder } from "./lock.js";
import { readAll, type ReadResult } from "./log-read.js";
import { checkStoreDir, FLAGS, IncidentFileError, openStoreFile, writeAll, writeFailure } from "./store-file.js";

export { IncidentFileError } from "./store-file.js";
export type { IntegrityIssue } from "./integrity.js";
export { readIncidentFile, scanIncidentFile, type ReadResult } from "./log-read.js";

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
      throw new IncidentFileError(`cannot create the incident directory ${dir}: ${whyNoDir(e)}; choose another with --incidents DIR (or HANDRAIL_INCIDENTS)`, file);
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

/** Why the incident directory could not be made, in words, with the errno code. */
function whyNoDir(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EEXIST: "a file of that name is in the way",
    ENOTDIR: "part of the path is a file",
    EACCES: "permission denied",
    EPERM: "permission denied",
    EROFS: "the file system is read-only",
    ENOSPC: "the disk is full",
  };
  return code === undefined ? (e as Error).message : `${words[code] ?? "the system refused"} (${code})`;
}

/**
 * The incident file: JSONL, appended and fsync'ed after every event, so a killed process
 * loses nothing that was shown as done. Never truncated or rewritten; a lock keeps a second
 * handrail out; a crash fragment at the end is fenced off with a newline, never cut away.
 */
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import type { IncidentEvent, IncidentEventBody } from "./events.js";

export class IncidentFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = "IncidentFileError";
  }
}

export interface ReadResult {
  events: IncidentEvent[];
  /** Lines that did not parse: a crash mid-write leaves one at the end. */
  damaged: Array<{ line: number; text: string }>;
}

/** Parse an incident file; a damaged line is reported, never fatal. */
export function readIncidentFile(file: string): ReadResult {
  const text = readFileSync(file, "utf8");
  const events: IncidentEvent[] = [];
  const damaged: ReadResult["damaged"] = [];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    if (raw === "") return;
    try {
      const e = JSON.parse(raw) as IncidentEvent;
      if (typeof e.seq !== "number" || typeof e.type !== "string") throw new Error("not an event");
      events.push(e);
    } catch {
      damaged.push({ line: i + 1, text: raw.length > 80 ? `${raw.slice(0, 77)}...` : raw });
    }
  });
  return { events, damaged };
}

interface LockInfo {
  pid: number;
  host: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Take the lock beside the incident file; a lock left by a dead process is taken over. */
function acquireLock(lockFile: string, incidentFile: string): { takenOverFrom?: number } {
  const me: LockInfo = { pid: process.pid, host: hostname() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, JSON.stringify(me), { flag: "wx", mode: 0o600 });
      return {};
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new IncidentFileError(`cannot lock ${incidentFile}: ${(e as Error).message}`, incidentFile);
    }
    let holder: LockInfo | undefined;
    try {
      holder = JSON.parse(readFileSync(lockFile, "utf8")) as LockInfo;
    } catch {
      holder = undefined;
    }
    if (holder && holder.host === me.host && holder.pid !== process.pid && alive(holder.pid)) {
      throw new IncidentFileError(`incident ${path.basename(incidentFile, ".jsonl")} is open in another handrail (pid ${holder.pid}); close it there first`, incidentFile);
    }
    if (holder && holder.host !== me.host) {
      throw new IncidentFileError(`incident ${path.basename(incidentFile, ".jsonl")} is locked by handrail on ${holder.host} (pid ${holder.pid})`, incidentFile);
    }
    // Stale: the holder is gone. Replace the lock with ours and say so.
    writeFileSync(lockFile, JSON.stringify(me), { mode: 0o600 });
    return holder ? { takenOverFrom: holder.pid } : {};
  }
  return {};
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
  /** Set when the lock of a dead process was taken over. */
  readonly takenOverFrom?: number;

  private constructor(
    readonly file: string,
    fd: number,
    lastSeq: number,
    lock: { takenOverFrom?: number },
  ) {
    this.fd = fd;
    this.seq = lastSeq;
    this.lockFile = `${file}.lock`;
    if (lock.takenOverFrom !== undefined) this.takenOverFrom = lock.takenOverFrom;
    openLogs.add(this);
  }

  /** A new incident file; fails (before anything runs) when the directory is not writable. */
  static create(dir: string, id: string): IncidentLog {
    const file = path.join(dir, `${id}.jsonl`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new IncidentFileError(`cannot create the incident directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
    }
    const lock = acquireLock(`${file}.lock`, file);
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o600);
    } catch (e) {
      unlinkQuiet(`${file}.lock`);
      throw new IncidentFileError(`cannot create ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
    }
    return new IncidentLog(file, fd, 0, lock);
  }

  /** Reopen an existing incident to append (resume); returns what it held. */
  static reopen(file: string): { log: IncidentLog; read: ReadResult } {
    const lock = acquireLock(`${file}.lock`, file);
    let read: ReadResult;
    let fd: number;
    try {
      read = readIncidentFile(file);
      fd = openSync(file, "a+");
    } catch (e) {
      unlinkQuiet(`${file}.lock`);
      throw new IncidentFileError(`cannot open ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
    }
    const log = new IncidentLog(file, fd, read.events.at(-1)?.seq ?? 0, lock);
    // A crash mid-write leaves a fragment without a newline: fence it off so the next event stands on its own line.
    if (!endsWithNewline(fd)) log.writeRaw("\n");
    return { log, read };
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Append one event and flush it to disk before returning; throws IncidentFileError when the disk refuses. */
  append(body: IncidentEventBody): IncidentEvent {
    if (this.closed) throw new IncidentFileError(`incident file ${this.file} is closed`, this.file);
    const event = { seq: this.seq + 1, ts: new Date().toISOString(), ...body } as IncidentEvent;
    this.writeRaw(`${JSON.stringify(event)}\n`);
    this.seq = event.seq;
    return event;
  }

  private writeRaw(text: string): void {
    const data = Buffer.from(text);
    try {
      let off = 0;
      while (off < data.length) off += writeSync(this.fd, data, off);
      fsyncSync(this.fd);
    } catch (e) {
      throw new IncidentFileError(`cannot write the incident file ${this.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, this.file);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    openLogs.delete(this);
    try {
      closeSync(this.fd);
    } finally {
      unlinkQuiet(this.lockFile);
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

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

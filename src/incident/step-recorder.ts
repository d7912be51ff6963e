/**
 * A running step's output into the incident: small output as batched `step.output` events,
 * large output (or a flood whose lines were not all shown) streamed raw to a file beside the
 * JSONL, hashed as it goes, flushed before `step.finished` names it. A write the disk refuses
 * stops the recording (what was written stays) and is thrown from finish() as one line.
 *
 * The file is written in the background, in order, each chunk at its own offset: the kernel's copy
 * (and its waits when dirty pages pile up) happens on libuv's thread while this one hashes and
 * counts the next chunk. finish() waits for every write before the fsync.
 */
import { createHash, type Hash } from "node:crypto";
import { closeSync, fdatasync, fsyncSync, writeSync, writev } from "node:fs";
import path from "node:path";
import type { StepEvent, Stream } from "../executors/types.js";
import type { StepOutputFile } from "./events.js";
import type { EventSink } from "./store/types.js";
import type { Redactor } from "./redact.js";
import { ensurePrivateSubdir, FLAGS, IncidentFileError, openStoreFile, writeFailure } from "./store-file.js";

/** Output up to this size stays in the JSONL as step.output events. */
export const INLINE_BYTES = 64 * 1024;
export const INLINE_LINES = 500;
/**
 * Output written since the kernel was last asked to write it out: past this, it is asked again in
 * the background while the step runs, so the fsync before step.finished has little left to do (a
 * 78 MB flood's fsync took ~105 ms at the end; issue 18).
 */
const WRITEBACK_BYTES = 8 * 1024 * 1024;
/**
 * Output waiting for the background write in flight: past this, emit() writes it in place at its
 * offset instead (a disk slower than the step must not fill memory; the step then waits for the
 * disk, as it did when every write was synchronous).
 */
export const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

export function outputDirOf(incidentFile: string): string {
  return incidentFile.replace(/\.jsonl$/, "") + ".output";
}

export class StepRecorder {
  private pending: Buffer[] = [];
  private bytes = 0;
  private fileBytes = 0;
  private inlineLines = 0;
  private fd: number | undefined;
  private hash: Hash | undefined;
  private fileName: string;
  private carry: Record<Stream, Buffer[]> = { stdout: [], stderr: [] };
  private fileRedactor: Redactor | undefined;
  private failed: IncidentFileError | undefined;
  private readonly redactor: Redactor;
  private unsynced = 0;
  /** A background fdatasync is in flight: the fd is closed only after it and the writes (closeWhenIdle). */
  private syncing = false;
  private closeWhenIdle = false;
  /** Output to write, each chunk with its offset, waiting for the background write in flight. */
  private queue: Array<{ at: number; bytes: Buffer }> = [];
  private queuedBytes = 0;
  /** The background write in flight: its chunks from its offset, and whether they were written again in place since (the queue was full). */
  private inFlight: { at: number; chunks: Buffer[]; rewritten: boolean } | undefined;
  private readonly whenIdle: Array<() => void> = [];

  constructor(
    private readonly log: EventSink,
    private readonly step: string,
    attempt: number,
    base: Redactor,
    private readonly maxQueuedBytes = MAX_QUEUED_BYTES,
  ) {
    // This step's lines get a redactor of their own: a key block one step leaves open never masks the next step's output.
    this.redactor = base.stream();
    this.fileName = `${step.replace(/[^A-Za-z0-9._[\]-]/g, "_")}.${attempt}.log`;
  }

  /** The write that failed, once one has: nothing more of this step is recorded. */
  get failure(): IncidentFileError | undefined {
    return this.failed;
  }

  /**
   * Feed one executor event; returns the redacted lines for display (output events only).
   * Never throws: it runs inside the executor's stream callbacks, where a throw would crash the process.
   */
  onEvent(e: StepEvent): string[] | undefined {
    if (this.failed) return e.type === "output" ? this.redactor.lines(e.lines) : undefined;
    try {
      return this.record(e);
    } catch (err) {
      this.fail(err);
      return e.type === "output" ? this.redactor.lines(e.lines) : undefined;
    }
  }

  private fail(err: unknown): void {
    const file = this.fd !== undefined ? this.outputFile() : this.log.file;
    this.failed = err instanceof IncidentFileError ? err : new IncidentFileError(writeFailure(err, file, `the output of ${this.step} was cut short (what was written is kept)`), file, (err as NodeJS.ErrnoException).code);
    if (this.fd !== undefined) {
      this.release(this.fd);
      this.fd = undefined;
    }
  }

  /** Close now, or once the background writes and write-out in flight are done with the descriptor (a closed number can be reused by another file). */
  private release(fd: number): void {
    if (this.busy()) this.closeWhenIdle = true;
    else closeQuiet(fd);
  }

  private busy(): boolean {
    return this.syncing || this.inFlight !== undefined;
  }

  /** Something in the background finished: close the descriptor if asked, and wake finish(). */
  private settled(fd: number): void {
    if (this.busy()) return;
    if (this.closeWhenIdle) {
      this.closeWhenIdle = false;
      closeQuiet(fd);
    }
    for (const wake of this.whenIdle.splice(0)) wake();
  }

  /** Every background write done (or given up after a failure). */
  private idle(): Promise<void> {
    return this.inFlight === undefined && (this.failed !== undefined || this.queue.length === 0) ? Promise.resolve() : new Promise((wake) => this.whenIdle.push(wake));
  }

  /** Ask the kernel to write out what is written so far, without waiting; finish() still fsyncs. */
  private writeback(): void {
    if (this.fd === undefined || this.syncing || this.unsynced < WRITEBACK_BYTES) return;
    const fd = this.fd;
    this.syncing = true;
    this.unsynced = 0;
    // An error here is finish()'s fsync's to report: it covers the same bytes.
    fdatasync(fd, () => {
      this.syncing = false;
      this.settled(fd);
    });
  }

  private outputFile(): string {
    return path.join(outputDirOf(this.log.file), this.fileName);
  }

  private record(e: StepEvent): string[] | undefined {
    if (e.type === "data") {
      this.data(e.stream, e.chunk);
      return undefined;
    }
    if (e.type !== "output") return undefined;
    // A flood skipped lines on the way: the JSONL can no longer hold them all, the file must.
    if (e.skipped) this.toFile();
    const lines = this.redactor.lines(e.lines);
    if (this.fd === undefined) {
      this.inlineLines += lines.length;
      if (this.inlineLines > INLINE_LINES) this.toFile();
      else if (lines.length > 0) this.log.append({ type: "step.output", step: this.step, stream: e.stream, lines });
    }
    return lines;
  }

  private data(stream: Stream, chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.fd !== undefined) this.write(stream, chunk);
    else {
      this.pending.push(chunk);
      if (this.bytes > INLINE_BYTES) this.toFile();
    }
  }

  private toFile(): void {
    if (this.fd !== undefined) return;
    ensurePrivateSubdir(outputDirOf(this.log.file));
    // Exclusive and without following a symlink: a file planted under this name is never written through.
    this.fd = openStoreFile(this.outputFile(), FLAGS.createWrite);
    this.hash = createHash("sha256");
    const pending = this.pending;
    this.pending = [];
    // Streams are interleaved in arrival order in the file; pending chunks lost their stream, which only matters for redaction carry.
    for (const chunk of pending) this.write("stdout", chunk);
  }

  /** Redact complete lines; keep a partial line until its end arrives. */
  private write(stream: Stream, chunk: Buffer): void {
    const end = chunk.lastIndexOf(0x0a);
    const carry = this.carry[stream];
    if (end === -1) {
      carry.push(chunk);
      // A "line" past 1 MiB is written as it is rather than held.
      if (carry.reduce((n, b) => n + b.length, 0) >= 1 << 20) this.emit(Buffer.concat(carry.splice(0)));
      return;
    }
    const head = chunk.subarray(0, end + 1);
    this.emit(carry.length > 0 ? Buffer.concat([...carry.splice(0), head]) : head);
    if (end + 1 < chunk.length) carry.push(chunk.subarray(end + 1));
  }

  private emit(bytes: Buffer): void {
    let out = bytes;
    // One redaction stream for the file, so a key block whose body comes in a later chunk than its BEGIN stays masked.
    const redact = (this.fileRedactor ??= this.redactor.stream());
    // latin1 keeps bytes 1:1 and is cheap; decode to UTF-8 only when a mask may apply.
    if (redact.mayApply(bytes.toString("latin1"))) {
      const utf8 = bytes.toString("utf8");
      const clean = redact.chunk(utf8);
      if (clean !== utf8) out = Buffer.from(clean, "utf8");
    }
    this.hash!.update(out);
    const at = this.fileBytes;
    this.fileBytes += out.length;
    this.unsynced += out.length;
    if (this.inFlight && this.queuedBytes + out.length > this.maxQueuedBytes) this.writeInPlace(out, at);
    else {
      this.queue.push({ at, bytes: out });
      this.queuedBytes += out.length;
      if (!this.inFlight) this.writeQueued();
    }
    this.writeback();
  }

  /** The queue, from its offset, in background writes until all of it is written; the next starts when it completes. */
  private writeQueued(): void {
    const fd = this.fd!;
    const batch = this.queue.splice(0);
    this.queuedBytes = 0;
    const flight = { at: batch[0]!.at, chunks: batch.map((c) => c.bytes), rewritten: false };
    this.inFlight = flight;
    // The chunks themselves, not a copy of them joined: a flood is tens of megabytes.
    const rest = [...flight.chunks];
    let at = flight.at;
    let left = rest.reduce((n, b) => n + b.length, 0);
    const done = (err: NodeJS.ErrnoException | null) => {
      this.inFlight = undefined;
      // A range written again in place has its bytes on disk whatever became of this write.
      if (err && !flight.rewritten && !this.failed) this.fail(err);
      if (this.failed) {
        this.queue = [];
        this.queuedBytes = 0;
      } else if (this.queue.length > 0) {
        this.writeQueued();
        return;
      }
      this.settled(fd);
    };
    const next = () =>
      writev(fd, rest, at, (err, written) => {
        if (err) return done(err);
        if (written === 0) return done(Object.assign(new Error("the disk took none of the bytes"), { code: "EIO" }));
        at += written;
        left -= written;
        // A short write: the rest of the range, before anything queued after it.
        for (let n = written; n > 0; ) {
          const first = rest[0]!;
          if (first.length <= n) {
            n -= first.length;
            rest.shift();
          } else {
            rest[0] = first.subarray(n);
            n = 0;
          }
        }
        if (left > 0) next();
        else done(null);
      });
    next();
  }

  /**
   * The queue is full (the disk is slower than the step): written now, in place, and the step waits
   * for the disk as it would without the queue. The range in flight is written again first (the same
   * bytes at the same offsets), so the file is always a prefix of the output, never one with a hole,
   * whichever write fails.
   */
  private writeInPlace(out: Buffer, at: number): void {
    const fd = this.fd!;
    const flight = this.inFlight!;
    const chunks = this.queue.splice(0);
    chunks.push({ at, bytes: out });
    this.queuedBytes = 0;
    if (!flight.rewritten) {
      writeAllSync(fd, flight.chunks, flight.at);
      flight.rewritten = true;
    }
    writeAllSync(
      fd,
      chunks.map((c) => c.bytes),
      chunks[0]!.at,
    );
  }

  /** Write out, flush and close; the file reference for step.finished, when the output went to a file. `lines` comes from the executor, which counted them already. */
  async finish(lines: number): Promise<StepOutputFile | undefined> {
    if (!this.failed && this.fd !== undefined) {
      try {
        for (const stream of ["stdout", "stderr"] as const) {
          if (this.carry[stream].length > 0) this.emit(Buffer.concat(this.carry[stream].splice(0)));
        }
      } catch (err) {
        this.fail(err);
      }
    }
    await this.idle();
    if (!this.failed && this.fd !== undefined) {
      try {
        fsyncSync(this.fd);
      } catch (err) {
        this.fail(err);
      }
    }
    // The step is left without step.finished: a resume offers it again.
    if (this.failed) throw this.failed;
    if (this.fd === undefined) return undefined;
    if (this.syncing) this.closeWhenIdle = true;
    else closeSync(this.fd);
    this.fd = undefined;
    return { path: path.join(path.basename(outputDirOf(this.log.file)), this.fileName), bytes: this.fileBytes, lines, sha256: this.hash!.digest("hex") };
  }
}

/** Chunks one after another from `at`, each whole. */
function writeAllSync(fd: number, chunks: readonly Buffer[], at: number): void {
  let pos = at;
  for (const c of chunks) {
    let off = 0;
    while (off < c.length) off += writeSync(fd, c, off, c.length - off, pos + off);
    pos += c.length;
  }
}

function closeQuiet(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Closing after a failed write can fail the same way; the descriptor is released regardless.
  }
}

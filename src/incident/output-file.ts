/**
 * A step's output file, written in the background, in order, each chunk at its own offset: the
 * kernel's copy (and its waits when dirty pages pile up) happens on libuv's thread while the
 * recorder hashes and counts the next chunk. Whichever write fails, the file is a prefix of what
 * was handed to it, never one with a hole. The descriptor is closed only once nothing in the
 * background uses it (a closed number can be reused by another file).
 */
import { closeSync, fdatasync, fsyncSync, writeSync, writev } from "node:fs";

/**
 * Output written since the kernel was last asked to write it out: past this, it is asked again in
 * the background while the step runs, so the fsync before step.finished has little left to do (a
 * 78 MB flood's fsync took ~105 ms at the end; issue 18).
 */
const WRITEBACK_BYTES = 8 * 1024 * 1024;
/**
 * Output waiting for the background write in flight: past this, write() writes it in place at its
 * offset instead (a disk slower than the step must not fill memory; the step then waits for the
 * disk, as it did when every write was synchronous).
 */
export const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

export class OutputFile {
  /** Bytes handed to write() so far: the offset of the next. */
  private end = 0;
  private unsynced = 0;
  /** A background fdatasync is in flight. */
  private syncing = false;
  private closeWhenIdle = false;
  /** After a failure: nothing more is written, what waits is dropped. */
  private stopped = false;
  /** Output to write, each chunk with its offset, waiting for the background write in flight. */
  private queue: Array<{ at: number; bytes: Buffer }> = [];
  private queuedBytes = 0;
  /** The background write in flight: its chunks from its offset, and whether they were written again in place since (the queue was full). */
  private inFlight: { at: number; chunks: Buffer[]; rewritten: boolean } | undefined;
  private readonly whenIdle: Array<() => void> = [];

  /** `onError`: a background write failed (a write in place throws from write() instead). */
  constructor(
    private readonly fd: number,
    private readonly onError: (err: NodeJS.ErrnoException) => void,
    private readonly maxQueuedBytes = MAX_QUEUED_BYTES,
  ) {}

  get size(): number {
    return this.end;
  }

  write(bytes: Buffer): void {
    const at = this.end;
    this.end += bytes.length;
    this.unsynced += bytes.length;
    if (this.inFlight && this.queuedBytes + bytes.length > this.maxQueuedBytes) this.writeInPlace(bytes, at);
    else {
      this.queue.push({ at, bytes });
      this.queuedBytes += bytes.length;
      if (!this.inFlight) this.writeQueued();
    }
    this.writeback();
  }

  /** Every background write done, or given up after a failure. */
  drained(): Promise<void> {
    return this.inFlight === undefined && (this.stopped || this.queue.length === 0) ? Promise.resolve() : new Promise((wake) => this.whenIdle.push(wake));
  }

  /** Flush to disk (throws what the disk says) and close once the background write-out is done with the descriptor. Only once drained. */
  syncAndClose(): void {
    fsyncSync(this.fd);
    this.release();
  }

  /** After a failure: drop what waits, close once nothing in the background uses the descriptor. */
  abandon(): void {
    this.stopped = true;
    this.queue = [];
    this.queuedBytes = 0;
    this.release();
  }

  private release(): void {
    if (this.busy()) this.closeWhenIdle = true;
    else closeQuiet(this.fd);
  }

  private busy(): boolean {
    return this.syncing || this.inFlight !== undefined;
  }

  /** Something in the background finished: close the descriptor if asked, and wake whoever waits for the writes. */
  private settled(): void {
    if (this.busy()) return;
    if (this.closeWhenIdle) {
      this.closeWhenIdle = false;
      closeQuiet(this.fd);
    }
    for (const wake of this.whenIdle.splice(0)) wake();
  }

  /** Ask the kernel to write out what is written so far, without waiting; syncAndClose() still fsyncs. */
  private writeback(): void {
    if (this.stopped || this.syncing || this.unsynced < WRITEBACK_BYTES) return;
    this.syncing = true;
    this.unsynced = 0;
    // An error here is the final fsync's to report: it covers the same bytes.
    fdatasync(this.fd, () => {
      this.syncing = false;
      this.settled();
    });
  }

  /** The queue, from its offset, in background writes until all of it is written; the next starts when it completes. */
  private writeQueued(): void {
    const fd = this.fd;
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
      if (err && !flight.rewritten && !this.stopped) this.onError(err);
      if (!this.stopped && this.queue.length > 0) {
        this.writeQueued();
        return;
      }
      this.settled();
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
  private writeInPlace(bytes: Buffer, at: number): void {
    const flight = this.inFlight!;
    const chunks = this.queue.splice(0);
    chunks.push({ at, bytes });
    this.queuedBytes = 0;
    if (!flight.rewritten) {
      writeAllSync(this.fd, flight.chunks, flight.at);
      flight.rewritten = true;
    }
    writeAllSync(
      this.fd,
      chunks.map((c) => c.bytes),
      chunks[0]!.at,
    );
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

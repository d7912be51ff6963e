/**
 * A running step's output into the incident: small output as batched `step.output` events,
 * large output (or a flood whose lines were not all shown) streamed raw to a file beside the
 * JSONL (output-file.ts writes it in the background), masked and hashed as it goes, flushed
 * before `step.finished` names it. A write the disk refuses stops the recording (what was written
 * stays) and is thrown from finish() as one line.
 */
import { createHash, type Hash } from "node:crypto";
import path from "node:path";
import type { StepEvent, Stream } from "../executors/types.js";
import type { StepOutputFile } from "./events.js";
import { MAX_QUEUED_BYTES, OutputFile } from "./output-file.js";
import type { EventSink } from "./store/types.js";
import type { Redactor } from "./redact.js";
import { ensurePrivateSubdir, FLAGS, IncidentFileError, openStoreFile, writeFailure } from "./store-file.js";

/** Output up to this size stays in the JSONL as step.output events. */
export const INLINE_BYTES = 64 * 1024;
export const INLINE_LINES = 500;

export function outputDirOf(incidentFile: string): string {
  return incidentFile.replace(/\.jsonl$/, "") + ".output";
}

export class StepRecorder {
  private pending: Buffer[] = [];
  private bytes = 0;
  private inlineLines = 0;
  /** The output file, once the output outgrew the JSONL (kept after a failure: finish() waits for its writes). */
  private file: OutputFile | undefined;
  private hash: Hash | undefined;
  private fileName: string;
  private carry: Record<Stream, Buffer[]> = { stdout: [], stderr: [] };
  private fileRedactor: Redactor | undefined;
  private failed: IncidentFileError | undefined;
  private readonly redactor: Redactor;

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
    const file = this.file !== undefined ? this.outputFile() : this.log.file;
    this.failed = err instanceof IncidentFileError ? err : new IncidentFileError(writeFailure(err, file, `the output of ${this.step} was cut short (what was written is kept)`), file, (err as NodeJS.ErrnoException).code);
    this.file?.abandon();
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
    if (this.file === undefined) {
      this.inlineLines += lines.length;
      if (this.inlineLines > INLINE_LINES) this.toFile();
      else if (lines.length > 0) this.log.append({ type: "step.output", step: this.step, stream: e.stream, lines });
    }
    return lines;
  }

  private data(stream: Stream, chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.file !== undefined) this.write(stream, chunk);
    else {
      this.pending.push(chunk);
      if (this.bytes > INLINE_BYTES) this.toFile();
    }
  }

  private toFile(): void {
    if (this.file !== undefined) return;
    ensurePrivateSubdir(outputDirOf(this.log.file));
    // Exclusive and without following a symlink: a file planted under this name is never written through.
    this.file = new OutputFile(openStoreFile(this.outputFile(), FLAGS.createWrite), (err) => this.fail(err), this.maxQueuedBytes);
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
    this.file!.write(out);
  }

  /** Write out, flush and close; the file reference for step.finished, when the output went to a file. `lines` comes from the executor, which counted them already. */
  async finish(lines: number): Promise<StepOutputFile | undefined> {
    const file = this.file;
    if (!this.failed && file) {
      try {
        for (const stream of ["stdout", "stderr"] as const) {
          if (this.carry[stream].length > 0) this.emit(Buffer.concat(this.carry[stream].splice(0)));
        }
      } catch (err) {
        this.fail(err);
      }
    }
    await file?.drained();
    if (!this.failed && file) {
      try {
        file.syncAndClose();
      } catch (err) {
        this.fail(err);
      }
    }
    // The step is left without step.finished: a resume offers it again.
    if (this.failed) throw this.failed;
    if (!file) return undefined;
    return { path: path.join(path.basename(outputDirOf(this.log.file)), this.fileName), bytes: file.size, lines, sha256: this.hash!.digest("hex") };
  }
}

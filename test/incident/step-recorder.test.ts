/**
 * A step's output file, written in the background: whatever the chunk sizes and however full the
 * queue, the file holds every byte in order (secrets masked), its sha256 and size are the file's,
 * and finish() returns only once all of it is written.
 */
import { execa } from "execa";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent, IncidentEventBody } from "../../src/incident/events.js";
import { Redactor } from "../../src/incident/redact.js";
import { StepRecorder } from "../../src/incident/step-recorder.js";

const dir = mkdtempSync(path.join(tmpdir(), "handrail-recorder-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sink that keeps the events in memory, beside a file name the output directory is made from. */
function sink(name: string, under = dir) {
  const events: IncidentEvent[] = [];
  return {
    events,
    file: path.join(under, `${name}.jsonl`),
    append(body: IncidentEventBody): IncidentEvent {
      const e = { ...body, seq: events.length + 1, ts: new Date().toISOString() } as IncidentEvent;
      events.push(e);
      return e;
    },
  };
}

/** `lines` lines of output in chunks of sizes cut at odd places (not at line ends), one a secret. */
function chunksOf(lines: number, secret: string): { chunks: Buffer[]; text: string } {
  const text = Array.from({ length: lines }, (_, i) => (i === 777 ? `token: ${secret}` : `line ${i} of the flood, padded a little`)).join("\n") + "\n";
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = [65536, 17, 4096, 1, 30000, 123457][k % 6]!;
    chunks.push(Buffer.from(bytes.subarray(at, at + size)));
    at += size;
  }
  return { chunks, text };
}

async function record(name: string, maxQueued: number | undefined, lines: number, log = sink(name)) {
  const secret = "s3cr3t-v4lue-42";
  const recorder = new StepRecorder(log, "flood", 1, new Redactor([secret]), maxQueued);
  const { chunks, text } = chunksOf(lines, secret);
  // As the executor hands them on: every chunk in one go, so writes queue up behind the one in flight.
  for (const chunk of chunks) recorder.onEvent({ type: "data", stream: "stdout", chunk });
  recorder.onEvent({ type: "output", stream: "stdout", lines: ["…"], skipped: lines });
  const out = await recorder.finish(lines);
  const expected = text.replace(secret, "••••••");
  return { out, expected, written: readFileSync(path.join(path.dirname(log.file), `${name}.output`, "flood.1.log"), "utf8"), log };
}

describe("a step's output file", () => {
  it("holds every byte in order, masked, with the size and sha256 of what is on disk", async () => {
    const { out, expected, written } = await record("queued", undefined, 200_000);
    expect(written.length).toBe(expected.length);
    expect(written === expected).toBe(true);
    expect(written).not.toContain("s3cr3t");
    expect(out).toMatchObject({ bytes: Buffer.byteLength(expected), lines: 200_000, sha256: createHash("sha256").update(written).digest("hex") });
  });

  it("is the same when every chunk finds the queue full and is written in place behind the write in flight", async () => {
    const { out, expected, written } = await record("ahead", 1, 200_000);
    expect(written === expected).toBe(true);
    expect(out?.sha256).toBe(createHash("sha256").update(written).digest("hex"));
  });

  it("masks a secret with characters beyond ASCII: the file's bytes are scanned for its UTF-8 bytes", async () => {
    // Once let through: the scan read the bytes as latin1 and looked for the secret's characters, which are not there.
    for (const secret of ["pässwörd-ünï", "密码-value-9", "emoji-🔑-key"]) {
      const log = sink(`utf8-${Buffer.from(secret).toString("hex").slice(0, 12)}`);
      const recorder = new StepRecorder(log, "flood", 1, new Redactor([secret]));
      const text = Array.from({ length: 5_000 }, (_, i) => (i === 4_000 ? `connecting with ${secret} now` : `line ${i} of the flood, padded a little`)).join("\n") + "\n";
      recorder.onEvent({ type: "data", stream: "stdout", chunk: Buffer.from(text) });
      recorder.onEvent({ type: "output", stream: "stdout", lines: ["…"], skipped: 5_000 });
      const out = await recorder.finish(5_000);
      const written = readFileSync(path.join(path.dirname(log.file), `${path.basename(log.file, ".jsonl")}.output`, "flood.1.log"), "utf8");
      expect(out?.bytes, secret).toBeGreaterThan(64 * 1024);
      expect(written, secret).not.toContain(secret);
      expect(written === text.replace(secret, "••••••"), secret).toBe(true);
    }
  });

  it("on a disk that fills up: finish() throws, and the file is a prefix of the output, never one with a hole", async (ctx) => {
    const store = path.join(dir, "tiny");
    mkdirSync(store);
    if ((await execa("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", store], { reject: false })).exitCode !== 0) ctx.skip("mount -t tmpfs is not allowed here");
    onTestFinished(async () => {
      await execa("umount", [store]);
    });
    for (const maxQueued of [1, undefined]) {
      const name = `full-${maxQueued ?? "default"}`;
      const log = sink(name, store);
      const failure = await record(name, maxQueued, 200_000, log).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(failure?.message, name).toMatch(/ENOSPC|full/);
      const written = readFileSync(path.join(store, `${name}.output`, "flood.1.log"), "utf8");
      const { text } = chunksOf(200_000, "s3cr3t-v4lue-42");
      expect(written.length, name).toBeGreaterThan(0);
      expect(written === text.replace("s3cr3t-v4lue-42", "••••••").slice(0, written.length), name).toBe(true);
      rmSync(path.join(store, `${name}.output`), { recursive: true });
    }
  });
});

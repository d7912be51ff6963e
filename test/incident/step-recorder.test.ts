/**
 * A step's output file, written in the background: whatever the chunk sizes and however full the
 * queue, the file holds every byte in order (secrets masked), its sha256 and size are the file's,
 * and finish() returns only once all of it is written.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { IncidentEvent, IncidentEventBody } from "../../src/incident/events.js";
import { Redactor } from "../../src/incident/redact.js";
import { StepRecorder } from "../../src/incident/step-recorder.js";

const dir = mkdtempSync(path.join(tmpdir(), "handrail-recorder-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sink that keeps the events in memory, beside a file name the output directory is made from. */
function sink(name: string) {
  const events: IncidentEvent[] = [];
  return {
    events,
    file: path.join(dir, `${name}.jsonl`),
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

async function record(name: string, maxQueued: number | undefined, lines: number) {
  const secret = "s3cr3t-v4lue-42";
  const log = sink(name);
  const recorder = new StepRecorder(log, "flood", 1, new Redactor([secret]), maxQueued);
  const { chunks, text } = chunksOf(lines, secret);
  // As the executor hands them on: every chunk in one go, so writes queue up behind the one in flight.
  for (const chunk of chunks) recorder.onEvent({ type: "data", stream: "stdout", chunk });
  recorder.onEvent({ type: "output", stream: "stdout", lines: ["…"], skipped: lines });
  const out = await recorder.finish(lines);
  const expected = text.replace(secret, "••••••");
  return { out, expected, written: readFileSync(path.join(dir, `${name}.output`, "flood.1.log"), "utf8"), log };
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
});

/**
 * The incident file read as a stream (1 MB at a time) says exactly what the whole text parsed at
 * once says: lines across chunk boundaries, a line longer than a chunk, a character split between
 * two reads, duplicates told from repeats by reading the first line back.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseIncidentText } from "../../src/incident/integrity.js";
import { readIncidentFile, scanIncidentFile } from "../../src/incident/log.js";

const dir = mkdtempSync(path.join(tmpdir(), "handrail-scan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ev = (seq: number, type = "note.added", text = "") => JSON.stringify({ seq, ts: "2026-11-24T03:00:00Z", type, ...(text ? { text } : {}) });
const opened = ev(1, "incident.opened");

function both(name: string, text: string) {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return { streamed: readIncidentFile(file), whole: parseIncidentText(readFileSync(file, "utf8")), file };
}

describe("an incident file read as a stream", () => {
  it("a 3 MB file of lines across chunk boundaries, a 1.5 MB line and a multi-byte character across a boundary: the same events and no issue", () => {
    const lines = [opened];
    // "é" is two bytes: with 1 MB reads one of them falls on a boundary.
    for (let seq = 2; seq < 4000; seq++) lines.push(ev(seq, "note.added", `${"é".repeat(seq % 300)} note ${seq}`));
    lines.push(ev(4000, "note.added", "x".repeat(1_500_000)));
    lines.push(ev(4001, "note.added", "after the long line ✓"));
    const { streamed, whole } = both("big.jsonl", `${lines.join("\n")}\n`);
    expect(whole.issues).toEqual([]);
    expect(streamed).toEqual(whole);
    expect(streamed.events).toHaveLength(4001);
    expect(streamed.events.at(-1)).toMatchObject({ seq: 4001, text: "after the long line ✓" });
  });

  it("every kind of damage, after a megabyte, names the same lines (a duplicate read back from its first line, a repeat kept, a fence, a torn end)", () => {
    const filler = Array.from({ length: 3000 }, (_, i) => ev(i + 2, "note.added", `é${"y".repeat(400)}`));
    const n = filler.length + 1;
    const lines = [opened, ...filler, ev(n + 1), ev(n + 1), ev(n + 2), ev(n + 2, "step.started"), "", "garbage", ev(n + 4), '{"seq":99,"ts":"20', ev(n + 5, "incident.resumed"), ev(3, "note.added", "again")];
    const { streamed, whole } = both("damaged.jsonl", `${lines.join("\n")}\n{"seq":${n + 6},"ts`);
    expect(streamed).toEqual(whole);
    expect(streamed.issues.map((i) => i.kind)).toEqual(["duplicate", "repeat", "blank", "not-json", "gap", "fenced", "repeat", "torn"]);
  });

  it("scanning hands every event on in file order and keeps none", () => {
    const { file, whole } = both("scan.jsonl", `${[opened, ev(2), ev(2), ev(3)].join("\n")}\n`);
    const seen: number[] = [];
    const problems = scanIncidentFile(file, (e) => seen.push(e.seq));
    expect(seen).toEqual([1, 2, 3]);
    expect(problems).toEqual({ issues: whole.issues, damaged: whole.damaged });
  });

  it("an empty file and a file of one unterminated line", () => {
    expect(both("empty.jsonl", "").streamed).toEqual(parseIncidentText(""));
    const { streamed, whole } = both("one.jsonl", '{"seq":1,"ts":"2026');
    expect(streamed).toEqual(whole);
    expect(streamed.issues.map((i) => i.kind)).toEqual(["torn"]);
  });
});

/** The integrity check over an incident file's lines: every gap, duplicate and damaged line, by line number. */
import { describe, expect, it } from "vitest";
import { lastSeqOf, parseIncidentText } from "../../src/incident/integrity.js";

const ev = (seq: number, type = "note.added", extra = "") => `{"seq":${seq},"ts":"2026-11-24T03:00:00Z","type":"${type}"${extra}}`;
const opened = ev(1, "incident.opened", ',"incident":"x"');
const file = (...lines: string[]) => `${lines.join("\n")}\n`;

describe("parseIncidentText", () => {
  it("a healthy file has no issues and every event in order", () => {
    const r = parseIncidentText(file(opened, ev(2), ev(3)));
    expect(r.issues).toEqual([]);
    expect(r.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(r.damaged).toEqual([]);
  });

  it("names a missing seq and a missing range by the line that follows them", () => {
    const r = parseIncidentText(file(opened, ev(2), ev(3), ev(5), ev(6), ev(10)));
    expect(r.issues.map((i) => i.message)).toEqual(["line 4: seq 5 follows 3 (4 missing)", "line 6: seq 10 follows 6 (7-9 missing)"]);
    expect(r.issues.map((i) => i.kind)).toEqual(["gap", "gap"]);
  });

  it("a duplicated line is named and counted once; the same seq with another event is a repeat, kept", () => {
    const r = parseIncidentText(file(opened, ev(2), ev(3), ev(3), ev(4), ev(4, "step.started")));
    expect(r.issues.map((i) => i.message)).toEqual(["line 4: duplicate of seq 3", "line 6: seq 4 again (line 5 holds another event with seq 4)"]);
    expect(r.events.map((e) => `${e.seq}:${e.type}`)).toEqual(["1:incident.opened", "2:note.added", "3:note.added", "4:note.added", "4:step.started"]);
    expect(lastSeqOf(r.events)).toBe(4);
  });

  it("a line that goes back in seq without repeating one is out of order", () => {
    const r = parseIncidentText(file(opened, ev(3), ev(2)));
    expect(r.issues.map((i) => i.message)).toEqual(["line 2: seq 3 follows 1 (2 missing)", "line 3: seq 2 follows 3 (out of order)"]);
  });

  it("garbage mid-file is 'not JSON', not a crash; JSON that is no event says so", () => {
    const r = parseIncidentText(file(opened, ev(2), "hello there", ev(3), '{"type":"note.added"}', "[1,2]", ev(4)));
    expect(r.issues.map((i) => i.message)).toEqual(["line 3: not JSON", "line 5: not an incident event (no seq or type)", "line 6: not an incident event (no seq or type)"]);
    expect(r.damaged.map((d) => d.line)).toEqual([3, 5, 6]);
    expect(r.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it("an unterminated unparsable last line is a torn last line (a crash mid-write)", () => {
    const r = parseIncidentText(`${file(opened, ev(2))}{"seq":3,"ts":"2026`);
    expect(r.issues).toEqual([{ line: 3, kind: "torn", message: "line 3: torn last line (a crash mid-write)" }]);
  });

  it("a torn line a resume fenced off is told apart from garbage", () => {
    const r = parseIncidentText(file(opened, ev(2), '{"seq":3,"ts":"2026', ev(3, "incident.resumed"), ev(4)));
    expect(r.issues.map((i) => i.message)).toEqual(["line 3: torn line (a crash mid-write, fenced off by the resume after it)"]);
    const notFenced = parseIncidentText(file(opened, ev(2), '{"seq":3,"ts":"2026', ev(3)));
    expect(notFenced.issues.map((i) => i.message)).toEqual(["line 3: not JSON"]);
  });

  it("a damaged first line leaves no incident.opened, and says what came first instead", () => {
    const r = parseIncidentText(file('{"seq":1,"ts":"2026-11-24T03:00:00Z","type":"incident.op', ev(2), ev(3)));
    expect(r.issues.map((i) => i.message)).toEqual(["line 1: not JSON", "line 2: the first event is note.added, not incident.opened", "line 2: starts at seq 2 (1 missing)"]);
    expect(r.events.some((e) => e.type === "incident.opened")).toBe(false);
  });

  it("blank lines and an empty file are named", () => {
    expect(parseIncidentText(file(opened, "", ev(2))).issues.map((i) => i.message)).toEqual(["line 2: empty line"]);
    expect(parseIncidentText("").issues.map((i) => i.message)).toEqual(["line 1: the file is empty (no incident.opened)"]);
  });

  it("every kind at once, each on its own line number (the attack's damaged file)", () => {
    const lines = [opened, ev(2), ev(3), ev(5), ev(6), ev(7), ev(8), ev(8), ev(9), ev(10), ev(11), "x{garbage", ev(12)];
    const r = parseIncidentText(`${lines.join("\n")}\n{"seq":13,"ts`);
    expect(r.issues.map((i) => i.message)).toEqual(["line 4: seq 5 follows 3 (4 missing)", "line 8: duplicate of seq 8", "line 12: not JSON", "line 14: torn last line (a crash mid-write)"]);
  });
});

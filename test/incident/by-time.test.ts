/**
 * The timeline merges its kinds of rows in time order instead of sorting them all: the same order
 * as the stable sort it replaced, for rows in order, out of order (a clock stepped back, a resume on
 * another host), interleaved and tied. (Under FOLD_ABOVE rows: every row stands for one event.)
 */
import { describe, expect, it } from "vitest";
import { oldestFirst } from "../../src/incident/by-time.js";
import { buildReport } from "../../src/incident/report.js";
import { timelineRows } from "../../src/incident/report-timeline.js";
import { events, finished, opened, started } from "./report-fixture.js";

/** A small deterministic generator: the same walks on every run. */
function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
}

type Body = Parameters<typeof events>[0][number];

/**
 * A walk whose events carry times mostly forward, sometimes back, with many ties: severity changes
 * and options (listed before the steps), steps that pass or fail, notes (listed after them).
 */
function walk(seed: number): Body[] {
  const next = random(seed);
  let t = 1;
  const bodies: Body[] = [opened()];
  for (let i = 0; i < 10 + next(60); i++) {
    t = Math.max(1, t + next(3) - (next(6) === 0 ? 4 : 0));
    const kind = next(10);
    if (kind < 5) bodies.push({ ...started(`s${i}`, "assess"), at: t }, { ...finished(`s${i}`, kind < 4 ? "passed" : "failed"), at: t });
    else if (kind < 7) bodies.push({ type: "note.added", text: `n${i}`, at: t });
    else if (kind < 9) bodies.push({ type: "severity.changed", from: "high", to: "critical", reason: `v${i}`, at: t });
    else bodies.push({ type: "option.chosen", phase: "fix", option: `o${i}`, at: t });
  }
  return bodies;
}

/** What the timeline did before: every row, one kind after another, in one stable sort by time. */
function sortedLabels(r: ReturnType<typeof buildReport>): string[] {
  const rows = [
    { at: r.openedAt, label: "opened" },
    ...r.severity.changes.map((c) => ({ at: c.at, label: c.reason! })),
    ...r.options.map((o) => ({ at: o.at, label: o.option })),
    ...r.steps.map((s) => ({ at: s.startedAt, label: s.step })),
    ...r.notes.map((n) => ({ at: n.at, label: n.text })),
  ];
  return rows.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0)).map((x) => x.label);
}

/** Which event a timeline row stands for, by the id or text it shows. */
const labelOf = (text: readonly unknown[]): string => {
  const flat = text.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join("");
  return /"code":"(s\d+)"/.exec(flat)?.[1] ?? /=(o\d+)"/.exec(flat)?.[1] ?? /: (n\d+)$/.exec(flat)?.[1] ?? /: (v\d+)$/.exec(flat)?.[1] ?? "opened";
};

describe("the timeline merged in one pass", () => {
  it("lists its rows as the stable sort of every kind it replaced did, for 300 walks whose times go back and tie", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = buildReport(events(walk(seed)));
      expect(timelineRows(r).map((row) => labelOf(row.text))).toEqual(sortedLabels(r));
    }
  });

  it("a list already in order is used as it is; one out of order is sorted into a copy", () => {
    const at = (r: { at: string }) => r.at;
    const ordered = [{ at: "a", name: "1" }, { at: "a", name: "2" }, { at: "b", name: "3" }];
    expect(oldestFirst(ordered, at)).toBe(ordered);
    const back = [{ at: "b", name: "1" }, { at: "a", name: "2" }, { at: "b", name: "3" }];
    expect(oldestFirst(back, at).map((r) => r.name)).toEqual(["2", "1", "3"]);
    expect(back.map((r) => r.name)).toEqual(["1", "2", "3"]);
  });
});

describe("the timeline of a file whose times go back", () => {
  it("lists every row oldest first; a tie keeps opened, severity, options, steps, then skips, notes and the rest", () => {
    const r = buildReport(
      events([
        opened(),
        { ...started("pods", "assess"), at: 10 },
        { ...finished("pods", "passed"), at: 11 },
        // The clock stepped back: these happened "before" the step above.
        { type: "note.added", text: "back in time", at: 5 },
        { ...started("pool", "diagnose"), at: 5 },
        { ...finished("pool", "failed"), at: 6 },
        { type: "severity.changed", from: "high", to: "critical", at: 5 },
        { type: "option.chosen", phase: "fix", option: "restart", at: 12 },
        { type: "note.added", text: "forward again", at: 12 },
        { ...started("restart", "fix", { option: "restart" }), at: 12 },
        { ...finished("restart", "passed"), at: 13 },
      ]),
    );
    expect(timelineRows(r).map((row) => `${row.at.slice(17, 19)} ${typeof row.text[0] === "string" ? row.text[0].split(":")[0] : ""}`)).toEqual([
      "00 Incident opened (high) by alice@laptop",
      "05 Severity high → critical",
      "05 Diagnose › Connection pool",
      "05 Note",
      "10 Assess › Pods that are not running",
      "12 Chose ",
      "12 Fix › Restart",
      "12 Note",
    ]);
  });
});

/**
 * The timeline merges its kinds of rows in time order instead of sorting them all: the same order
 * as the stable sort it replaced, for rows in order, out of order (a clock stepped back, a resume on
 * another host), interleaved and tied.
 */
import { describe, expect, it } from "vitest";
import { mergeOldestFirst, oldestFirst } from "../../src/incident/by-time.js";
import { buildReport } from "../../src/incident/report.js";
import { timelineRows } from "../../src/incident/report-timeline.js";
import { events, finished, opened, started } from "./report-fixture.js";

interface Row {
  at: string;
  name: string;
}
const at = (r: Row) => r.at;
/** What the timeline did before: every row, one kind after another, in one stable sort. */
const stableSort = (lists: Row[][]) => lists.flat().sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

/** A small deterministic generator: the same lists on every run. */
function lists(seed: number): Row[][] {
  let x = seed;
  const next = (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
  return Array.from({ length: 1 + next(4) }, (_, k) => {
    // Few distinct times: many ties, within a list and across lists.
    let t = next(5);
    return Array.from({ length: next(30) }, (_, i) => {
      // Mostly forward, sometimes back.
      t = Math.max(0, t + next(4) - (next(6) === 0 ? 3 : 0));
      return { at: `2026-11-24T03:00:${String(t).padStart(2, "0")}.000Z`, name: `${k}.${i}` };
    });
  });
}

describe("rows merged oldest first", () => {
  it("are in the order of a stable sort of all the lists one after another, for 500 sets of lists in and out of order", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const ls = lists(seed);
      expect(mergeOldestFirst(ls.map((l) => oldestFirst(l, at)), at).map((r) => r.name)).toEqual(stableSort(ls).map((r) => r.name));
    }
  });

  it("a list already in order is used as it is; one out of order is sorted into a copy", () => {
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

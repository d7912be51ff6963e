/** The bench harness's pure part: statistics, ratios, targets and the printed line. */
import { describe, expect, it } from "vitest";
import { figure, formatFigure, percentile, summarize } from "../../bench/stats.js";

describe("bench statistics", () => {
  it("summarises samples: median, p95 by nearest rank, min and max", () => {
    expect(summarize([5, 1, 3])).toEqual({ median: 3, p95: 5, min: 1, max: 5, n: 3 });
    expect(summarize([4, 1, 3, 2]).median).toBe(3);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile([7], 95)).toBe(7);
    expect(() => summarize([])).toThrow("no samples");
  });

  it("a ratio target holds on the medians, an absolute one on the median, a p95 one on the p95", () => {
    const r = figure({ name: "run", unit: "ms", subject: [500, 600, 700], baselineName: "tee", baseline: [100, 120, 140], target: { ratio: 5 } });
    expect(r.ratio).toBe(5);
    expect(r.met).toBe(true);
    expect(figure({ name: "x", unit: "ms", subject: [601], baseline: [120], target: { ratio: 5 } }).met).toBe(false);
    expect(figure({ name: "rss", unit: "MB", subject: [90, 160, 100], target: { max: 150 } }).met).toBe(true);
    const lat = figure({ name: "keys", unit: "ms", subject: [...Array.from({ length: 19 }, () => 20), 300], target: { p95: 100 } });
    expect(lat.subject.median).toBe(20);
    expect(lat.met).toBe(true);
    expect(figure({ name: "keys", unit: "ms", subject: [20, 300], target: { p95: 100 } }).met).toBe(false);
    expect(figure({ name: "none", unit: "ms", subject: [1] }).met).toBeUndefined();
  });

  it("prints one line with the figure, the baseline, the ratio and the verdict", () => {
    const line = formatFigure(figure({ name: "headless run, seq 10 M lines", unit: "ms", subject: [1034.4, 980, 1200], baselineName: "seq | tee", baseline: [130, 125.5, 140], target: { ratio: 5 } }));
    expect(line).toBe("headless run, seq 10 M lines: 1034 ms [980–1200] vs seq | tee 130 ms [126–140] = 7.96× (target ≤ 5×: MISSED) · n=3");
    expect(formatFigure(figure({ name: "rss", unit: "MB", subject: [103.6], target: { max: 150 } }))).toBe("rss: 104 MB [104–104] (target ≤ 150 MB: met) · n=1");
    expect(formatFigure(figure({ name: "keys", unit: "ms", subject: [12.34, 40], target: { p95: 100 }, note: "p50 12 ms" }))).toBe("keys: 40.0 ms [12.3–40.0] p95 40.0 ms (target p95 ≤ 100 ms: met) · p50 12 ms · n=2");
  });
});

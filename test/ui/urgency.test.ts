/** The urgency order and markers, pure: listed incidents and the time in, the order and the text out. */
import { describe, expect, it } from "vitest";
import { byUrgency, marksOf, marksText, roughly, type Listed, type Urgency } from "../../src/ui/urgency.js";

const NOW = Date.parse("2026-12-06T03:30:00.000Z");
const at = (minutesFromNow: number) => new Date(NOW + minutesFromNow * 60_000).toISOString();

function row(id: string, opened: number, urgency: Partial<Urgency> & { dueIn?: number }, extra: Partial<Listed> = {}): Listed {
  const { dueIn, ...u } = urgency;
  return { id, status: "open", openedAt: at(opened), urgency: { breached: false, interrupted: false, dryRun: false, ...(dueIn !== undefined ? { dueAt: at(dueIn) } : {}), ...u }, ...extra };
}

describe("byUrgency", () => {
  it("breached first, then interrupted, then the least time left; the newest-first order plays no part", () => {
    const rows = [
      row("calm-soon", -1, { dueIn: 3 }),
      row("calm-later", -2, { dueIn: 40 }),
      row("interrupted", -3, { dueIn: 600, interrupted: true }),
      row("breached-recorded", -30, { dueIn: -25, breached: true }),
      // Past due since the files were read: the clock alone says breached.
      row("breached-since", -20, { dueIn: -5 }),
      row("no-clock", -4, {}),
    ];
    expect(byUrgency(rows, NOW).map((r) => r.id)).toEqual(["breached-recorded", "breached-since", "interrupted", "calm-soon", "calm-later", "no-clock"]);
  });

  it("a breached incident that was also interrupted stays among the breached, by how long ago it fell due", () => {
    const rows = [row("b1", -10, { dueIn: -1, breached: true }), row("b2", -9, { dueIn: -8, breached: true, interrupted: true })];
    expect(byUrgency(rows, NOW).map((r) => r.id)).toEqual(["b2", "b1"]);
  });

  it("dry runs come after every real open incident, in urgency order among themselves", () => {
    const rows = [row("dry-breached", -30, { dueIn: -20, breached: true, dryRun: true }), row("real-calm", -1, { dueIn: 50 }), row("dry-interrupted", -2, { dueIn: 5, interrupted: true, dryRun: true })];
    expect(byUrgency(rows, NOW).map((r) => r.id)).toEqual(["real-calm", "dry-breached", "dry-interrupted"]);
  });

  it("resolved incidents and drills (finished or not) follow the open ones, newest first", () => {
    const rows = [
      row("resolved-old", -50, { dueIn: -45, breached: true }, { status: "resolved" }),
      row("drill-finished", -5, { dueIn: 10 }, { status: "finished", drill: "crashloop-rollback" }),
      row("drill-left", -6, { dueIn: -1, interrupted: true }, { drill: "stuck-rollout" }),
      row("open", -60, { dueIn: 100 }),
      row("resolved-new", -3, { dueIn: 12 }, { status: "resolved" }),
    ];
    expect(byUrgency(rows, NOW).map((r) => r.id)).toEqual(["open", "resolved-new", "drill-finished", "drill-left", "resolved-old"]);
  });

  it("the same rows and time give the same order, whatever order they came in", () => {
    const rows = [row("a", -1, { dueIn: 5 }), row("b", -1, { dueIn: 5 }), row("c", -2, { dueIn: 5 })];
    expect(byUrgency([...rows].reverse(), NOW).map((r) => r.id)).toEqual(byUrgency(rows, NOW).map((r) => r.id));
  });
});

describe("marksOf", () => {
  it("says how long ago the response time ran out, or how much is left", () => {
    expect(marksText(marksOf(row("x", -20, { dueIn: -12, breached: true, interrupted: true }), NOW))).toBe("!! BREACHED 12m ago (interrupted)");
    expect(marksOf(row("x", -20, { dueIn: -12, breached: true }), NOW).tone).toBe("red");
    expect(marksText(marksOf(row("x", -2, { dueIn: 3 }), NOW))).toBe("⏱ 3m left");
    expect(marksOf(row("x", -2, { dueIn: 3 }), NOW).tone).toBeUndefined();
    expect(marksOf(row("x", -2, { dueIn: 1.5 }), NOW).tone).toBe("yellow");
    expect(marksText(marksOf(row("x", -2, { dueIn: 90, dryRun: true }, { problems: ["line 3: torn"] }), NOW))).toBe("DRY RUN ⏱ 1h30m left damaged");
  });

  it("a resolved incident or a drill carries no clock and is never interrupted", () => {
    expect(marksText(marksOf(row("x", -20, { dueIn: -12, breached: true, interrupted: true }, { status: "resolved" }), NOW))).toBe("");
    expect(marksText(marksOf(row("x", -20, { dueIn: -12, interrupted: true, dryRun: true }, { drill: "d", status: "finished" }), NOW))).toBe("DRY RUN");
  });

  it("rounds to what is worth scanning", () => {
    expect([roughly(200), roughly(45_400), roughly(12 * 60_000 + 59_000), roughly(72 * 60_000 + 30_000), roughly(51 * 3_600_000 + 59 * 60_000)]).toEqual(["1s", "45s", "12m", "1h12m", "2d3h"]);
  });
});

/**
 * A long incident's report: runs of steps that passed fold into one timeline line that says what it
 * folded, and nothing worth reading is folded away (failures, retries, notes, severity changes,
 * escalations, changes of driver). Output is quoted for the attempts the report shows.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { IncidentEventBody } from "../../src/incident/events.js";
import { scanIncidentFile } from "../../src/incident/log.js";
import { buildReport, renderMarkdown, ReportBuilder } from "../../src/incident/report.js";
import { FOLD_ABOVE, FOLD_MIN } from "../../src/incident/report-timeline.js";
import { events, finished, opened, started } from "./report-fixture.js";

type Body = IncidentEventBody & { at?: number };
const passes = (from: number, n: number, phase = "assess"): Body[] => Array.from({ length: n }, (_, i) => [started(`check-${from + i}`, phase), finished(`check-${from + i}`, "passed")]).flat();
/** After the part under test: enough rows that never fold (failures) to make it a long timeline, which folds. */
const LONG: Body[] = Array.from({ length: FOLD_ABOVE }, (_, i) => [started(`late-${i}`, "review"), finished(`late-${i}`, "failed")]).flat();
const timeline = (md: string) => md.split("## Timeline\n")[1]!.split("\n## ")[0]!;
const rows = (md: string) => timeline(md).split("\n").filter((l) => l.startsWith("- "));

describe("the timeline of a long incident", () => {
  it("a run of passes folds into one line naming how many, where, the first and the last; the run before a failure, the failure and the run after each stand", () => {
    const md = renderMarkdown(buildReport(events([opened(), ...passes(1, 25), started("pool", "diagnose"), finished("pool", "failed"), ...passes(26, 12, "verify"), ...LONG, { type: "incident.resolved", rootCause: "x", actionItems: [] }])));
    const r = rows(md);
    expect(r).toHaveLength(5 + FOLD_ABOVE);
    expect(r[1]).toMatch(/^- 03:00:01 UTC: 25 steps passed in a row in Assess: check-1 … check-25, the last at 03:00:49 UTC · `check-1` … `check-25`$/);
    expect(r[2]).toBe("- 03:00:51 UTC: Diagnose › Connection pool: failed, exit 1, 500ms · `pool`");
    expect(r[3]).toContain("12 steps passed in a row in Verify: check-26 … check-37");
    expect(timeline(md)).toContain(`_A long timeline: runs of ${FOLD_MIN} or more steps that passed one after another are one line each (2 lines for 37 steps)`);
  });

  it("a run that crosses phases says how many of its steps each phase ran, in the order they came", () => {
    const md = renderMarkdown(buildReport(events([opened(), ...passes(1, 6), ...passes(7, 9, "diagnose"), ...passes(16, 2, "verify"), ...LONG])));
    expect(rows(md)[1]).toMatch(/^- 03:00:01 UTC: 17 steps passed in a row \(Assess 6, Diagnose 9, Verify 2\): check-1 … check-17, the last at 03:00:33 UTC · `check-1` … `check-17`$/);
  });

  it(`fewer than ${FOLD_MIN} passes in a row keep a line each, and a short report says nothing about folding`, () => {
    const md = renderMarkdown(buildReport(events([opened(), ...passes(1, FOLD_MIN - 1)])));
    expect(rows(md)).toHaveLength(FOLD_MIN);
    expect(rows(md)[1]).toBe("- 03:00:01 UTC: Assess › check-1: passed, exit 0, 500ms · `check-1`");
    expect(timeline(md)).not.toContain("one after another");
  });

  it(`a timeline of ${FOLD_ABOVE} rows or fewer lists every step run, however many passed in a row`, () => {
    const md = renderMarkdown(buildReport(events([opened(), ...passes(1, 60)])));
    expect(rows(md)).toHaveLength(61);
    expect(timeline(md)).not.toContain("in a row");
  });

  it("notes, severity changes, escalations, changes of driver, edits and skips break a run and keep their own lines", () => {
    const breakers: Body[] = [
      { type: "note.added", text: "pool at 50/50", step: "check-3" },
      { type: "severity.changed", from: "high", to: "critical", reason: "checkout down" },
      { type: "escalation.raised", key: "e0", to: "VP Engineering", after: "15m", severity: "critical", reason: "Production down" },
      { type: "driver.changed", from: "alice@laptop", to: "bob@desk", reason: "taken over" },
      { type: "step.skipped", step: "extra", reason: "condition", condition: "pods found" },
    ];
    const md = renderMarkdown(buildReport(events([opened(), ...breakers.flatMap((b, i) => [...passes(i * 20, 12), b]), started("edit", "assess", { edited: true, original: "echo a" }), finished("edit", "passed"), ...LONG])));
    const text = timeline(md);
    for (const line of ["Note on check-3: pool at 50/50", "Severity high → critical: checkout down", "Escalated to VP Engineering: Production down", "bob@desk drives from here (taken over from alice@laptop)", "Skipped Extra check: not needed", "Assess › edit (command edited): passed"]) expect(text).toContain(line);
    expect(rows(md).filter((l) => l.includes("12 steps passed in a row"))).toHaveLength(5);
  });

  it("a step run again and again folds as one step passed so many times; its recovery after a failure stands", () => {
    const again = (attempt: number, status: "passed" | "failed"): Body[] => [started("health", "verify", { attempt }), finished("health", status)];
    const md = renderMarkdown(buildReport(events([opened(), ...again(1, "failed"), ...Array.from({ length: 11 }, (_, i) => again(i + 2, "passed")).flat(), ...LONG])));
    const r = rows(md);
    expect(r[1]).toContain("Verify › Health: 200 #1: failed");
    expect(r[2]).toContain("Verify › Health: 200 #1 (attempt 2): passed");
    expect(r[3]).toMatch(/Verify › Health: 200 #1: passed 10 times in a row \(attempts 3–12\), the last at .* · `health`$/);
    expect(r).toHaveLength(4 + FOLD_ABOVE);
  });
});

describe("output quoted from a long incident", () => {
  const out = (step: string, n: number, from: number): Body => ({ type: "step.output", step, stream: "stdout", lines: Array.from({ length: n }, (_, i) => `${step} line ${from + i}`) });
  const walk = events([
    opened(),
    started("pool", "diagnose"),
    out("pool", 3, 1),
    out("pool", 0, 4),
    out("pool", 12, 4),
    out("pool", 5, 16),
    { type: "step.finished", step: "pool", status: "failed", exitCode: 1, durationMs: 5, expectations: [{ check: "exitCode", passed: false }] },
    started("logs", "assess"),
    out("logs", 20, 1),
    finished("logs", "passed"),
    started("quiet", "assess"),
    out("quiet", 20, 1),
    finished("quiet", "passed"),
  ]);

  it("a failed attempt keeps its first and last lines, an evidence step its own; a passed attempt keeps its count, not its lines", () => {
    const r = buildReport(walk);
    const [pool, logs, quiet] = r.steps;
    expect(pool!.head).toEqual(["pool line 1", "pool line 2", "pool line 3", "pool line 4", "pool line 5", "pool line 6", "pool line 7", "pool line 8"]);
    expect(pool!.tail).toEqual(Array.from({ length: 8 }, (_, i) => `pool line ${13 + i}`));
    expect(pool!.recordedLines).toBe(20);
    expect(logs!.head).toHaveLength(8);
    expect(logs!.tail!.at(-1)).toBe("logs line 20");
    expect(quiet!.recordedLines).toBe(20);
    expect(quiet!.head).toBeUndefined();
    expect(quiet!.tail).toBeUndefined();
    expect(renderMarkdown(r)).toContain("pool line 20");
  });

  it("an attempt left running by a crash keeps its lines", () => {
    const r = buildReport(events([opened(), started("pool", "diagnose"), out("pool", 2, 1), { type: "incident.resumed", interrupted: ["pool"], pid: 1 }, started("pool", "diagnose", { attempt: 2 }), out("pool", 1, 9)]));
    expect(r.steps.map((s) => [s.status, s.head])).toEqual([
      ["interrupted", ["pool line 1", "pool line 2"]],
      ["interrupted", ["pool line 9"]],
    ]);
  });
});

describe("the report streamed from a file", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "handrail-report-stream-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is the report of the same events held in memory, with the file's damage named", () => {
    const walk = events([opened(), ...passes(1, 30), started("pool", "diagnose"), finished("pool", "failed"), { type: "note.added", text: "looked" }]);
    const lines = walk.map((e) => JSON.stringify(e));
    const file = path.join(dir, "x.jsonl");
    writeFileSync(file, `${[...lines.slice(0, 10), "not json", lines[9], ...lines.slice(10)].join("\n")}\n`);
    const builder = new ReportBuilder();
    const read = scanIncidentFile(file, (e) => builder.add(e));
    const integrity = read.issues.map((i) => i.message);
    expect(integrity).toEqual(["line 11: not JSON", "line 12: duplicate of seq 10"]);
    const streamed = builder.finish({ damagedLines: read.damaged.length, integrity });
    expect(renderMarkdown(streamed)).toBe(renderMarkdown(buildReport(walk, { damagedLines: 1, integrity })));
  });
});

/** `handrail incidents` through the built binary: open incidents most urgent first, markers in a column, `urgency` in --json. */
import { appendFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli, scratchDir } from "../helpers/cli.js";
import { finishedDrill, runIncident, startLongStep, urgentRunbooks } from "../helpers/urgent-incidents.js";

interface JsonRow {
  id: string;
  status: string;
  openedAt: string;
  drill?: string;
  urgency: { breached: boolean; dueAt?: string; interrupted: boolean; dryRun: boolean };
}

const idOf = (file: string) => path.basename(file, ".jsonl");

describe("handrail incidents: urgency", () => {
  it("orders open incidents by urgency and the rest newest first, marks them, and says so in --json; a finished drill is finished", async () => {
    const dir = scratchDir(onTestFinished);
    const runbooks = urgentRunbooks(dir);
    const store = path.join(dir, "incidents");
    const list = async (...args: string[]) => {
      const r = await runCli(["incidents", "--incidents", store, ...args], { cwd: dir });
      expect(r.exitCode, r.stderr).toBe(0);
      return r.stdout;
    };
    const json = async (...args: string[]) => JSON.parse(await list("--json", ...args)) as JsonRow[];

    const breached = await runIncident(dir, store, runbooks, "breach-fast", ["--severity", "critical"]);
    const hanging = await startLongStep(dir, store, runbooks, onTestFinished, ["--severity", "low"]);
    // While its handrail runs the step, the step is not interrupted: it is running.
    expect((await json()).find((r) => r.id === idOf(hanging.file))?.urgency.interrupted).toBe(false);
    await hanging.crash();
    const calm = await runIncident(dir, store, runbooks, "calm-check", ["--severity", "high"]);
    const dry = await runIncident(dir, store, runbooks, "calm-check", ["--severity", "high", "--dry-run"]);
    appendFileSync(dry, '{"seq":99,"ts":"2026-12-06T03:00:00Z","type":"note.ad');
    const resolved = await runIncident(dir, store, runbooks, "calm-check", ["--severity", "critical"]);
    expect((await runCli(["resolve", idOf(resolved), "--incidents", store, "--root-cause", "fixed"], { cwd: dir })).exitCode).toBe(0);
    const drill = await finishedDrill(dir, store);

    const table = (await list("--runbooks", runbooks)).split("\n");
    expect(table[0]).toMatch(/^ID\s+RUNBOOK\s+SEVERITY\s+STATUS\s+URGENCY\s+AGE\s+STEPS\s+DRILL\s+DAMAGE$/);
    const rows = table.slice(1, 7);
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual([breached, hanging.file, calm, dry, drill, resolved].map(idOf));
    expect(rows[0]).toMatch(/\s+breach-fast\s+critical\s+open\s+!! BREACHED \d+s ago\s/);
    expect(rows[1]).toMatch(/\s+long-step\s+low\s+open\s+⏱ 23h5\dm left \(interrupted\)\s/);
    expect(rows[2]).toMatch(/\s+calm-check\s+high\s+open\s+⏱ 5\dm left\s/);
    expect(rows[3]).toMatch(/\s+calm-check\s+high\s+open\s+DRY RUN ⏱ 5\dm left damaged\s.*! line \d+: torn last line/);
    expect(rows[4]).toMatch(/\s+emergency-rollback\s+medium\s+finished\s+\d\S*\s+\d+\s+crashloop-rollback$/);
    expect(rows[5]).toMatch(/\s+calm-check\s+critical\s+resolved\s+\d\S*\s+\d+$/);

    const data = await json("--runbooks", runbooks);
    const by = (file: string) => data.find((r) => r.id === idOf(file))!;
    expect(data.map((r) => r.id)).toEqual(rows.map((l) => l.split(/\s+/)[0]));
    expect(by(breached).urgency).toEqual({ breached: true, dueAt: expect.any(String), interrupted: false, dryRun: false });
    expect(Date.parse(by(breached).urgency.dueAt!) - Date.parse(by(breached).openedAt)).toBeLessThan(1_000);
    expect(by(hanging.file).urgency).toMatchObject({ breached: false, interrupted: true, dryRun: false });
    expect(Date.parse(by(hanging.file).urgency.dueAt!) - Date.parse(by(hanging.file).openedAt)).toBe(24 * 3_600_000);
    // The runbook's own response time from the search path; without it, the default for high.
    expect(Date.parse(by(calm).urgency.dueAt!) - Date.parse(by(calm).openedAt)).toBe(3_600_000);
    const defaults = await json();
    expect(Date.parse(defaults.find((r) => r.id === idOf(calm))!.urgency.dueAt!) - Date.parse(by(calm).openedAt)).toBe(15 * 60_000);
    expect(by(dry).urgency).toMatchObject({ breached: false, interrupted: false, dryRun: true });
    expect(by(drill)).toMatchObject({ status: "finished", drill: "crashloop-rollback", urgency: { interrupted: false } });
    expect(by(resolved)).toMatchObject({ status: "resolved", urgency: { breached: false, interrupted: false } });

    // --newest: everything newest first, urgent or not.
    const newest = (await list("--newest")).split("\n").slice(1, 7).map((l) => l.split(/\s+/)[0]);
    expect(newest).toEqual([drill, resolved, dry, calm, hanging.file, breached].map(idOf));
  }, 60_000);
});

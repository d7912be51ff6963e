/** Home at 3 a.m.: the open incidents come first, the most urgent on top, each with its markers. */
import { appendFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli, scratchDir } from "../helpers/cli.js";
import { KEYS, renderConsole } from "../helpers/ui.js";
import { eventsOf, finishedDrill, runIncident, startLongStep, urgentRunbooks } from "../helpers/urgent-incidents.js";
import { waitFor } from "../helpers/steps.js";
import { incidentItems, urgentRows } from "../../src/ui/home.js";
import type { DrillCard, IncidentCard } from "../../src/ui/store.js";
import type { Urgency } from "../../src/ui/urgency.js";

const NOW = Date.parse("2026-12-06T03:30:00.000Z");
const at = (minutesFromNow: number) => new Date(NOW + minutesFromNow * 60_000).toISOString();

const drills: DrillCard[] = [
  { id: "crashloop-rollback", runbook: "emergency-rollback", title: "api crash-loops after release 1.5.0", severity: "medium", needs: [], missing: [] },
  { id: "stuck-rollout", runbook: "emergency-rollback", title: "a rollout stuck at 1/3", severity: "high", needs: [], missing: [] },
];

describe("home's incident lines", () => {
  const card = (id: string, opened: number, urgency: Partial<Urgency> & { dueIn?: number }, extra: Partial<IncidentCard> = {}): IncidentCard => {
    const { dueIn, ...u } = urgency;
    const full = { breached: false, interrupted: false, dryRun: false, ...(dueIn !== undefined ? { dueAt: at(dueIn) } : {}), ...u };
    return { id, file: `/store/${id}.jsonl`, runbook: "deployment-failure", severity: "critical", status: "open", age: "20m", openedAt: at(opened), urgency: full, ...extra };
  };

  it("lists only the open real incidents, most urgent first, the markers before the id", () => {
    const items = incidentItems(
      [card("calm", -1, { dueIn: 4 }), card("gone", -9, { dueIn: -1, breached: true }, { status: "resolved" }), card("late", -20, { dueIn: -12, breached: true, interrupted: true }), card("dry", -1, { dueIn: 14, dryRun: true }, { severity: "high" })],
      NOW,
    );
    expect(items.map((i) => i.label)).toEqual(["!! BREACHED 12m ago  critical  deployment-failure  (interrupted)", "⏱ 4m left  critical  deployment-failure", "DRY RUN  ⏱ 14m left  high  deployment-failure"]);
    expect(items[0]).toMatchObject({ id: "/store/late.jsonl", detail: "late · opened 20m ago", color: "red" });
  });

  it("a team incident says who drives and who follows", () => {
    const [one, two] = incidentItems([card("shared", -3, { dueIn: 10 }, { driver: "alice", followers: ["bob"], team: true }), card("watched", -2, { dueIn: 20 }, { followers: ["bob", "carol"] })], NOW);
    expect(one!.detail).toBe("shared · opened 20m ago · alice drives · bob follows · in the shared store");
    expect(two!.detail).toBe("watched · opened 20m ago · bob, carol follow");
  });

  it("the lists shrink to the terminal so the incidents on top are never scrolled away, the incidents served first", () => {
    // 24 rows, 12 of them headers, drills and footer.
    expect(urgentRows(24, 7, 12)).toEqual({ incidents: 7, runbooks: 5 });
    expect(urgentRows(24, 20, 12)).toEqual({ incidents: 9, runbooks: 3 });
    expect(urgentRows(60, 2, 12)).toEqual({ incidents: 2, runbooks: 10 });
    expect(urgentRows(60, 30, 12)).toEqual({ incidents: 10, runbooks: 10 });
    // Too small for everything: three of each, the rest scrolls.
    expect(urgentRows(15, 8, 12)).toEqual({ incidents: 3, runbooks: 3 });
  });
});

describe("home puts what is urgent first", () => {
  it("breached, then interrupted, then calm, then the dry run — above drills and runbooks; resolved incidents and drills are not listed; Enter resumes the breached one", async () => {
    const dir = scratchDir(onTestFinished);
    const runbooks = urgentRunbooks(dir);
    const store = path.join(dir, "incidents");
    // Oldest first, so that newest-first would put the breached one last, as the engineer saw it.
    const breached = await runIncident(dir, store, runbooks, "breach-fast", ["--severity", "critical"]);
    // Low severity: a whole day on its clock, more time left than the calm one, and still above it.
    const hanging = await startLongStep(dir, store, runbooks, onTestFinished, ["--severity", "low"]);
    await hanging.crash();
    await runIncident(dir, store, runbooks, "calm-check", ["--severity", "high"]);
    const dry = await runIncident(dir, store, runbooks, "calm-check", ["--severity", "high", "--dry-run"]);
    // The only hand-made damage: a torn last line, as a crash mid-write leaves it.
    appendFileSync(dry, '{"seq":99,"ts":"2026-12-06T03:00:00Z","type":"note.ad');
    const resolved = await runIncident(dir, store, runbooks, "calm-check", ["--severity", "critical"]);
    expect((await runCli(["resolve", path.basename(resolved, ".jsonl"), "--incidents", store, "--root-cause", "fixed"], { cwd: dir })).exitCode).toBe(0);
    const drill = await finishedDrill(dir, store);

    const c = await renderConsole({ runbooksDir: runbooks, onCleanup: onTestFinished, incidentsDir: store, view: { drills, cluster: { state: "unreachable", reason: "no kubeconfig" } } });
    const f = await c.waitFor("Drills");
    expect(f.indexOf("open incidents")).toBeLessThan(f.indexOf("Drills"));
    expect(f.indexOf("Drills")).toBeLessThan(f.indexOf("handrail — runbooks"));
    // The drills wait on one line while incidents are open.
    expect(f).toContain("Drills — 2 scenarios (tab to list them)");
    expect(f).not.toContain("(stuck-rollout)");
    const listed = f
      .slice(f.indexOf("open incidents"), f.indexOf("Drills"))
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => /^(❯ )?\d+\. /.test(l));
    expect(listed).toHaveLength(4);
    expect(listed[0]).toMatch(/^❯ 1\. !! BREACHED \d+s ago {2}critical {2}breach-fast {2}/);
    expect(listed[1]).toMatch(/^2\. ⏱ 23h5\dm left {2}low {2}long-step {2}\(interrupted\) {2}/);
    // The runbook's own response time (1h), not the default for high (15m).
    expect(listed[2]).toMatch(/^3\. ⏱ 5\dm left {2}high {2}calm-check {2}2/);
    expect(listed[3]).toMatch(/^4\. DRY RUN {2}⏱ 5\dm left {2}high {2}calm-check {2}damaged {2}/);
    expect(f).not.toContain(path.basename(resolved, ".jsonl"));
    expect(f).not.toContain(path.basename(drill, ".jsonl"));

    // The cursor is on the most urgent incident: Enter resumes it.
    await c.press(KEYS.enter);
    await waitFor(() => eventsOf(breached).some((e) => e.type === "incident.resumed"), "the breached incident to be resumed");
    expect(eventsOf(hanging.file).some((e) => e.type === "incident.resumed")).toBe(false);
  }, 60_000);
});

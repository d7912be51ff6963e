/**
 * A drill walked headless through the built binary (`handrail run <runbook> --drill <id>`), and
 * what it left: the incident file's events, the drill's verdict recorded in it, and the report
 * rendered from it, so tests check the walk against the scenario's own health check.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { EventOf, IncidentEvent } from "../../src/incident/events.js";
import { OutlineIndex } from "../../src/incident/outline.js";
import type { Scenario } from "../../src/sandbox/scenarios/types.js";
import { runCli, scratchDir, type CliResult } from "./cli.js";

export interface DrillRun {
  run: CliResult;
  file: string;
  events: IncidentEvent[];
  /** The drill's end as recorded (health, walk complete, hint). */
  finished: EventOf<"drill.finished">;
  /** The Markdown report's timeline lines (`- HH:MM:SS UTC: …`). */
  timeline: string[];
  report: string;
}

/** Run the scenario's drill headless with `--yes` and the given options, and read what it wrote. */
export async function walkDrillHeadless(scenario: Scenario, options: Record<string, string>, onCleanup: (fn: () => void) => void, opts: { timeoutMs?: number } = {}): Promise<DrillRun> {
  const incidents = scratchDir(onCleanup);
  const opt = Object.entries(options).flatMap(([phase, option]) => ["--option", `${phase}=${option}`]);
  const run = await runCli(["run", scenario.runbook, "--drill", scenario.id, "--yes", "--incidents", incidents, ...opt], { cwd: incidents, timeoutMs: opts.timeoutMs ?? 50_000 });
  const store = path.join(incidents, "drills");
  const name = readdirSync(store).find((f) => f.endsWith(".jsonl"));
  if (!name) throw new Error(`no incident file in ${store}:\n${run.stdout}\n${run.stderr}`);
  const file = path.join(store, name);
  const events = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
  const finished = events.find((e): e is EventOf<"drill.finished"> => e.type === "drill.finished");
  if (!finished) throw new Error(`no drill.finished in ${file}:\n${run.stdout}\n${run.stderr}`);
  const report = (await runCli(["report", file], { cwd: incidents })).stdout;
  const section = report.split("## Timeline")[1]?.split("\n## ")[0] ?? "";
  const timeline = section.split("\n").filter((l) => /^- \d\d:\d\d:\d\d( UTC)?: /.test(l));
  return { run, file, events, finished, timeline, report };
}

type Finished = Extract<IncidentEvent, { type: "step.finished" }>;

/** The step.finished events, in order. */
export function finishedSteps(events: IncidentEvent[]): Finished[] {
  return events.filter((e): e is Finished => e.type === "step.finished");
}

/** Titles of phases, options and steps as the incident file's outline gives them. */
export function titlesOf(events: readonly IncidentEvent[]): OutlineIndex {
  const opened = events.find((e): e is EventOf<"incident.opened"> => e.type === "incident.opened");
  return new OutlineIndex(opened?.outline);
}

/**
 * What the report's timeline must say, rebuilt from the events by hand: one row per step run
 * (Phase › Step title: its result, at its start) and per option chosen ("Chose **Option** in
 * Phase"), ordered by time the way the report orders them (a tie keeps options before steps).
 */
export function expectedTimeline(events: IncidentEvent[]): string[] {
  const t = titlesOf(events);
  const options: Array<{ at: string; text: string }> = [];
  const steps: Array<{ at: string; text: string }> = [];
  const started = new Map<string, EventOf<"step.started">>();
  for (const e of events) {
    if (e.type === "option.chosen") options.push({ at: e.ts, text: `Chose **${t.optionTitle(e.phase, e.option)}** in ${t.phaseTitle(e.phase)}` });
    if (e.type === "step.started") started.set(e.step, e);
    if (e.type === "step.finished") {
      const s = started.get(e.step);
      const again = (s?.attempt ?? 1) > 1 ? ` (attempt ${s?.attempt})` : "";
      steps.push({ at: s?.ts ?? e.ts, text: `${t.phaseTitle(s?.phase ?? "?")} › ${t.stepTitle(e.step)}${again}: ${e.acknowledged ? `confirmed (${e.acknowledged})` : `${e.status}${e.exitCode !== null ? `, exit ${e.exitCode}` : ""}`}` });
    }
  }
  return [...options, ...steps].sort((a, b) => a.at.localeCompare(b.at)).map((r) => r.text);
}

/** The timeline rows without their time stamps, in the report's order. */
export function timelineTexts(run: DrillRun): string[] {
  return run.timeline.map((l) => l.replace(/^- \d\d:\d\d:\d\d( UTC)?: /, ""));
}

/**
 * A drill walked headless through the built binary, and what it left: the incident file's events
 * and the report rendered from it, so tests check the walk against the scenario's own verdict.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { IncidentEvent } from "../../src/incident/events.js";
import { startDrill, type Drill } from "../../src/sandbox/drill.js";
import type { Scenario } from "../../src/sandbox/scenarios/types.js";
import { runCli, type CliResult } from "./cli.js";

export interface DrillRun {
  drill: Drill;
  run: CliResult;
  file: string;
  events: IncidentEvent[];
  /** The Markdown report's timeline lines (`- HH:MM:SS: …`). */
  timeline: string[];
  report: string;
}

/** Start the drill, run its runbook headless with `--yes` and the given options, and read what it wrote. */
export async function walkDrillHeadless(scenario: Scenario, options: Record<string, string>, opts: { tickMs?: number; timeoutMs?: number } = {}): Promise<DrillRun> {
  const drill = await startDrill(scenario, { tickMs: opts.tickMs ?? 50 });
  try {
    const sets = Object.entries(drill.inputs).flatMap(([k, v]) => ["--set", `${k}=${Array.isArray(v) ? v.join(",") : v}`]);
    const opt = Object.entries(options).flatMap(([phase, option]) => ["--option", `${phase}=${option}`]);
    const run = await runCli(["run", scenario.runbook, "--kubeconfig", drill.kubeconfig, "--severity", scenario.severity, "--yes", ...sets, ...opt], {
      cwd: drill.world.dir,
      env: drill.world.env,
      timeoutMs: opts.timeoutMs ?? 50_000,
    });
    const store = path.join(drill.world.dir, "incidents");
    const name = readdirSync(store).find((f) => f.endsWith(".jsonl"));
    if (!name) throw new Error(`no incident file in ${store}:\n${run.stdout}\n${run.stderr}`);
    const file = path.join(store, name);
    const events = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
    const report = (await runCli(["report", file], { cwd: drill.world.dir })).stdout;
    const section = report.split("## Timeline")[1]?.split("\n## ")[0] ?? "";
    const timeline = section.split("\n").filter((l) => /^- \d\d:\d\d:\d\d( UTC)?: /.test(l));
    return { drill, run, file, events, timeline, report };
  } catch (e) {
    await drill.stop();
    throw e;
  }
}

type Finished = Extract<IncidentEvent, { type: "step.finished" }>;

/** The step.finished events, in order. */
export function finishedSteps(events: IncidentEvent[]): Finished[] {
  return events.filter((e): e is Finished => e.type === "step.finished");
}

/**
 * What the report's timeline must say, rebuilt from the events by hand: one row per step run
 * (phase › step: its result) and per option chosen, in the order they happened.
 */
export function expectedTimeline(events: IncidentEvent[]): string[] {
  const rows: string[] = [];
  const phase = new Map<string, string>();
  const attempts = new Map<string, number>();
  for (const e of events) {
    if (e.type === "option.chosen") rows.push(`Chose option **${e.option}** in ${e.phase}`);
    if (e.type === "step.started") {
      phase.set(e.step, e.phase);
      attempts.set(e.step, e.attempt);
    }
    if (e.type === "step.finished") {
      const again = (attempts.get(e.step) ?? 1) > 1 ? ` (attempt ${attempts.get(e.step)})` : "";
      rows.push(`${phase.get(e.step) ?? "?"} › ${e.step}${again}: ${e.acknowledged ? `confirmed (${e.acknowledged})` : `${e.status}${e.exitCode !== null ? `, exit ${e.exitCode}` : ""}`}`);
    }
  }
  return rows;
}

/** The timeline rows without their time stamps, in the report's order. */
export function timelineTexts(run: DrillRun): string[] {
  return run.timeline.map((l) => l.replace(/^- \d\d:\d\d:\d\d( UTC)?: /, ""));
}

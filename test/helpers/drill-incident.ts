/** Reading what a drill left behind: its incident file under drills/, the plan it walked, the report's timeline. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { IncidentEvent } from "../../src/incident/events.js";
import { buildPlan, flatten } from "../../src/incident/plan.js";
import { loadRunbookFile } from "../../src/runbooks/load.js";
import type { Runbook, Severity, Step } from "../../src/runbooks/schema.js";
import { allSteps } from "../../src/runbooks/walk.js";
import { ROOT } from "./cli.js";

export interface DrillIncident {
  file: string;
  events: IncidentEvent[];
}

/** The one incident a drill run wrote under `<cwd>/incidents/drills/`. */
export function readDrillIncident(cwd: string): DrillIncident {
  const dir = path.join(cwd, "incidents", "drills");
  const names = readdirSync(dir).filter((f) => f.endsWith(".jsonl"));
  if (names.length !== 1) throw new Error(`expected one drill incident in ${dir}, found ${names.length}`);
  const file = path.join(dir, names[0]!);
  return { file, events: readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent) };
}

export async function shippedRunbook(id: string): Promise<Runbook> {
  const loaded = await loadRunbookFile(path.join(ROOT, "runbooks", `${id}.yaml`));
  if (!loaded.runbook) throw new Error(`runbooks/${id}.yaml did not load`);
  return loaded.runbook;
}

/** One of a runbook's steps by its id, wherever it sits (options, forEach); throws naming the runbook when it has none. */
export function stepById(runbook: Runbook, id: string): Step {
  const found = allSteps(runbook).find((s) => s.step.id === id);
  if (!found) throw new Error(`no step ${id} in ${runbook.id}`);
  return found.step;
}

/** Step keys of the plan in walk order, for the inputs and choices of an incident. */
export function planKeys(runbook: Runbook, severity: Severity, lists: Record<string, string[]>, chosen: Record<string, string>): string[] {
  return flatten(buildPlan({ runbook, severity, lists, chosen })).flatMap((i) => (i.kind === "step" ? [i.key] : []));
}

/** Keys of the steps the incident file says finished (run or confirmed), in order. */
export function finishedSteps(events: readonly IncidentEvent[]): string[] {
  return events.flatMap((e) => (e.type === "step.finished" ? [e.step] : []));
}

/** Every step.started has its step.finished, and seq runs 1, 2, 3 … without gaps. */
export function incidentIsWhole(events: readonly IncidentEvent[]): boolean {
  const open = new Set<string>();
  for (const e of events) {
    if (e.type === "step.started") open.add(e.step);
    else if (e.type === "step.finished" && !open.delete(e.step)) return false;
  }
  return open.size === 0 && events.every((e, i) => e.seq === i + 1);
}

/** The step rows of a Markdown report's timeline as "step: status", in the order shown (rows read "Phase › Title: status … · `key`"). */
export function timelineSteps(report: string): string[] {
  const timeline = report.split("## Timeline")[1]?.split("\n## ")[0] ?? "";
  return timeline.split("\n").flatMap((line) => {
    const m = /^- [\d:]+ UTC: .* › .*: (confirmed|passed|failed|error|timeout|cancelled)\b[^·]* · `([^`]+)`$/.exec(line);
    return m ? [`${m[2]}: ${m[1]}`] : [];
  });
}

/** The same "step: status" list from the incident events, in the order the steps started. */
export function eventSteps(events: readonly IncidentEvent[]): string[] {
  return events.flatMap((e) => (e.type === "step.finished" ? [`${e.step}: ${e.acknowledged ? "confirmed" : e.status}`] : []));
}

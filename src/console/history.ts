/** The console's history lines, made from incident events alone (live, and rebuilt on resume). Pure. */
import type { IncidentEvent } from "../incident/events.js";
import type { IncidentState } from "../incident/machine.js";
import { flatten } from "../incident/plan.js";
import type { HistoryEntry } from "../ui/store.js";

/** A step key as its title (`Deploy [curve]`), or the key itself when the plan does not hold it. */
export function titleFor(state: IncidentState | undefined, key: string): string {
  const item = state ? flatten(state.plan).find((i) => i.key === key) : undefined;
  if (item?.kind === "step") return `${item.step.title}${item.item !== undefined ? ` [${item.item}]` : ""}`;
  if (item?.kind === "choice") return `${state!.plan.find((p) => p.phase.id === item.phaseId)?.phase.title ?? item.phaseId}: the choice`;
  // A step of an option not chosen (or no longer planned) still has its title in the runbook.
  const id = key.replace(/\[.*\]$/, "");
  for (const phase of state?.runbook.phases ?? []) {
    const step = [...(phase.steps ?? []), ...(phase.options ?? []).flatMap((o) => o.steps)].find((s) => s.id === id);
    if (step) return `${step.title}${key !== id ? ` ${key.slice(id.length)}` : ""}`;
  }
  return key;
}

/** Edited runs, by step key: the history marks them. */
export type EditedSteps = Set<string>;

/** One history line for an event, if it makes one. */
export function historyOf(e: IncidentEvent, state: IncidentState | undefined, edited: EditedSteps = new Set()): HistoryEntry | undefined {
  switch (e.type) {
    case "step.started":
      if (e.edited) edited.add(e.step);
      else edited.delete(e.step);
      return undefined;
    case "step.finished": {
      const reaped = typeof e.details?.reaped === "number" && e.details.reaped > 0 ? `ended ${e.details.reaped} background process(es) it left running` : "";
      const why = e.status === "found" ? (e.found ?? []).map((x) => x.check.replace(/^found\./, "")).join("; ") : e.status !== "passed" ? (e.diagnosis?.summary ?? e.expectations.find((x) => !x.passed)?.reason ?? e.error ?? "") : "";
      const detail = [why, reaped].filter(Boolean).join(" · ");
      return {
        id: e.seq,
        key: e.step,
        title: `${titleFor(state, e.step)}${edited.has(e.step) ? " (edited)" : ""}`,
        status: e.acknowledged ? "confirmed" : e.status,
        exitCode: e.exitCode,
        durationMs: e.durationMs,
        ...(detail || e.status !== "passed" ? { detail } : {}),
      };
    }
    case "step.skipped":
      return { id: e.seq, key: e.step, title: titleFor(state, e.step), status: "skipped", exitCode: null, durationMs: 0, detail: e.reason === "jumped" && e.to ? `jumped to ${e.to}` : e.reason === "condition" && e.condition ? `passed over: ${e.condition}` : e.reason };
    case "option.chosen":
      return { id: e.seq, key: e.phase, title: `${e.phase}: ${e.option}`, status: "chosen", exitCode: null, durationMs: 0 };
    case "notify.sent":
    case "notify.failed":
      // A step's own delivery shows as the step; the ones outside a step (escalations, the resolve) get a line.
      if (e.step) return undefined;
      return { id: e.seq, key: e.escalation ?? "notify", title: `notify ${e.channel}${e.action === "resolve" ? " resolve" : ""}`, status: e.type === "notify.failed" ? "failed" : e.dryRun ? "skipped" : "passed", exitCode: null, durationMs: e.latencyMs, ...(e.type === "notify.failed" ? { detail: e.reason } : {}) };
    case "note.added":
      return { id: e.seq, key: "note", title: `note${e.actor ? ` (${e.actor})` : ""}: ${e.text}`, status: "note", exitCode: null, durationMs: 0 };
    default:
      return undefined;
  }
}

/** Output lines kept per step for an interrupted attempt's line in the history. */
const TAIL = 3;

/** The history of a whole file (resume, drill replay), with the attempts a crash interrupted marked and their last output. */
export function historyOfAll(events: readonly IncidentEvent[], state: IncidentState | undefined): HistoryEntry[] {
  const edited: EditedSteps = new Set();
  const out: HistoryEntry[] = [];
  const tails = new Map<string, string[]>();
  for (const e of events) {
    if (e.type === "step.started") tails.set(e.step, []);
    else if (e.type === "step.output") tails.set(e.step, [...(tails.get(e.step) ?? []), ...e.lines].slice(-TAIL));
    else if (e.type === "incident.resumed") {
      for (const key of e.interrupted) {
        const tail = tails.get(key) ?? [];
        out.push({ id: e.seq, key, title: titleFor(state, key), status: "interrupted", exitCode: null, durationMs: 0, detail: `handrail stopped while it ran${tail.length ? ` · last output: ${tail.join(" / ")}` : ""}` });
      }
    }
    const h = historyOf(e, state, edited);
    if (h) out.push(h);
  }
  return out;
}

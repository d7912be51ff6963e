/** The report's Timeline and "What Happened" sections: every action in the file, by title, oldest first. Pure. */
import { formatDuration } from "../runbooks/duration.js";
import type { Block, Inline, ListItem } from "./report-doc.js";
import { toMarkdown } from "./report-doc.js";
import { oldestFirst } from "./by-time.js";
import { lastAttempts } from "./report-derive.js";
import type { IncidentReport, ReportSkip, ReportStep } from "./report-model.js";

export const clockTime = (iso: string) => `${iso.slice(11, 19)} UTC`;
const show = (v: string | string[]) => (Array.isArray(v) ? v.join(", ") : v);

/** A step attempt's result in a few words: "passed, exit 0, 1.2s", "confirmed (--yes)". */
export function resultOf(s: ReportStep): string {
  if (s.acknowledged) return `confirmed (${s.acknowledged})`;
  return `${s.status}${s.exitCode !== null ? `, exit ${s.exitCode}` : ""}${s.durationMs !== undefined ? `, ${formatDuration(s.durationMs)}` : ""}`;
}

/** Why a step was passed over, in words. */
export function skipReason(k: ReportSkip): string {
  if (k.reason === "jumped") return `jumped over${k.to ? ` (to ${k.to})` : ""}`;
  if (k.reason === "condition") return `not needed${k.condition ? ` — the condition saw: ${k.condition}` : ""}`;
  return k.reason;
}

const id = (key: string): Inline[] => [" · ", { code: key }];

/** Runs of at least this many steps that passed one after another fold into one timeline row… */
export const FOLD_MIN = 10;
/** …in a timeline of more rows than this (a long incident's); a shorter one lists every step run, one row each. */
export const FOLD_ABOVE = 300;

export interface TimelineRow {
  at: string;
  text: Inline[];
  /** Set on a row that stands for this many passed steps in a row (every one of them named by count, first and last). */
  folded?: number;
}

/** A row that is not a step attempt: it is never folded. */
interface Row {
  at: string;
  text: Inline[];
}

const stepText = (s: ReportStep): Inline[] => [`${s.phaseTitle} › ${s.title}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ""}${s.edited ? " (command edited)" : ""}: ${resultOf(s)}`, ...id(s.step)];

/** One row for a run of passed steps: how many, of which phases, the first and the last, and when the last began. */
function foldedText(run: readonly ReportStep[]): Inline[] {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  const until = `the last at ${clockTime(last.startedAt)}`;
  // Plain comparisons first: a long incident folds a thousand runs, nearly all of one phase.
  let oneStep = true;
  let onePhase = true;
  for (let i = 1; i < run.length; i++) {
    const s = run[i]!;
    if (s.step !== first.step) oneStep = false;
    if (s.phaseTitle !== first.phaseTitle) onePhase = false;
  }
  if (oneStep) return [`${first.phaseTitle} › ${first.title}: passed ${run.length} times in a row (attempts ${first.attempt}–${last.attempt}), ${until}`, ...id(first.step)];
  let of = ` in ${first.phaseTitle}`;
  if (!onePhase) {
    const phases = new Map<string, number>();
    for (const s of run) phases.set(s.phaseTitle, (phases.get(s.phaseTitle) ?? 0) + 1);
    of = ` (${[...phases].map(([title, n]) => `${title} ${n}`).join(", ")})`;
  }
  return [`${run.length} steps passed in a row${of}: ${first.title} … ${last.title}, ${until}`, " · ", { code: first.step }, " … ", { code: last.step }];
}

/** For each attempt (by index), whether it passed with nothing to say: no edit, no hand confirmation, no failure of the step's attempt before (a pass right after a failure is a recovery, worth its own row). */
function routineSteps(steps: readonly ReportStep[]): Uint8Array {
  const routine = new Uint8Array(steps.length);
  // When every step ran once (its last attempt is its only one), no attempt has one before it to look up.
  const before = lastAttempts(steps).length === steps.length ? undefined : new Map<string, string>();
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const previous = before?.get(s.step);
    before?.set(s.step, s.status);
    if (s.status === "passed" && !s.edited && !s.acknowledged && (previous === undefined || previous === "passed")) routine[i] = 1;
  }
  return routine;
}

const rowAt = (row: Row) => row.at;

/** The steps' indexes oldest first, or undefined when they are in that order already (nearly always: the file appends them as they start). */
function stepOrder(steps: readonly ReportStep[]): readonly number[] | undefined {
  for (let i = 1; i < steps.length; i++) {
    if (steps[i]!.startedAt < steps[i - 1]!.startedAt) return oldestFirst(steps.map((_, j) => j), (j) => steps[j]!.startedAt);
  }
  return undefined;
}

/** A timeline row as a list item: its time, then its text. */
export function timelineItem(row: TimelineRow): Inline[] {
  return ([`${clockTime(row.at)}: `] as Inline[]).concat(row.text);
}

/**
 * The timeline rows, oldest first (a tie keeps the order below: opened, severity, inputs, options, steps, …).
 * In a timeline longer than FOLD_ABOVE, runs of FOLD_MIN or more routine passes fold into one row
 * that says how many; a failure, a retry, a note, a severity change, an escalation or a change of
 * driver is never folded: each breaks a run.
 */
export function timelineRows(r: IncidentReport): TimelineRow[] {
  const before: Row[] = [{ at: r.openedAt, text: [`Incident opened (${r.severity.initial})${r.who.openedBy ? ` by ${r.who.openedBy}` : ""}`] }];
  for (const c of r.severity.changes) before.push({ at: c.at, text: [`Severity ${c.from} → ${c.to}${c.reason ? `: ${c.reason}` : ""}`] });
  for (const c of r.inputChanges) before.push({ at: c.at, text: [`Input ${c.name} changed from `, { code: show(c.from) }, " to ", { code: show(c.to) }] });
  for (const o of r.options) before.push({ at: o.at, text: ["Chose ", { strong: o.optionTitle }, ` in ${o.phaseTitle}${o.by ? ` (${o.by})` : ""}`, ...id(`${o.phase}=${o.option}`)] });
  const after: Row[] = [];
  for (const k of r.skipped) after.push({ at: k.at, text: [`Skipped ${k.title}: ${skipReason(k)}`, ...id(k.step)] });
  for (const n of r.notes) after.push({ at: n.at, text: [`Note${n.stepTitle ? ` on ${n.stepTitle}` : ""}: ${n.text}`] });
  for (const e of r.escalations) after.push({ at: e.at, text: [`Escalated to ${e.to}${e.reason ? `: ${e.reason}` : ""}${e.acknowledgedAt ? ` (acknowledged ${clockTime(e.acknowledgedAt)}${e.acknowledgedBy ? ` by ${e.acknowledgedBy}` : ""})` : ""}`] });
  for (const x of r.resumes) after.push({ at: x.at, text: [`Incident resumed${x.by ? ` by ${x.by}` : ""}${x.interrupted.length ? ` (interrupted: ${x.interrupted.map((i) => i.title).join(", ")})` : ""}`] });
  for (const d of r.driverChanges) after.push({ at: d.at, text: [`${d.to} drives from here (${d.reason === "handed over" ? `${d.from} handed over` : d.reason === "taken over" ? `taken over from ${d.from}` : `${d.from}'s lease had expired`})`] });
  for (const x of r.locksForced) after.push({ at: x.at, text: [`Lock forced from handrail pid ${x.previous.pid} on ${x.previous.host}`] });
  if (r.sla.breachedAt) after.push({ at: r.sla.breachedAt, text: [`Response time ${r.sla.respondWithin ?? ""} breached`] });
  if (r.drill?.finishedAt && r.drill.outcome) after.push({ at: r.drill.finishedAt, text: [`Drill finished: ${r.drill.outcome.healthy ? "healthy" : "still broken"}`] });
  if (r.resolvedAt) after.push({ at: r.resolvedAt, text: [`Incident resolved${r.who.resolvedBy ? ` by ${r.who.resolvedBy}` : ""}`] });
  for (const n of r.notifications) after.push({ at: n.at, text: [`Notification ${n.outcome}: ${n.channel}${n.action === "resolve" ? " resolve" : ""} (${n.origin})`] });

  // Steps by index: whether one is routine is known by its place in r.steps.
  const steps = r.steps;
  const order = stepOrder(steps);
  const early = oldestFirst(before, rowAt);
  const late = oldestFirst(after, rowAt);
  const routine = routineSteps(steps);
  const folding = early.length + steps.length + late.length > FOLD_ABOVE;
  const out: TimelineRow[] = [];
  let run: ReportStep[] = [];
  const endRun = () => {
    if (folding && run.length >= FOLD_MIN) out.push({ at: run[0]!.startedAt, text: foldedText(run), folded: run.length });
    else for (const s of run) out.push({ at: s.startedAt, text: stepText(s) });
    run = [];
  };
  // The rows of other kinds that come before a step started at `t` (with none, all that are left), each
  // ending a run: on a tie, those of the kinds listed before the steps come first, the others after.
  let b = 0;
  let a = 0;
  const othersUntil = (t: string | undefined) => {
    for (;;) {
      const x = early[b];
      const y = late[a];
      let row: Row;
      if (x !== undefined && (t === undefined || x.at <= t) && (y === undefined || x.at <= y.at)) row = early[b++]!;
      else if (y !== undefined && (t === undefined || y.at < t)) row = late[a++]!;
      else return;
      if (run.length) endRun();
      out.push(row);
    }
  };
  // One pass in time order, the rows of other kinds merged in as it goes (each kind is in order already).
  for (let k = 0; k < steps.length; k++) {
    const i = order ? order[k]! : k;
    const s = steps[i]!;
    othersUntil(s.startedAt);
    if (routine[i]) run.push(s);
    else {
      // The row that ends a run keeps its own line.
      if (run.length) endRun();
      out.push({ at: s.startedAt, text: stepText(s) });
    }
  }
  othersUntil(undefined);
  if (run.length) endRun();
  return out;
}

/** The timeline as Markdown list items (the report, and a GitHub issue opened mid-incident). */
export function timelineLines(r: IncidentReport): string[] {
  return toMarkdown([{ list: timelineRows(r).map(timelineItem) }]).trimEnd().split("\n");
}

/** Everything out of the ordinary, by kind: jumps and skips, interruptions, edits, retries, severity, notes, escalations. */
export function whatHappened(r: IncidentReport): Block[] {
  const out: Block[] = [{ h: 2, text: ["What Happened"] }];
  const section = (title: string, items: ListItem[]) => {
    if (items.length) out.push({ h: 3, text: [title] }, { list: items });
  };
  const jumps = r.phases.filter((p) => p.jump);
  section("Jumps and skips", [
    ...jumps.map((p): ListItem => [`${clockTime(p.at)}: jumped to ${p.title}`, ...id(p.phase)]),
    ...r.skipped.map((k): ListItem => [`${clockTime(k.at)}: ${k.phaseTitle ? `${k.phaseTitle} › ` : ""}${k.title} skipped: ${skipReason(k)}`, ...id(k.step)]),
  ]);
  section("Interrupted attempts and resumes", [
    ...r.steps.filter((s) => s.status === "interrupted").map((s): ListItem => [`${clockTime(s.startedAt)}: ${s.title} (attempt ${s.attempt}) was interrupted${s.endedAt ? `; the incident was resumed at ${clockTime(s.endedAt)}` : " and never finished"}`, ...id(s.step)]),
    ...r.resumes.map((x): ListItem => [`${clockTime(x.at)}: resumed${x.by ? ` by ${x.by}` : ""}${x.runbookChanged ? " on a changed runbook" : ""}`]),
    ...r.locksForced.map((x): ListItem => [`${clockTime(x.at)}: lock forced from handrail pid ${x.previous.pid} on ${x.previous.host}`]),
  ]);
  section(
    "Edited commands",
    r.steps.filter((s) => s.edited).map((s): ListItem => ({ text: [`${clockTime(s.startedAt)}: ${s.title} — the runbook's `, { code: s.original ?? "(not recorded)" }, " was edited to:", ...id(s.step)], code: s.command ?? "", lang: "sh" })),
  );
  const retried = [...new Set(r.steps.filter((s) => s.attempt > 1).map((s) => s.step))];
  section(
    "Retries",
    retried.map((key): ListItem => {
      const attempts = r.steps.filter((s) => s.step === key);
      const recovered = r.recovered.includes(key);
      return [`${attempts[0]!.title}: ${attempts.map((a) => a.status).join(" → ")}${recovered ? " (recovered)" : ""}`, ...id(key)];
    }),
  );
  section(
    "Severity changes",
    r.severity.changes.map((c): ListItem => [`${clockTime(c.at)}: ${c.from} → ${c.to}${c.reason ? `: ${c.reason}` : ""}`]),
  );
  section(
    "Input changes",
    r.inputChanges.map((c): ListItem => [`${clockTime(c.at)}: ${c.name} `, { code: show(c.from) }, " → ", { code: show(c.to) }]),
  );
  section("Notes", r.notes.map((n): ListItem => [`${clockTime(n.at)}${n.stepTitle ? ` (on ${n.stepTitle})` : ""}: ${n.text}`]));
  section(
    "Escalations and acknowledgements",
    r.escalations.map((e): ListItem => [`${clockTime(e.at)}: escalated to ${e.to}${e.reason ? ` — ${e.reason}` : ""}; ${e.acknowledgedAt ? `acknowledged ${clockTime(e.acknowledgedAt)}${e.acknowledgedBy ? ` by ${e.acknowledgedBy}` : ""}` : "not acknowledged"}`]),
  );
  if (out.length === 1) out.push({ p: [{ quiet: "Nothing out of order: no jumps, skips, interruptions, edits, retries, severity changes, notes or escalations." }] });
  return out;
}

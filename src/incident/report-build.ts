/**
 * The incident report rebuilt from the incident file's events alone: one pass gathers what
 * happened (report-model.ts), then report-derive.ts says what it amounts to (resolution, key
 * times, evidence). Titles come from the outline incident.opened recorded; ids where it has none.
 */
import { readActionItem } from "./action-items.js";
import type { EventOf, IncidentEvent } from "./events.js";
import { OutlineIndex } from "./outline.js";
import type { IncidentReport } from "./report-model.js";
import { deriveReport } from "./report-derive.js";
import type { ReportDrill } from "./report-drill.js";
import { stepOf, type Running } from "./report-attempts.js";
import { OutputWindow, quoteEnded } from "./report-quote.js";

export interface BuildOptions {
  /** Lines of the file that are not events. */
  damagedLines?: number;
  /** Every problem of the file, one sentence each ("line 7: not JSON"). */
  integrity?: readonly string[];
}

const actorOf = (o: EventOf<"incident.opened">): string | undefined => o.actor ?? (o.user ? `${o.user}${o.host ? `@${o.host}` : ""}` : undefined);

/** The report's start, from the incident.opened event: who, where, what, at what severity. */
function openedReport(opened: EventOf<"incident.opened">): IncidentReport {
  const openedBy = actorOf(opened);
  return {
    incident: opened.incident,
    runbook: { id: opened.runbook.id, title: opened.runbook.title },
    mode: opened.mode,
    ...(opened.version ? { version: opened.version } : {}),
    ...(opened.kube ? { kube: opened.kube } : {}),
    who: { ...(openedBy ? { openedBy } : {}), resumedBy: [], acknowledgedBy: [] },
    inputs: {},
    inputChanges: [],
    severity: { initial: opened.severity, final: opened.severity, changes: [] },
    openedAt: opened.ts,
    durationMs: 0,
    keyTimes: { opened: { at: opened.ts, sinceOpenMs: 0 } },
    sla: { breached: false, severity: opened.severity, state: "running" },
    status: "open",
    steps: [],
    recovered: [],
    skipped: [],
    options: [],
    phases: [],
    resumes: [],
    driverChanges: [],
    locksForced: [],
    notes: [],
    escalations: [],
    notifications: [],
    resolution: { warnings: [], phases: [], replaced: [] },
    evidence: [],
    links: [],
    actionItems: [],
    dryRun: opened.dryRun,
    damagedLines: 0,
    ...(opened.mode === "drill" ? { drill: { scenario: opened.scenario ?? "unknown" } } : {}),
  };
}

/** What the builder holds once incident.opened is known. */
interface Gathering {
  r: IncidentReport;
  ix: OutlineIndex;
  /** Attempts started and not finished yet, by step key. */
  running: Map<string, Running>;
  escalations: Map<string, IncidentReport["escalations"][number]>;
  chosen: Map<string, IncidentReport["options"][number]>;
}

/**
 * The report gathered one event at a time, as a file is read or a store answers: the events
 * themselves are not kept. Events before incident.opened (a damaged first line) wait for it.
 */
export class ReportBuilder {
  private g: Gathering | undefined;
  private early: IncidentEvent[] = [];
  private lastTs: string | undefined;

  /** Whether incident.opened was seen: without it no report can be built. */
  get opened(): boolean {
    return this.g !== undefined;
  }

  add(e: IncidentEvent): void {
    this.lastTs = e.ts;
    if (this.g) return this.gather(this.g, e);
    if (e.type !== "incident.opened") {
      this.early.push(e);
      return;
    }
    const g: Gathering = { r: openedReport(e), ix: new OutlineIndex(e.outline), running: new Map(), escalations: new Map(), chosen: new Map() };
    this.g = g;
    for (const x of this.early.splice(0)) this.gather(g, x);
  }

  /** The report: what the events amount to, with the file's problems. */
  finish(opts: BuildOptions = {}): IncidentReport {
    if (!this.g) throw new Error("the file has no incident.opened event");
    const { r, ix, running } = this.g;
    for (const { s, out } of running.values()) quoteEnded(s, out);
    running.clear();
    r.damagedLines = opts.damagedLines ?? 0;
    if (opts.integrity?.length) r.integrity = [...opts.integrity];
    const end = r.resolvedAt ?? this.lastTs ?? r.openedAt;
    r.durationMs = Date.parse(end) - Date.parse(r.openedAt);
    deriveReport(r, ix, end);
    return r;
  }

  private gather(g: Gathering, e: IncidentEvent): void {
    // Nearly every event of a long incident is one of these three: small functions of their own are
    // optimized after a few hundred events, where the whole switch waited for thousands.
    if (e.type === "step.output") return output(g, e);
    if (e.type === "step.started") return started(g, e);
    if (e.type === "step.finished") return finished(g, e);
    this.gatherOther(g, e);
  }

  private gatherOther(g: Gathering, e: IncidentEvent): void {
    const { r, ix, running, escalations, chosen } = g;
    switch (e.type) {
      case "input.set":
        r.inputs[e.name] = e.value;
        break;
      case "input.changed":
        r.inputChanges.push({ at: e.ts, name: e.name, from: e.from, to: e.value });
        r.inputs[e.name] = e.value;
        break;
      case "severity.changed":
        r.severity.changes.push({ at: e.ts, from: e.from, to: e.to, ...(e.reason ? { reason: e.reason } : {}) });
        r.severity.final = e.to;
        break;
      case "phase.entered":
        r.phases.push({ at: e.ts, phase: e.phase, title: ix.phaseTitle(e.phase), jump: e.jump === true });
        break;
      case "step.skipped": {
        const phase = ix.phaseOfStep(e.step);
        r.skipped.push({
          at: e.ts,
          step: e.step,
          title: ix.stepTitle(e.step),
          ...(phase ? { phaseTitle: ix.phaseTitle(phase) } : {}),
          reason: e.reason,
          ...(e.to ? { to: ix.phaseTitle(e.to) } : {}),
          ...(e.condition ? { condition: e.condition } : {}),
        });
        break;
      }
      case "option.chosen": {
        const before = chosen.get(e.phase);
        if (before && before.option !== e.option) before.replaced = true;
        const o = { at: e.ts, phase: e.phase, phaseTitle: ix.phaseTitle(e.phase), option: e.option, optionTitle: ix.optionTitle(e.phase, e.option), ...(e.by ? { by: e.by } : {}) };
        chosen.set(e.phase, o);
        r.options.push(o);
        break;
      }
      case "note.added":
        r.notes.push({ at: e.ts, text: e.text, ...(e.step ? { step: e.step, stepTitle: ix.stepTitle(e.step) } : {}) });
        break;
      case "sla.breached":
        r.sla = { ...r.sla, breached: true, breachedAt: e.ts, respondWithin: e.respondWithin, severity: e.severity };
        break;
      case "escalation.raised": {
        const x = { at: e.ts, to: e.to, ...(e.reason ? { reason: e.reason } : {}) };
        escalations.set(e.key, x);
        r.escalations.push(x);
        break;
      }
      case "escalation.acknowledged": {
        const x = escalations.get(e.key);
        if (x) {
          x.acknowledgedAt = e.ts;
          if (e.actor) x.acknowledgedBy = e.actor;
        }
        if (e.actor && !r.who.acknowledgedBy.includes(e.actor)) r.who.acknowledgedBy.push(e.actor);
        break;
      }
      case "incident.resumed":
        for (const key of e.interrupted) {
          const run = running.get(key);
          if (!run) continue;
          run.s.endedAt = e.ts;
          quoteEnded(run.s, run.out);
          running.delete(key);
        }
        r.resumes.push({ at: e.ts, ...(e.actor ? { by: e.actor } : {}), interrupted: e.interrupted.map((step) => ({ step, title: ix.stepTitle(step) })), runbookChanged: e.runbookChanged !== undefined });
        if (e.actor && !r.who.resumedBy.includes(e.actor)) r.who.resumedBy.push(e.actor);
        break;
      case "lock.forced":
        r.locksForced.push({ at: e.ts, previous: { pid: e.previous.pid, host: e.previous.host } });
        break;
      case "notify.sent":
      case "notify.failed": {
        const esc = e.escalation ? escalations.get(e.escalation) : undefined;
        const origin = e.step ? ix.stepTitle(e.step) : e.escalation ? `escalation${esc ? ` to ${esc.to}` : ` ${e.escalation}`}` : e.action === "resolve" ? "resolution" : "handrail";
        r.notifications.push({
          at: e.ts,
          channel: e.channel,
          action: e.action,
          severity: e.severity,
          outcome: e.type === "notify.failed" ? "failed" : e.dryRun ? "dry run" : "sent",
          origin,
          attempts: e.attempts,
          ...(e.status !== undefined ? { status: e.status } : {}),
          latencyMs: e.latencyMs,
          ...(e.type === "notify.sent" && e.ref ? { ref: e.ref } : {}),
          ...(e.type === "notify.failed" ? { reason: e.reason } : {}),
        });
        break;
      }
      case "drill.finished":
        r.drill = { scenario: e.scenario, outcome: drillOutcomeOf(e), finishedAt: e.ts };
        if (r.status === "open") r.status = "finished";
        break;
      case "incident.resolved":
        r.status = "resolved";
        r.resolvedAt = e.ts;
        r.rootCause = e.rootCause;
        if (e.impact) r.impact = e.impact;
        r.actionItems = e.actionItems.map(readActionItem);
        if (e.actor) r.who.resolvedBy = e.actor;
        break;
      case "driver.changed":
        r.driverChanges.push({ at: e.ts, from: e.from, to: e.to, reason: e.reason });
        break;
      default:
        break;
    }

  }
}

function started({ r, ix, running }: Gathering, e: EventOf<"step.started">): void {
  r.timeToFirstActionMs ??= Date.parse(e.ts) - Date.parse(r.openedAt);
  const s = stepOf(ix, e);
  const before = running.get(e.step);
  if (before) quoteEnded(before.s, before.out);
  running.set(e.step, { s, out: undefined });
  r.steps.push(s);
}

function output({ running }: Gathering, e: EventOf<"step.output">): void {
  const run = running.get(e.step);
  if (!run) return;
  run.s.recordedLines = (run.s.recordedLines ?? 0) + e.lines.length;
  if (run.out) run.out.add(e.lines);
  else run.out = new OutputWindow(e.lines);
}

function finished({ running }: Gathering, e: EventOf<"step.finished">): void {
  const run = running.get(e.step);
  if (!run) return;
  running.delete(e.step);
  const s = run.s;
  s.status = e.status;
  s.exitCode = e.exitCode;
  s.durationMs = e.durationMs;
  s.endedAt = e.ts;
  s.reasons = e.expectations.filter((x) => !x.passed).map((x) => x.reason ?? x.check);
  if (e.error) s.reasons.push(e.error);
  if (e.diagnosis) s.diagnosis = `${e.diagnosis.summary} (${e.diagnosis.hint})`;
  if (e.found) {
    s.evidence = true;
    const held = e.found.filter((x) => x.passed).map((x) => x.check);
    if (held.length) s.found = held;
  }
  if (e.output) s.output = e.output;
  if (e.acknowledged) s.acknowledged = e.acknowledged;
  quoteEnded(s, run.out, e.tail);
}

/** One pass over the events; a report of 100,000 events costs one loop. */
export function buildReport(events: readonly IncidentEvent[], opts: BuildOptions | number = {}): IncidentReport {
  const builder = new ReportBuilder();
  for (const e of events) builder.add(e);
  return builder.finish(typeof opts === "number" ? { damagedLines: opts } : opts);
}

function drillOutcomeOf(e: EventOf<"drill.finished">): NonNullable<ReportDrill["outcome"]> {
  const { type: _type, seq: _seq, ts: _ts, ...outcome } = e;
  return outcome;
}

/**
 * The incident report, rebuilt from the incident file alone: the sections of the seed's
 * template (summary, timeline, root cause, resolution, action items) filled from events.
 */
import { plainText } from "../executors/terminal-text.js";
import { formatDuration } from "../runbooks/duration.js";
import type { EventOf, IncidentEvent } from "./events.js";
import { drillSection, type ReportDrill } from "./report-drill.js";

export interface ReportStep {
  step: string;
  phase: string;
  option?: string;
  command?: string;
  startedAt: string;
  status: string;
  exitCode: number | null;
  durationMs?: number;
  reasons: string[];
  diagnosis?: string;
  tail?: string[];
  output?: EventOf<"step.finished">["output"];
  attempt: number;
  edited?: boolean;
  acknowledged?: string;
}

export interface ReportNotification {
  at: string;
  channel: string;
  action: string;
  severity: string;
  outcome: "sent" | "failed" | "dry run";
  /** The step, or `escalation <to>`, or `resolution`. */
  origin: string;
  attempts: number;
  status?: number;
  latencyMs: number;
  ref?: string;
  reason?: string;
}

export interface IncidentReport {
  incident: string;
  runbook: { id: string; title: string };
  inputs: Record<string, string | string[]>;
  severity: { initial: string; final: string; changes: Array<{ at: string; from: string; to: string; reason?: string }> };
  openedAt: string;
  resolvedAt?: string;
  durationMs: number;
  timeToFirstActionMs?: number;
  sla: { breached: boolean; breachedAt?: string; respondWithin?: string };
  /** A drill that ended without being resolved is finished, never open. */
  status: "resolved" | "open" | "finished";
  steps: ReportStep[];
  skipped: Array<{ at: string; step: string; reason: string }>;
  options: Array<{ at: string; phase: string; option: string }>;
  notes: Array<{ at: string; text: string; step?: string }>;
  escalations: Array<{ at: string; to: string; reason?: string; acknowledgedAt?: string }>;
  notifications: ReportNotification[];
  rootCause?: string;
  actionItems: string[];
  dryRun: boolean;
  damagedLines: number;
  /** Set for incidents opened by a drill. */
  drill?: ReportDrill;
}

/** One pass over the events; a report of 100,000 events costs one loop. */
export function buildReport(events: readonly IncidentEvent[], damagedLines = 0): IncidentReport {
  const opened = events.find((e): e is EventOf<"incident.opened"> => e.type === "incident.opened");
  if (!opened) throw new Error("the file has no incident.opened event");
  const r: IncidentReport = {
    incident: opened.incident,
    runbook: opened.runbook,
    inputs: {},
    severity: { initial: opened.severity, final: opened.severity, changes: [] },
    openedAt: opened.ts,
    durationMs: 0,
    sla: { breached: false },
    status: "open",
    steps: [],
    skipped: [],
    options: [],
    notes: [],
    escalations: [],
    notifications: [],
    actionItems: [],
    dryRun: opened.dryRun,
    damagedLines,
    ...(opened.mode === "drill" ? { drill: { scenario: opened.scenario ?? "unknown" } } : {}),
  };
  const running = new Map<string, ReportStep>();
  const escalations = new Map<string, IncidentReport["escalations"][number]>();
  for (const e of events) {
    switch (e.type) {
      case "input.set":
        r.inputs[e.name] = e.value;
        break;
      case "severity.changed":
        r.severity.changes.push({ at: e.ts, from: e.from, to: e.to, ...(e.reason ? { reason: e.reason } : {}) });
        r.severity.final = e.to;
        break;
      case "step.started": {
        r.timeToFirstActionMs ??= Date.parse(e.ts) - Date.parse(opened.ts);
        const s: ReportStep = { step: e.step, phase: e.phase, ...(e.option ? { option: e.option } : {}), ...(e.command ? { command: e.command } : {}), startedAt: e.ts, status: "interrupted", exitCode: null, reasons: [], attempt: e.attempt, ...(e.edited ? { edited: true } : {}) };
        running.set(e.step, s);
        r.steps.push(s);
        break;
      }
      case "step.finished": {
        const s = running.get(e.step);
        if (!s) break;
        running.delete(e.step);
        s.status = e.status;
        s.exitCode = e.exitCode;
        s.durationMs = e.durationMs;
        s.reasons = e.expectations.filter((x) => !x.passed).map((x) => x.reason ?? x.check);
        if (e.error) s.reasons.push(e.error);
        if (e.diagnosis) s.diagnosis = `${e.diagnosis.summary} (${e.diagnosis.hint})`;
        if (e.tail) s.tail = e.tail;
        if (e.output) s.output = e.output;
        if (e.acknowledged) s.acknowledged = e.acknowledged;
        break;
      }
      case "step.skipped":
        r.skipped.push({ at: e.ts, step: e.step, reason: e.reason === "jumped" && e.to ? `jumped to ${e.to}` : e.reason === "condition" && e.condition ? `condition: ${e.condition}` : e.reason });
        break;
      case "option.chosen":
        r.options.push({ at: e.ts, phase: e.phase, option: e.option });
        break;
      case "note.added":
        r.notes.push({ at: e.ts, text: e.text, ...(e.step ? { step: e.step } : {}) });
        break;
      case "sla.breached":
        r.sla = { breached: true, breachedAt: e.ts, respondWithin: e.respondWithin };
        break;
      case "escalation.raised": {
        const x = { at: e.ts, to: e.to, ...(e.reason ? { reason: e.reason } : {}) };
        escalations.set(e.key, x);
        r.escalations.push(x);
        break;
      }
      case "escalation.acknowledged": {
        const x = escalations.get(e.key);
        if (x) x.acknowledgedAt = e.ts;
        break;
      }
      case "notify.sent":
      case "notify.failed": {
        const esc = e.escalation ? escalations.get(e.escalation) : undefined;
        const origin = e.step ?? (e.escalation ? `escalation${esc ? ` to ${esc.to}` : ` ${e.escalation}`}` : e.action === "resolve" ? "resolution" : "handrail");
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
        r.actionItems = e.actionItems;
        break;
      default:
        break;
    }
  }
  const end = r.resolvedAt ?? events.at(-1)?.ts ?? opened.ts;
  r.durationMs = Date.parse(end) - Date.parse(opened.ts);
  return r;
}

function drillOutcomeOf(e: EventOf<"drill.finished">): NonNullable<ReportDrill["outcome"]> {
  const { type: _type, seq: _seq, ts: _ts, ...outcome } = e;
  return outcome;
}

const time = (iso: string) => `${iso.slice(11, 19)} UTC`;
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The timeline as Markdown list items, oldest first (the report, and a GitHub issue opened mid-incident). */
export function timelineLines(r: IncidentReport): string[] {
  type Row = { at: string; text: string };
  const rows: Row[] = [{ at: r.openedAt, text: `Incident opened (${r.severity.initial})` }];
  for (const c of r.severity.changes) rows.push({ at: c.at, text: `Severity ${c.from} → ${c.to}${c.reason ? `: ${c.reason}` : ""}` });
  for (const o of r.options) rows.push({ at: o.at, text: `Chose option **${o.option}** in ${o.phase}` });
  for (const s of r.steps) {
    const result = s.acknowledged ? `confirmed (${s.acknowledged})` : `${s.status}${s.exitCode !== null ? `, exit ${s.exitCode}` : ""}${s.durationMs !== undefined ? `, ${formatDuration(s.durationMs)}` : ""}`;
    rows.push({ at: s.startedAt, text: `${s.phase} › ${s.step}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ""}${s.edited ? " (command edited)" : ""}: ${result}${s.command && !s.acknowledged ? ` — \`${cell(s.command.split("\n")[0]!)}\`` : ""}` });
  }
  for (const s of r.skipped) rows.push({ at: s.at, text: `Skipped ${s.step}: ${s.reason}` });
  for (const n of r.notes) rows.push({ at: n.at, text: `Note${n.step ? ` on ${n.step}` : ""}: ${n.text}` });
  for (const e of r.escalations) rows.push({ at: e.at, text: `Escalated to ${e.to}${e.reason ? `: ${e.reason}` : ""}${e.acknowledgedAt ? ` (acknowledged ${time(e.acknowledgedAt)})` : ""}` });
  if (r.sla.breachedAt) rows.push({ at: r.sla.breachedAt, text: `Response time ${r.sla.respondWithin} breached` });
  if (r.drill?.finishedAt && r.drill.outcome) rows.push({ at: r.drill.finishedAt, text: `Drill finished: ${r.drill.outcome.healthy ? "healthy" : "still broken"}` });
  if (r.resolvedAt) rows.push({ at: r.resolvedAt, text: "Incident resolved" });
  for (const n of r.notifications) rows.push({ at: n.at, text: `Notification ${n.outcome}: ${n.channel}${n.action === "resolve" ? " resolve" : ""} (${n.origin})` });
  rows.sort((a, b) => a.at.localeCompare(b.at));
  return rows.map((row) => `- ${time(row.at)}: ${row.text}`);
}

function notificationLines(r: IncidentReport): string[] {
  if (r.notifications.length === 0) return ["_No notifications._"];
  const out = ["| time | channel | from | severity | outcome | attempts | status | latency | detail |", "|---|---|---|---|---|---|---|---|---|"];
  for (const n of r.notifications) {
    const detail = n.reason ?? n.ref ?? "";
    out.push(`| ${time(n.at)} | ${n.channel}${n.action === "resolve" ? " (resolve)" : ""} | ${cell(n.origin)} | ${n.severity} | ${n.outcome} | ${n.attempts} | ${n.status ?? "–"} | ${formatDuration(n.latencyMs)} | ${cell(detail)} |`);
  }
  return out;
}

/** The report as Markdown, in the order of the seed's incident report template. */
export function renderMarkdown(r: IncidentReport): string {
  const out: string[] = [];
  const inputs = Object.entries(r.inputs).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : v}`);
  out.push(`# Incident Report: ${r.runbook.title}${r.dryRun ? " (dry run)" : ""}${r.drill ? " (DRILL)" : ""}`, "");
  out.push("## Summary", "");
  out.push(`- Incident: ${r.incident}`);
  out.push(`- Runbook: ${r.runbook.id}`);
  for (const key of ["environment", "service", "namespace"]) {
    const v = r.inputs[key];
    if (v !== undefined) out.push(`- ${key[0]!.toUpperCase()}${key.slice(1)}: ${Array.isArray(v) ? v.join(", ") : v}`);
  }
  out.push(`- Severity: ${r.severity.final}${r.severity.changes.length ? ` (opened as ${r.severity.initial})` : ""}`);
  out.push(`- Opened: ${r.openedAt}`);
  out.push(`- Status: ${r.status === "resolved" ? `resolved ${r.resolvedAt}` : r.status}`);
  out.push(`- Duration: ${formatDuration(r.durationMs)}`);
  if (r.timeToFirstActionMs !== undefined) out.push(`- Time to first action: ${formatDuration(r.timeToFirstActionMs)}`);
  out.push(`- Response time: ${r.sla.breached ? `breached at ${r.sla.breachedAt} (${r.sla.respondWithin})` : "met"}`);
  if (inputs.length) out.push(`- Inputs: ${inputs.join(" ")}`);
  const failed = r.steps.filter((s) => s.status !== "passed" && s.status !== "found");
  const found = r.steps.filter((s) => s.status === "found").length;
  const jumped = r.skipped.filter((s) => s.reason.startsWith("jumped")).length;
  const notNeeded = r.skipped.filter((s) => s.reason.startsWith("condition")).length;
  const gaps = [jumped ? `${jumped} jumped over` : "", notNeeded ? `${notNeeded} not needed by their condition` : ""].filter(Boolean).join(", ");
  out.push(`- Steps: ${r.steps.length} run, ${r.steps.length - failed.length - found} passed, ${found ? `${found} found the symptom, ` : ""}${failed.length} not passed, ${r.skipped.length} skipped${gaps ? ` (${gaps})` : ""}`);
  if (r.damagedLines) out.push(`- Note: ${r.damagedLines} damaged line(s) in the incident file were skipped`);
  out.push("");

  if (r.drill) out.push(...drillSection(r.drill));
  out.push("## Timeline", "", ...timelineLines(r), "");

  if (failed.length) {
    out.push("## Failed steps", "");
    for (const s of failed) {
      out.push(`### ${s.step} — ${s.status}`, "");
      if (s.command) out.push("```sh", s.command, "```", "");
      for (const reason of s.reasons) out.push(`- ${reason}`);
      if (s.diagnosis) out.push(`- Diagnosis: ${s.diagnosis}`);
      if (s.output) out.push(`- Full output: ${s.output.path} (${s.output.lines} lines, ${s.output.bytes} bytes, sha256 ${s.output.sha256.slice(0, 12)}…)`);
      if (s.tail?.length) out.push("", "```", ...s.tail, "```");
      out.push("");
    }
  }
  out.push("## Notifications", "", ...notificationLines(r), "");
  out.push("## Root Cause", "", r.rootCause ?? "_Not recorded yet: `handrail resolve` records it._", "");
  out.push("## Resolution", "");
  const remediation = r.steps.filter((s) => s.status === "passed" && (s.phase.includes("remed") || s.option));
  if (r.options.length) out.push(...r.options.map((o) => `- ${o.phase}: ${o.option}`));
  if (remediation.length) out.push(...remediation.map((s) => `- ${s.step} passed${s.command ? `: \`${cell(s.command.split("\n")[0]!)}\`` : ""}`));
  if (!r.options.length && !remediation.length) out.push("_No remediation step recorded._");
  out.push("");
  out.push("## Action Items", "");
  if (r.actionItems.length) out.push(...r.actionItems.map((a) => `- [ ] ${a}`));
  else out.push("_None recorded yet._");
  out.push("");
  // Step output, notes and commands may hold escape sequences; a report read with `cat` must not run them.
  return plainText(out.join("\n"));
}

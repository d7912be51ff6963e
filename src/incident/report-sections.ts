/** The report's sections as document blocks (report-doc.ts), in the order a postmortem reads them. Pure. */
import { formatDuration } from "../runbooks/duration.js";
import type { Block, Inline, ListItem } from "./report-doc.js";
import { drillSection } from "./report-drill.js";
import { QUOTE_LINES } from "./report-quote.js";
import { lastAttempts } from "./report-derive.js";
import { ganttMermaid, ganttSvg } from "./report-gantt.js";
import type { IncidentReport, KeyTime, ReportStep } from "./report-model.js";
import { clockTime, FOLD_MIN, resultOf, timelineItem, timelineRows, whatHappened } from "./report-timeline.js";

const OK = new Set(["passed", "found"]);
const show = (v: string | string[]) => (Array.isArray(v) ? v.join(", ") : v);
const cap = (s: string) => `${s[0]?.toUpperCase() ?? ""}${s.slice(1)}`;

function summary(r: IncidentReport): Block[] {
  const items: Inline[][] = [];
  const status =
    r.status === "resolved" ? `resolved ${r.resolvedAt}${r.who.resolvedBy ? ` by ${r.who.resolvedBy}` : ""}`
    : r.status === "finished" ? `drill finished${r.drill?.outcome ? ` (${r.drill.outcome.healthy ? "healthy" : "STILL BROKEN"})` : ""}`
    : "open";
  items.push([`Status: ${status}`]);
  items.push(["Runbook: ", r.runbook.title, " · ", { code: r.runbook.id }]);
  items.push(["Incident: ", { code: r.incident }]);
  for (const key of ["environment", "service"]) {
    const v = r.inputs[key];
    if (v !== undefined) items.push([`${cap(key)}: ${show(v)}`]);
  }
  const k = r.kube;
  const where: Inline[] = k && (k.context || k.server || k.namespace) ? [] : ["not recorded (no Kubernetes target)"];
  if (k?.context) where.push("context ", { code: k.context });
  if (k?.server) where.push(where.length ? " · " : "", "cluster ", { code: k.server });
  // The namespace the steps were given wins over the context's default, which is all the kube target knows.
  const ns = typeof r.inputs.namespace === "string" ? r.inputs.namespace : undefined;
  if (ns) where.push(where.length ? " · " : "", "namespace ", { code: ns }, ...(k?.namespace && k.namespace !== ns ? [` (the context's default: `, { code: k.namespace }, ")"] : []));
  else if (k?.namespace) where.push(where.length ? " · " : "", "namespace ", { code: k.namespace });
  items.push(["Where: ", ...where]);
  const who = [
    `opened by ${r.who.openedBy ?? "(not recorded)"}`,
    ...(r.who.resumedBy.length ? [`resumed by ${r.who.resumedBy.join(", ")}`] : []),
    ...(r.driverChanges.length ? [`driven by ${[r.driverChanges[0]!.from, ...r.driverChanges.map((d) => d.to)].join(", then ")}`] : []),
    ...(r.who.acknowledgedBy.length ? [`escalations acknowledged by ${r.who.acknowledgedBy.join(", ")}`] : []),
    ...(r.status === "resolved" ? [`resolved by ${r.who.resolvedBy ?? "(not recorded)"}`] : []),
  ];
  items.push([`Who: ${who.join("; ")}`]);
  items.push([`Severity: ${r.severity.final}${r.severity.changes.length ? ` (opened as ${r.severity.initial})` : ""}`]);
  items.push([`Opened: ${r.openedAt}`]);
  // An open incident has not ended: what the file holds is how long it has run up to its last event, not how long it lasted.
  items.push([r.status === "open" ? `Duration: still open; ${formatDuration(r.durationMs)} from its opening to its last event` : `Duration: ${formatDuration(r.durationMs)}`]);
  if (r.timeToFirstActionMs !== undefined) items.push([`Time to first action: ${formatDuration(r.timeToFirstActionMs)}`]);
  items.push([`Response time: ${responseTime(r)}`]);
  const inputs = Object.entries(r.inputs);
  if (inputs.length) items.push(["Inputs: ", ...inputs.flatMap(([name, v], i): Inline[] => [...(i ? [" "] : []), { code: `${name}=${show(v)}` }])]);
  const last = lastAttempts(r.steps);
  const failed = last.filter((s) => !OK.has(s.status)).length;
  const found = last.filter((s) => s.status === "found").length;
  const jumped = r.skipped.filter((s) => s.reason === "jumped").length;
  const notNeeded = r.skipped.filter((s) => s.reason === "condition").length;
  const gaps = [jumped ? `${jumped} jumped over` : "", notNeeded ? `${notNeeded} not needed by their condition` : ""].filter(Boolean).join(", ");
  items.push([`Steps: ${last.length} run, ${last.length - failed - found} passed, ${found ? `${found} found the symptom, ` : ""}${r.recovered.length ? `${r.recovered.length} recovered on a retry, ` : ""}${failed} not passed, ${r.skipped.length} skipped${gaps ? ` (${gaps})` : ""}`]);
  if (r.damagedLines) items.push([`Note: ${r.damagedLines} damaged line(s) in the incident file were skipped`]);
  return [{ h: 2, text: ["Summary"] }, { list: items }];
}

function responseTime(r: IncidentReport): string {
  const s = r.sla;
  const of = `${s.respondWithin ?? "?"} for ${s.severity}`;
  if (s.state === "breached") return `breached (${of}${s.breachedAt ? `, at ${s.breachedAt}` : s.dueAt ? `, due ${s.dueAt}` : ""})`;
  if (s.state === "met") return `met (${of})`;
  return `running (${of}${s.dueAt ? `, due ${s.dueAt}` : ""})`;
}

function keyTimes(r: IncidentReport): Block[] {
  const row = (what: string, t: KeyTime | undefined, missing: string): Inline[][] => [[what], [t ? clockTime(t.at) : "—"], [t ? formatDuration(t.sinceOpenMs) : missing]];
  const k = r.keyTimes;
  return [
    { h: 2, text: ["Key Times"] },
    {
      table: {
        head: ["moment", "time", "after opening"],
        rows: [
          row("Opened", k.opened, ""),
          row("First action", k.firstAction, "no step ran"),
          row("Diagnosed (first remedy chosen)", k.diagnosed, "no remedy chosen"),
          row("Mitigated (a verification passed after the remedy)", k.mitigated, "no verification passed after a remedy"),
          row("Resolved", k.resolved, r.status === "resolved" ? "" : "not resolved"),
        ],
      },
    },
    { p: [`Response time ${responseTime(r)}.${r.severity.changes.length ? ` Severity in force: ${[r.severity.initial, ...r.severity.changes.map((c) => `${c.to} from ${clockTime(c.at)}`)].join(", then ")}.` : ""}`] },
  ];
}

const stepItem = (s: ReportStep): ListItem => {
  const text: Inline[] = [{ strong: s.title }, ` — ${OK.has(s.status) || s.acknowledged ? resultOf(s) : resultOf(s).replace(/^\w+/, (w) => w.toUpperCase())}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ""} · `, { code: s.step }];
  return s.command !== undefined ? { text, code: s.command, lang: s.kind === "run" ? "sh" : "" } : text;
};

function resolution(r: IncidentReport): Block[] {
  const out: Block[] = [{ h: 2, text: ["Resolution"] }];
  for (const w of r.resolution.warnings) out.push({ p: [{ strong: w }] });
  if (r.drill?.outcome?.healthy) out.push({ p: [`The drill ended healthy: ${r.drill.outcome.detail}.`] });
  for (const p of r.resolution.phases) {
    out.push({ h: 3, text: [p.title, ...(p.optionTitle ? [` — ${p.optionTitle}`] : []), " · ", { code: p.option ? `${p.phase}=${p.option}` : p.phase }] });
    out.push({ list: p.steps.map(stepItem), ordered: true });
  }
  if (r.resolution.replaced.length) out.push({ p: [`Chosen first and then replaced: ${r.resolution.replaced.map((x) => `${x.optionTitle} (${x.phaseTitle})`).join(", ")}.`] });
  if (r.resolution.phases.length === 0 && r.resolution.warnings.length === 0) out.push({ p: [{ quiet: "No remediation step recorded." }] });
  return out;
}

function evidence(r: IncidentReport): Block[] {
  if (r.evidence.length === 0) return [];
  const out: Block[] = [{ h: 2, text: ["Evidence"] }];
  for (const s of r.evidence) {
    out.push({ h: 3, text: [`${s.phaseTitle} › ${s.title} — ${s.status}`, " · ", { code: s.step }] });
    if (s.command !== undefined) out.push({ code: s.command, lang: "sh" });
    if (s.found?.length) out.push({ p: ["The symptom was found by: ", ...s.found.flatMap((f, i): Inline[] => [...(i ? [", "] : []), { code: f.replace(/^found\./, "") }])] });
    const lines = quoted(s);
    if (lines.length) out.push({ code: lines.join("\n"), lang: "text" });
    if (s.output) out.push({ p: ["Full output: ", { link: s.output.path, href: s.output.path }, ` (${s.output.lines} lines, ${s.output.bytes} bytes, sha256 ${s.output.sha256.slice(0, 12)}…)`] });
  }
  return out;
}

/** The first and last lines of a step's output, each line once, with how many were left out between. */
export function quoted(s: ReportStep): string[] {
  const head = (s.head ?? []).slice(0, QUOTE_LINES);
  const tail = (s.tail ?? []).slice(-QUOTE_LINES);
  const total = Math.max(s.output?.lines ?? 0, s.recordedLines ?? 0, head.length);
  if (total <= head.length + tail.length) return [...head, ...tail.slice(Math.max(0, tail.length - (total - head.length)))];
  const between = total - head.length - tail.length;
  return [...head, `… (${between} line${between === 1 ? "" : "s"} not quoted)`, ...tail];
}

function failedSteps(r: IncidentReport): Block[] {
  const failed = lastAttempts(r.steps).filter((s) => !OK.has(s.status));
  if (failed.length === 0) return [];
  const out: Block[] = [{ h: 2, text: ["Failed Steps"] }];
  for (const s of failed) {
    out.push({ h: 3, text: [`${s.title} — ${s.status}`, " · ", { code: s.step }] });
    out.push({ p: [{ quiet: `${s.phaseTitle}${s.optionTitle ? ` › ${s.optionTitle}` : ""}, attempt ${s.attempt}` }] });
    if (s.command !== undefined) out.push({ code: s.command, lang: s.kind === "run" ? "sh" : "" });
    const facts: ListItem[] = [...s.reasons.map((x): ListItem => [x]), ...(s.diagnosis ? [[`Diagnosis: ${s.diagnosis}`] as ListItem] : [])];
    if (s.output) facts.push(["Full output: ", { link: s.output.path, href: s.output.path }, ` (${s.output.lines} lines, ${s.output.bytes} bytes, sha256 ${s.output.sha256.slice(0, 12)}…)`]);
    if (facts.length) out.push({ list: facts });
    if (s.tail?.length) out.push({ code: s.tail.join("\n"), lang: "text" });
  }
  return out;
}

function timeline(r: IncidentReport): Block[] {
  const rows = timelineRows(r);
  let runs = 0;
  let steps = 0;
  for (const row of rows) {
    if (row.folded === undefined) continue;
    runs++;
    steps += row.folded;
  }
  const folded: Block[] = runs ? [{ p: [{ quiet: `A long timeline: runs of ${FOLD_MIN} or more steps that passed one after another are one line each (${runs} line${runs === 1 ? "" : "s"} for ${steps} steps); every failure, retry, note, severity change, escalation and change of driver keeps its own line.` }] }] : [];
  return [{ h: 2, text: ["Timeline"] }, ...folded, { list: rows.map(timelineItem) }];
}

function notifications(r: IncidentReport): Block[] {
  const out: Block[] = [{ h: 2, text: ["Notifications"] }];
  if (r.notifications.length === 0) return [...out, { p: [{ quiet: "No notifications." }] }];
  const rows = r.notifications.map((n) => [
    [clockTime(n.at)],
    [`${n.channel}${n.action === "resolve" ? " (resolve)" : ""}`],
    [n.origin],
    [n.severity],
    [n.outcome],
    [String(n.attempts)],
    [n.status !== undefined ? String(n.status) : "–"],
    [formatDuration(n.latencyMs)],
    [n.reason ?? n.ref ?? ""],
  ]);
  return [...out, { table: { head: ["time", "channel", "from", "severity", "outcome", "attempts", "status", "latency", "detail"], rows } }];
}

function actionItems(r: IncidentReport): Block[] {
  const out: Block[] = [{ h: 2, text: ["Action Items"] }];
  if (r.actionItems.length === 0) return [...out, { p: [{ quiet: "None recorded yet." }] }];
  return [...out, { list: r.actionItems.map((a) => [a.text, ...(a.owner || a.due ? [` — ${[a.owner ? `owner @${a.owner}` : "", a.due ? `due ${a.due}` : ""].filter(Boolean).join(", ")}`] : [])]), task: true }];
}

/** Every section, in order, each made when it is asked for: the Markdown writes one and lets its blocks go before making the next. */
export function reportSections(r: IncidentReport): Array<() => Block[]> {
  const title = `Incident Report: ${r.runbook.title}${r.dryRun ? " (dry run)" : ""}${r.drill ? " (DRILL)" : ""}`;
  return [
    () => [{ h: 1, text: [title] }, { p: [{ quiet: `Incident ${r.incident} · runbook ${r.runbook.id}${r.version ? ` · handrail ${r.version}` : ""}` }] }],
    () => summary(r),
    () => (r.integrity?.length ? [{ h: 2, text: ["Damaged Lines"] }, { p: ["The incident file has lines that could not be read as events, or are missing or repeated; the report is built from the rest."] }, { list: r.integrity.map((x) => [x]) }] : []),
    () => keyTimes(r),
    () => (r.drill ? drillSection(r.drill) : []),
    () => resolution(r),
    () => [{ h: 2, text: ["Root Cause"] }, r.rootCause ? { p: [r.rootCause] } : { p: ["Not recorded yet: ", { code: "handrail resolve --root-cause" }, " records it."] }],
    () => [{ h: 2, text: ["Impact"] }, r.impact ? { p: [r.impact] } : { p: ["Not recorded: ", { code: "handrail resolve --impact" }, " records it."] }],
    () => evidence(r),
    () => (r.links.length ? [{ h: 2, text: ["Links"] }, { list: r.links.map((l): Inline[] => [{ link: l.title, href: l.url }, ...(l.step ? [" · ", { code: l.step } as Inline] : [])]) }] : []),
    () => failedSteps(r),
    () => timeline(r),
    () => whatHappened(r),
    () => notifications(r),
    () => (r.steps.length ? [{ h: 2, text: ["Phases Over Time"] }, { diagram: "gantt", mermaid: ganttMermaid(r), svg: ganttSvg(r) }] : []),
    () => actionItems(r),
  ];
}

/** Every section's blocks, in order. */
export function reportBlocks(r: IncidentReport): Block[] {
  return reportSections(r).flatMap((section) => section());
}

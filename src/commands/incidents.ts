/** `handrail report`, `handrail resolve`, `handrail incidents`: the incident store from the command line. */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { formatDuration } from "../runbooks/duration.js";
import type { EventOf, IncidentEvent } from "../incident/events.js";
import { IncidentFileError, IncidentLog, readIncidentFile } from "../incident/log.js";
import { MASK, Redactor } from "../incident/redact.js";
import { replay } from "../incident/machine.js";
import { Notifier } from "../incident/notifier.js";
import { buildReport } from "../incident/report.js";
import { parseActionItem } from "../incident/action-items.js";
import { operatorName } from "../incident/identity.js";
import { inputToEnv } from "../runbooks/inputs.js";
import type { Runbook } from "../runbooks/schema.js";
import { loadNotifySettings } from "./notify-config.js";
import type { IncidentCard } from "../ui/store.js";
import { byUrgency, marksOf, marksText, type Urgency } from "../ui/urgency.js";
import { openLibrary, type CommandContext } from "./context.js";
import { respondWithinFrom, urgencyOf, type RespondWithin } from "./incident-clock.js";
import { DRILLS_SUBDIR, findIncident, incidentsDir } from "./incident-files.js";
import { table } from "./list.js";
import { flushShared, openSharedStore, resumeShared, storeUrl } from "./store.js";
import { fileStore } from "../incident/store/file.js";
import type { SharedStore } from "../incident/store/pg-store.js";
import { byCodePoint } from "../util/compare.js";

export interface ResolveOptions {
  rootCause?: string;
  actionItem?: string[];
  impact?: string;
  forceUnlock?: boolean;
  /** On a shared store: take the lease from the driver (after agreeing with them). */
  takeOver?: boolean;
}

export async function resolveCommand(ctx: CommandContext, ref: string, opts: ResolveOptions): Promise<void> {
  if (!opts.rootCause || opts.rootCause.trim() === "") throw new UsageError("--root-cause TEXT is required", 'e.g. handrail resolve INCIDENT --root-cause "bad image tag" --action-item "pin image digests @alice 2026-12-20"');
  for (const item of opts.actionItem ?? []) {
    const parsed = parseActionItem(item);
    if (!parsed.ok) throw new UsageError(`--action-item "${item}": ${parsed.problem}`, 'an action item is "text", optionally followed by @owner and a due date: --action-item "pin image digests @alice 2026-12-20"');
  }
  const settings = await loadNotifySettings(ctx.env);
  // On a shared store, resolving drives the incident for a moment: the lease, then the same file as a resume gets.
  const shared = await openSharedStore(ctx, { warn: (line) => process.stderr.write(`${line}\n`) });
  try {
    await resolveIn(ctx, ref, opts, settings, shared);
  } finally {
    await shared?.close();
  }
}

async function resolveIn(ctx: CommandContext, ref: string, opts: ResolveOptions, settings: Awaited<ReturnType<typeof loadNotifySettings>>, shared: SharedStore | undefined): Promise<void> {
  const actor = operatorName(ctx.env);
  const sharedResume = await resumeShared(ctx, shared, ref, actor, (line) => process.stderr.write(`${line}\n`), opts.takeOver === true);
  const file = sharedResume?.file ?? findIncident(ctx, ref);
  let log: IncidentLog;
  let events: IncidentEvent[];
  try {
    const { log: reopened, read } = IncidentLog.reopen(file, { forceUnlock: opts.forceUnlock === true });
    log = reopened;
    events = read.events;
    for (const issue of read.issues) process.stderr.write(`warning: ${issue.message}\n`);
    if (log.forcedFrom) process.stderr.write(`forced the lock of handrail pid ${log.forcedFrom.pid} on ${log.forcedFrom.host} (recorded in the incident as lock.forced)\n`);
    if (log.takenOverFrom !== undefined) process.stderr.write(`took over the lock of handrail pid ${log.takenOverFrom}, which is no longer running\n`);
    if (read.events.some((e) => e.type === "incident.resolved")) {
      log.close();
      throw new UsageError(`${path.basename(file, ".jsonl")} is already resolved`);
    }
  } catch (e) {
    if (e instanceof IncidentFileError) throw new UsageError(e.message);
    throw e;
  }
  const opened = events[0] as EventOf<"incident.opened">;
  const sink = sharedResume ? sharedResume.driving.attach(log, opened.incident) : fileStore(log);
  const previous = sharedResume?.driving.previous;
  if (previous) sink.append({ type: "driver.changed", from: previous.holder, to: actor, reason: previous.expired ? "expired" : "taken over" });
  let redact = new Redactor();
  let notifier: Notifier | undefined;
  try {
    const impact = opts.impact?.trim() ? { impact: redact.text(opts.impact) } : {};
    const resolved = sink.append({ type: "incident.resolved", rootCause: redact.text(opts.rootCause!), actionItems: (opts.actionItem ?? []).map((a) => redact.text(a)), ...impact, actor });
    events.push(resolved);
    // What was paged is resolved too. The runbook may be gone from the search path: the file knows enough.
    // reopen refused a file whose first event is not incident.opened.
    const stub = { apiVersion: "handrail/v1", kind: "Runbook", id: opened.runbook.id, title: opened.runbook.title, phases: [] } as unknown as Runbook;
    const state = replay(stub, events);
    notifier = new Notifier({
      state,
      file,
      record: (body) => {
        const e = sink.append(body);
        const line = e.type === "notify.sent" ? `resolved on ${e.channel} (${e.status ?? "sent"})` : e.type === "notify.failed" ? `could not resolve on ${e.channel}: ${e.reason}` : "";
        if (line) process.stdout.write(`${line}\n`);
        return e;
      },
      shownVars: () => ({ incident_id: state.id ?? "", severity: state.severity, runbook_id: stub.id, ...Object.fromEntries(Object.entries(state.inputs).map(([k, v]) => [k, inputToEnv(v)])), ...Object.fromEntries(state.secrets.map((k) => [k, MASK])) }),
      redact: (text) => redact.text(text),
      addSecrets: (values) => {
        redact = redact.with(values);
      },
    });
    notifier.configure(settings, ctx.env);
    notifier.resolved(events);
    await notifier.settle();
  } finally {
    await flushShared(sink, shared, (line) => process.stderr.write(`${line}\n`));
    sink.close();
  }
  process.stdout.write(`resolved ${path.basename(file, ".jsonl")}\nreport: handrail report ${path.basename(file, ".jsonl")}\n`);
}

export interface IncidentRow {
  id: string;
  runbook: string;
  severity: string;
  /** `finished`: a drill that reached its end (drills are never resolved). */
  status: "open" | "resolved" | "finished";
  openedAt: string;
  age: string;
  steps: number;
  file: string;
  modified: string;
  /** The drill scenario, for incidents opened by a drill (they live in the store's drills/ directory). */
  drill?: string;
  /** What is wrong with the file, line by line (integrity.ts); absent when nothing is. */
  problems?: string[];
  /** The response-time clock, a half-done step, a dry run: what decides the order of open incidents. */
  urgency: Urgency;
}

export interface ListOptions {
  /** The runbooks' own response times (the search path's); without it, or for a runbook it lacks, the defaults. */
  respondWithin?: RespondWithin;
}

/** A .jsonl in the store that cannot be listed as an incident: its incident.opened is lost, or it cannot be read. */
export interface DamagedFile {
  id: string;
  file: string;
  modified?: string;
  problems: string[];
}

function scan(dir: string, now: number, opts: ListOptions): { rows: IncidentRow[]; damaged: DamagedFile[] } {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".jsonl"));
  } catch {
    names = [];
  }
  const rows: IncidentRow[] = [];
  const damaged: DamagedFile[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const id = name.replace(/\.jsonl$/, "");
    let modified: string | undefined;
    try {
      modified = statSync(file).mtime.toISOString();
      const read = readIncidentFile(file);
      const problems = read.issues.length > 0 ? { problems: read.issues.map((i) => i.message) } : {};
      const opened = read.events.find((e) => e.type === "incident.opened");
      if (opened?.type !== "incident.opened") {
        damaged.push({ id, file, modified, problems: problems.problems ?? ["no incident.opened event"] });
        continue;
      }
      const r = buildReport(read.events, read.damaged.length);
      const drill = opened.mode === "drill" ? { drill: opened.scenario ?? "drill" } : {};
      const status = r.status === "resolved" ? "resolved" : r.drill?.outcome ? "finished" : "open";
      const endedAt = r.resolvedAt ?? r.drill?.finishedAt;
      const urgency = urgencyOf(file, read.events, { runbook: r.runbook.id, severity: r.severity.final, openedAt: r.openedAt, ...(endedAt ? { endedAt } : {}), open: status === "open", dryRun: r.dryRun }, now, opts.respondWithin);
      rows.push({ id: r.incident, runbook: r.runbook.id, severity: r.severity.final, status, openedAt: r.openedAt, age: formatDuration(now - Date.parse(r.openedAt)), steps: r.steps.length, file, modified, ...drill, ...problems, urgency });
    } catch (e) {
      damaged.push({ id, file, ...(modified ? { modified } : {}), problems: [`cannot be read: ${(e as Error).message}`] });
    }
  }
  return { rows, damaged };
}

function scanStore(dir: string, now: number, opts: ListOptions): { rows: IncidentRow[]; damaged: DamagedFile[] } {
  const top = scan(dir, now, opts);
  const drills = scan(path.join(dir, DRILLS_SUBDIR), now, opts);
  const rows = [...top.rows, ...drills.rows].sort((a, b) => byCodePoint(b.openedAt, a.openedAt) || byCodePoint(b.id, a.id));
  return { rows, damaged: [...top.damaged, ...drills.damaged] };
}

/** The incidents of a store and of its drills/ directory, newest first; files without an incident.opened are left out (incidents lists them). */
export function listIncidentRows(dir: string, opts: ListOptions = {}): IncidentRow[] {
  return scanStore(dir, Date.now(), opts).rows;
}

/** What home lists: the store's incidents with their urgency. Drills are left out: their simulated world ended with them. */
export function incidentCards(dir: string, opts: ListOptions = {}): IncidentCard[] {
  return listIncidentRows(dir, opts)
    .filter((r) => r.drill === undefined)
    .map((r) => ({ id: r.id, file: r.file, runbook: r.runbook, severity: r.severity, status: r.status, age: r.age, openedAt: r.openedAt, urgency: r.urgency, ...(r.problems ? { problems: r.problems } : {}) }));
}

function damageCell(problems: readonly string[] | undefined): string {
  if (!problems?.length) return "";
  return `! ${problems[0]}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ""}`;
}

/** `handrail incidents`: open incidents most urgent first (or all newest first), then the damaged files. */
export async function incidentsCommand(ctx: CommandContext, opts: { json?: boolean; newest?: boolean }): Promise<void> {
  // With a shared store, the store's incidents (whoever opened them); the local directory otherwise.
  if (storeUrl(ctx) !== undefined) return (await import("./store-incidents.js")).storeIncidentsCommand(ctx, opts);
  const dir = incidentsDir(ctx);
  // The runbooks' own response times; a broken runbook on the path is `validate`'s business, not this listing's.
  const lib = await openLibrary(ctx, () => undefined);
  const now = Date.now();
  const scanned = scanStore(dir, now, { respondWithin: respondWithinFrom(lib.entries) });
  const rows = opts.newest ? scanned.rows : byUrgency(scanned.rows, now);
  const damaged = scanned.damaged;
  if (opts.json) {
    const lost = damaged.map((d) => ({ id: d.id, status: "damaged", file: d.file, ...(d.modified ? { modified: d.modified } : {}), problems: d.problems }));
    process.stdout.write(`${JSON.stringify([...rows, ...lost], null, 2)}\n`);
    return;
  }
  if (rows.length === 0 && damaged.length === 0) {
    process.stdout.write(`No incidents in ${dir}.\n`);
    return;
  }
  // The DRILL and DAMAGE columns appear only when needed, so a healthy store of real incidents reads as before.
  const drills = rows.some((r) => r.drill !== undefined);
  const hurt = damaged.length > 0 || rows.some((r) => r.problems);
  const head = ["ID", "RUNBOOK", "SEVERITY", "STATUS", "URGENCY", "AGE", "STEPS", ...(drills ? ["DRILL"] : []), ...(hurt ? ["DAMAGE"] : [])];
  const body = rows.map((r) => [r.id, r.runbook, r.severity, r.status, marksText(marksOf(r, now)), r.age, String(r.steps), ...(drills ? [r.drill ?? ""] : []), ...(hurt ? [damageCell(r.problems)] : [])]);
  const lost = damaged.map((d) => [d.id, "?", "?", "damaged", "damaged", "?", "?", ...(drills ? [""] : []), damageCell(d.problems)]);
  process.stdout.write(table([head, ...body, ...lost]));
  if (hurt) process.stdout.write(`\n! ${rows.filter((r) => r.problems).length + damaged.length} incident file(s) are damaged: handrail report ID names every problem by line.\n`);
}

/** `handrail report`, `handrail resolve`, `handrail incidents`: the incident store from the command line. */
import { readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { formatDuration } from "../runbooks/duration.js";
import type { EventOf, IncidentEvent } from "../incident/events.js";
import { IncidentFileError, IncidentLog, readIncidentFile } from "../incident/log.js";
import { MASK, Redactor } from "../incident/redact.js";
import { replay } from "../incident/machine.js";
import { Notifier } from "../incident/notifier.js";
import { buildReport, renderMarkdown } from "../incident/report.js";
import { inputToEnv } from "../runbooks/inputs.js";
import type { Runbook } from "../runbooks/schema.js";
import { loadNotifySettings } from "./notify-config.js";
import type { CommandContext } from "./context.js";
import { DRILLS_SUBDIR, findIncident, incidentsDir } from "./incident-files.js";
import { table } from "./list.js";

function reportOf(file: string) {
  const read = readIncidentFile(file);
  if (read.events[0]?.type !== "incident.opened") throw new UsageError(`${file} is not an incident file (no incident.opened event first)`);
  return buildReport(read.events, read.damaged.length);
}

export function reportCommand(ctx: CommandContext, ref: string, opts: { format?: string; output?: string }): void {
  const format = opts.format ?? "markdown";
  if (format !== "markdown" && format !== "md" && format !== "json") throw new UsageError(`--format ${format}: expected markdown | json`);
  const report = reportOf(findIncident(ctx, ref));
  const text = format === "json" ? `${JSON.stringify(report, null, 2)}\n` : renderMarkdown(report);
  if (opts.output) {
    try {
      writeFileSync(path.resolve(ctx.cwd, opts.output), text, { mode: 0o600 });
    } catch (e) {
      throw new UsageError(`-o ${opts.output}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    process.stdout.write(`report written to ${opts.output}\n`);
  } else process.stdout.write(text);
}

export async function resolveCommand(ctx: CommandContext, ref: string, opts: { rootCause?: string; actionItem?: string[] }): Promise<void> {
  if (!opts.rootCause || opts.rootCause.trim() === "") throw new UsageError("--root-cause TEXT is required", 'e.g. handrail resolve INCIDENT --root-cause "bad image tag" --action-item "pin image digests"');
  const file = findIncident(ctx, ref);
  const settings = loadNotifySettings(ctx.env);
  let log: IncidentLog;
  let events: IncidentEvent[];
  try {
    const { log: reopened, read } = IncidentLog.reopen(file);
    log = reopened;
    events = read.events;
    if (read.events.some((e) => e.type === "incident.resolved")) {
      log.close();
      throw new UsageError(`${path.basename(file, ".jsonl")} is already resolved`);
    }
  } catch (e) {
    if (e instanceof IncidentFileError) throw new UsageError(e.message);
    throw e;
  }
  let redact = new Redactor();
  let notifier: Notifier | undefined;
  try {
    const resolved = log.append({ type: "incident.resolved", rootCause: redact.text(opts.rootCause), actionItems: (opts.actionItem ?? []).map((a) => redact.text(a)) });
    events.push(resolved);
    // What was paged is resolved too. The runbook may be gone from the search path: the file knows enough.
    const opened = events[0] as EventOf<"incident.opened">;
    const stub = { apiVersion: "handrail/v1", kind: "Runbook", id: opened.runbook.id, title: opened.runbook.title, phases: [] } as unknown as Runbook;
    const state = replay(stub, events);
    notifier = new Notifier({
      state,
      file,
      record: (body) => {
        const e = log.append(body);
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
    log.close();
  }
  process.stdout.write(`resolved ${path.basename(file, ".jsonl")}\nreport: handrail report ${path.basename(file, ".jsonl")}\n`);
}

export interface IncidentRow {
  id: string;
  runbook: string;
  severity: string;
  status: "open" | "resolved";
  openedAt: string;
  age: string;
  steps: number;
  file: string;
  modified: string;
  /** The drill scenario, for incidents opened by a drill (they live in the store's drills/ directory). */
  drill?: string;
}

function rowsIn(dir: string, now: number): IncidentRow[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".jsonl"));
  } catch {
    names = [];
  }
  return names.flatMap((name) => {
    try {
      const file = path.join(dir, name);
      const read = readIncidentFile(file);
      const opened = read.events[0];
      if (opened?.type !== "incident.opened") return [];
      const r = buildReport(read.events, read.damaged.length);
      const drill = opened.mode === "drill" ? { drill: opened.scenario ?? "drill" } : {};
      return [{ id: r.incident, runbook: r.runbook.id, severity: r.severity.final, status: r.status, openedAt: r.openedAt, age: formatDuration(now - Date.parse(r.openedAt)), steps: r.steps.length, file, modified: statSync(file).mtime.toISOString(), ...drill }];
    } catch {
      return [];
    }
  });
}

/** The incidents of a store and of its drills/ directory, newest first; unreadable files are left out. */
export function listIncidentRows(dir: string): IncidentRow[] {
  const now = Date.now();
  return [...rowsIn(dir, now), ...rowsIn(path.join(dir, DRILLS_SUBDIR), now)].sort((a, b) => b.openedAt.localeCompare(a.openedAt) || b.id.localeCompare(a.id));
}

export function incidentsCommand(ctx: CommandContext, opts: { json?: boolean }): void {
  const dir = incidentsDir(ctx);
  const rows = listIncidentRows(dir);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write(`No incidents in ${dir}.\n`);
    return;
  }
  // The DRILL column appears only when the store holds drills, so a store of real incidents reads as before.
  const drills = rows.some((r) => r.drill !== undefined);
  const head = ["ID", "RUNBOOK", "SEVERITY", "STATUS", "AGE", "STEPS", ...(drills ? ["DRILL"] : [])];
  process.stdout.write(table([head, ...rows.map((r) => [r.id, r.runbook, r.severity, r.status, r.age, String(r.steps), ...(drills ? [r.drill ?? ""] : [])])]));
}

/** `handrail report`, `handrail resolve`, `handrail incidents`: the incident store from the command line. */
import { readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { formatDuration } from "../runbooks/duration.js";
import { IncidentFileError, IncidentLog, readIncidentFile } from "../incident/log.js";
import { Redactor } from "../incident/redact.js";
import { buildReport, renderMarkdown } from "../incident/report.js";
import type { CommandContext } from "./context.js";
import { findIncident, incidentsDir } from "./incident-files.js";
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

export function resolveCommand(ctx: CommandContext, ref: string, opts: { rootCause?: string; actionItem?: string[] }): void {
  if (!opts.rootCause || opts.rootCause.trim() === "") throw new UsageError("--root-cause TEXT is required", 'e.g. handrail resolve INCIDENT --root-cause "bad image tag" --action-item "pin image digests"');
  const file = findIncident(ctx, ref);
  let log: IncidentLog;
  try {
    const { log: reopened, read } = IncidentLog.reopen(file);
    log = reopened;
    if (read.events.some((e) => e.type === "incident.resolved")) {
      log.close();
      throw new UsageError(`${path.basename(file, ".jsonl")} is already resolved`);
    }
  } catch (e) {
    if (e instanceof IncidentFileError) throw new UsageError(e.message);
    throw e;
  }
  const redact = new Redactor();
  try {
    log.append({ type: "incident.resolved", rootCause: redact.text(opts.rootCause), actionItems: (opts.actionItem ?? []).map((a) => redact.text(a)) });
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
}

/** The incidents of a store, newest first; unreadable files are left out. */
export function listIncidentRows(dir: string): IncidentRow[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".jsonl")).sort().reverse();
  } catch {
    names = [];
  }
  const now = Date.now();
  const rows = names.flatMap((name) => {
    try {
      const r = reportOf(path.join(dir, name));
      return [{ id: r.incident, runbook: r.runbook.id, severity: r.severity.final, status: r.status, openedAt: r.openedAt, age: formatDuration(now - Date.parse(r.openedAt)), steps: r.steps.length, file: path.join(dir, name), modified: statSync(path.join(dir, name)).mtime.toISOString() }];
    } catch {
      return [];
    }
  });
  return rows;
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
  process.stdout.write(table([["ID", "RUNBOOK", "SEVERITY", "STATUS", "AGE", "STEPS"], ...rows.map((r) => [r.id, r.runbook, r.severity, r.status, r.age, String(r.steps)])]));
}

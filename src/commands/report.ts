/**
 * `handrail report <incident>`: the incident report as Markdown, JSON or HTML, to a file, stdout, or
 * where postmortems live (`--to`). Its own module: a report loads the incident and the report code,
 * not the incident list's tables nor the notify settings unless it sends.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { EXIT, ReportedError, UsageError } from "../errors.js";
import type { IncidentEvent } from "../incident/events.js";
import { readIncidentFile, scanIncidentFile, type ReadResult } from "../incident/log-read.js";
import { IncidentFileError } from "../incident/store-file.js";
import { renderHtml, renderMarkdown, ReportBuilder, type IncidentReport } from "../incident/report.js";
import type { CommandContext } from "./context.js";
import { findIncident } from "./incident-files.js";
import { REPORT_TARGETS } from "./report-targets.js";
import { storeUrl } from "./store-url.js";

function refuseUnreadable<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof IncidentFileError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * With a shared store, the report is built from the store's events (every responder's, followers'
 * notes included); an incident the store does not have is read from its local file as always.
 */
async function reportSource(ctx: CommandContext, ref: string): Promise<ReadResult | string> {
  if (storeUrl(ctx) === undefined) return findIncident(ctx, ref);
  const byPath = ref.includes("/") || ref.endsWith(".jsonl");
  const file = byPath ? findIncident(ctx, ref) : undefined;
  const opened = file ? refuseUnreadable(() => readIncidentFile(file)).events[0] : undefined;
  const id = opened?.type === "incident.opened" ? opened.incident : ref;
  const { openSharedStore } = await import("./store.js");
  const shared = await openSharedStore(ctx, { warn: (line) => process.stderr.write(`${line}\n`) });
  try {
    const events = (await shared?.events(id)) ?? [];
    if (events.length > 0) return { events, damaged: [], issues: [] };
  } finally {
    await shared?.close();
  }
  return file ?? findIncident(ctx, ref);
}

/** The report in one pass over the source: a file is read as it streams into the report, never held whole. */
function reportOf(source: ReadResult | string): { report: IncidentReport; problems: string[] } {
  const file = typeof source === "string" ? source : "the store's copy";
  const builder = new ReportBuilder();
  const add = (e: IncidentEvent) => builder.add(e);
  const read = typeof source === "string" ? refuseUnreadable(() => scanIncidentFile(source, add)) : source;
  if (typeof source !== "string") source.events.forEach(add);
  const problems = read.issues.map((i) => i.message);
  if (!builder.opened) {
    for (const p of problems) process.stderr.write(`damage: ${p}\n`);
    throw new UsageError(`${file}: no report can be built, its incident.opened event is lost (${problems.length} problem(s), listed above)`);
  }
  return { report: builder.finish({ damagedLines: read.damaged.length, integrity: problems }), problems };
}

export async function reportCommand(ctx: CommandContext, ref: string, opts: { format?: string; output?: string; to?: string }): Promise<void> {
  const format = opts.format ?? "markdown";
  if (opts.to !== undefined && !(REPORT_TARGETS as readonly string[]).includes(opts.to)) throw new UsageError(`--to ${opts.to}: expected ${REPORT_TARGETS.join(" | ")}`);
  if (format !== "markdown" && format !== "md" && format !== "json" && format !== "html") throw new UsageError(`--format ${format}: expected markdown | json | html`);
  const { report, problems } = reportOf(await reportSource(ctx, ref));
  if (problems.length > 0) process.stderr.write(`warning: ${problems.length} problem(s) in the incident file, listed in the report (${problems[0]}${problems.length > 1 ? ", ..." : ""})\n`);
  const text = format === "json" ? `${JSON.stringify(report, null, 2)}\n` : format === "html" ? renderHtml(report) : renderMarkdown(report);
  if (opts.to !== undefined) {
    // Out to where postmortems live; the Markdown is what GitHub and chat tools render.
    const [{ ReportNotSent, sendReport }, { loadNotifySettings }] = await Promise.all([import("./report-to.js"), import("./notify-config.js")]);
    try {
      process.stdout.write(`${await sendReport(opts.to, report, renderMarkdown(report), await loadNotifySettings(ctx.env), ctx.env)}\n`);
    } catch (e) {
      if (!(e instanceof ReportNotSent)) throw e;
      process.stderr.write(`handrail: the report was not sent: ${e.message}\n`);
      throw new ReportedError(EXIT.failed);
    }
    return;
  }
  if (opts.output) {
    try {
      writeFileSync(path.resolve(ctx.cwd, opts.output), text, { mode: 0o600 });
    } catch (e) {
      throw new UsageError(`-o ${opts.output}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    process.stdout.write(`report written to ${opts.output}\n`);
  } else process.stdout.write(text);
}


/**
 * Resuming from the incident alone: the file names the runbook it was opened on (its path and the
 * sha256 of its text), so `run --resume <incident>` and `resume <incident>` need nothing else.
 */
import path from "node:path";
import { UsageError } from "../errors.js";
import type { EventOf } from "../incident/events.js";
import { readIncidentFile } from "../incident/log.js";
import type { Runbook } from "../runbooks/schema.js";
import { sha256Of, type RunbookSource } from "../runbooks/source.js";
import { openLibrary, type CommandContext } from "./context.js";
import { findIncident } from "./incident-files.js";
import { maskUrl } from "../incident/store/url.js";
import type { DrillAttach } from "../sandbox/drill-attach.js";


export interface ResumeTarget {
  file: string;
  opened: EventOf<"incident.opened">;
  runbook: Runbook;
  source: RunbookSource;
  /** The runbook's text is not the one the incident was opened on. */
  changed?: { was: string; now: string };
  /** A drill whose world a live handrail on this machine runs (handed over on a shared store). */
  runningDrill?: DrillAttach;
}

/** The incident file, and the runbook it was opened on: its recorded file, else its id on the search path. */
export async function resumeTarget(ctx: CommandContext, ref: string, flag = "--resume"): Promise<ResumeTarget> {
  const file = findIncident(ctx, ref);
  const opened = readIncidentFile(file).events[0];
  if (opened?.type !== "incident.opened") throw new UsageError(`${flag}: ${file} is not an incident file (its first event is not incident.opened)`);
  // A drill's world lives in the handrail that started it: it goes on only while that one runs, on this machine.
  const drill = opened.mode === "drill" ? (await import("../sandbox/drill-attach.js")).findDrill(opened.incident) : undefined;
  if (opened.mode === "drill" && !drill) throw new UsageError(`${flag}: ${path.basename(file)} is a drill; its simulated world ended with the handrail that ran it (a drill can be handed over only while that handrail runs, on the same machine)`, `Start it again: handrail drill ${opened.scenario ?? ""}`.trimEnd());
  const recorded = opened.runbook.file !== undefined ? path.resolve(ctx.cwd, opened.runbook.file) : undefined;
  let found: { runbook: Runbook; file: string } | undefined;
  if (recorded !== undefined) {
    const loaded = await (await import("../runbooks/load.js")).loadRunbookFile(recorded);
    if (loaded.runbook?.id === opened.runbook.id) found = { runbook: loaded.runbook, file: recorded };
  }
  if (!found) {
    const lib = await openLibrary(ctx, (line) => process.stderr.write(`${line}\n`));
    const entry = lib.entries.find((e) => e.runbook.id === opened.runbook.id);
    if (entry) found = { runbook: entry.runbook, file: path.resolve(ctx.cwd, entry.file) };
  }
  if (!found) {
    throw new UsageError(
      `${flag}: the runbook ${opened.runbook.id} this incident was opened on is not at ${recorded ?? "(no file recorded)"} nor on the search path`,
      "Name its directory with --runbooks DIR.",
    );
  }
  const source = { file: found.file, sha256: sha256Of(found.file) };
  const was = opened.runbook.sha256;
  return { file, opened, runbook: found.runbook, source, ...(was !== undefined && was !== source.sha256 ? { changed: { was, now: source.sha256 } } : {}), ...(drill ? { runningDrill: drill } : {}) };
}

/** A word as a POSIX shell reads it back. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `handrail run --resume FILE …` with every flag that chose where and how it ran, ready to paste. */
export function continueCommand(ctx: CommandContext, incidentFile: string, flags: { options?: Record<string, string>; yes?: boolean; extra?: string[] }): string {
  const g = ctx.options;
  const words = ["handrail", "run", "--resume", path.resolve(ctx.cwd, incidentFile)];
  for (const dir of g.runbooks ?? []) words.push("--runbooks", path.resolve(ctx.cwd, dir));
  if (g.kubeconfig) words.push("--kubeconfig", path.resolve(ctx.cwd, g.kubeconfig));
  if (g.context) words.push("--context", g.context);
  if (g.namespace) words.push("--namespace", g.namespace);
  // The shared store given as a flag must be given again (its password masked here: type it in, or use HANDRAIL_STORE_URL).
  if (g.store) words.push("--store", maskUrl(g.store));
  for (const [phase, option] of Object.entries(flags.options ?? {})) words.push("--option", `${phase}=${option}`);
  const extra = flags.extra ?? [];
  if (flags.yes && !extra.includes("--yes")) words.push("--yes");
  // Hints such as "--option rollback=…" are shown as they are, for the operator to complete.
  return [...words.map(shellQuote), ...extra].join(" ");
}

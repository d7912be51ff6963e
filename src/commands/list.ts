/** `handrail list`: the runbooks on the search path, and which were shadowed by an earlier one. */
import { table as columns } from "../util/table.js";
import type { Runbook } from "../runbooks/schema.js";
import { allSteps } from "../runbooks/walk.js";
import { openLibrary, type CommandContext } from "./context.js";

export interface ListOptions {
  json?: boolean;
  /** The ids alone, one a line (scripts, shell completion). */
  ids?: boolean;
}

export function countSteps(runbook: Runbook): number {
  return allSteps(runbook).length;
}

/** A table as printed by the CLI: padded columns, one row a line. */
export function table(rows: string[][]): string {
  return `${columns(rows).join("\n")}\n`;
}

export async function listCommand(ctx: CommandContext, opts: ListOptions): Promise<void> {
  const lib = await openLibrary(ctx, (line) => process.stderr.write(`${line}\n`));
  if (opts.ids) {
    process.stdout.write(lib.entries.map((e) => `${e.runbook.id}\n`).join(""));
    return;
  }
  if (opts.json) {
    const rows = lib.entries.map(({ runbook, file, origin }) => ({
      id: runbook.id,
      title: runbook.title,
      summary: runbook.summary ?? null,
      phases: runbook.phases.length,
      steps: countSteps(runbook),
      tags: runbook.tags ?? [],
      file,
      origin,
      shadows: lib.shadowed.filter((s) => s.id === runbook.id).map((s) => s.file),
    }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (lib.entries.length === 0) {
    process.stdout.write("No runbooks found. Put *.yaml runbooks in ./runbooks, or name a directory with --runbooks DIR or HANDRAIL_PATH.\n");
    return;
  }
  const rows = [["ID", "TITLE", "PHASES", "STEPS", "TAGS"]];
  for (const { runbook } of lib.entries) {
    rows.push([runbook.id, runbook.title, String(runbook.phases.length), String(countSteps(runbook)), (runbook.tags ?? []).join(", ")]);
  }
  process.stdout.write(table(rows));
  for (const s of lib.shadowed) process.stdout.write(`shadowed: ${s.id} in ${s.file} (using ${s.shadowedBy})\n`);
}

/** `handrail drill [scenario]`: the drill list, and a drill in the console (the picker without a scenario). */
import { UsageError } from "../errors.js";
import { findScenario } from "../sandbox/scenarios/index.js";
import { consoleCommand } from "./console.js";
import type { CommandContext } from "./context.js";
import { missingNeeds, refuseClusterFlags } from "./drill-session.js";
import { table } from "./list.js";
import { brokenScenarioLines, loadScenarios } from "./scenarios.js";

export interface DrillCommandOptions {
  list?: boolean;
  json?: boolean;
  /** With --list: the ids alone, one a line (scripts, shell completion). */
  ids?: boolean;
}

export async function drillCommand(ctx: CommandContext, id: string | undefined, opts: DrillCommandOptions): Promise<number> {
  if ((opts.json || opts.ids) && !opts.list) throw new UsageError(`${opts.json ? "--json" : "--ids"} goes with --list`, "handrail drill --list --json");
  if (opts.list) {
    // The list shows what can be drilled; a scenario file that cannot is listed with its problems after it, and exit 2.
    const { registry } = await loadScenarios(ctx, { strict: false, warn: () => undefined });
    const { scenarios } = registry;
    if (opts.ids) process.stdout.write(scenarios.map((s) => `${s.id}\n`).join(""));
    else if (opts.json) {
      const rows = scenarios.map((s) => ({ id: s.id, runbook: s.runbook, title: s.title, severity: s.severity, source: s.source ?? "built-in", ...(s.file ? { file: s.file } : {}), needs: s.needs ?? [], missing: missingNeeds(s, ctx.env) }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
      const rows = [["ID", "RUNBOOK", "TITLE", "NEEDS", "SOURCE"]];
      for (const s of scenarios) {
        const missing = missingNeeds(s, ctx.env);
        rows.push([s.id, s.runbook, s.title, `${(s.needs ?? []).join(", ") || "-"}${missing.length ? ` (${missing.join("; ")})` : ""}`, s.source ?? "built-in"]);
      }
      process.stdout.write(table(rows));
      for (const s of registry.shadowed) process.stdout.write(`shadowed: ${s.id} in ${s.file} (using ${s.shadowedBy})\n`);
      process.stdout.write("Start one: handrail drill <id>   headless: handrail run <runbook> --drill <id> --yes --option <phase>=<option>\n");
    }
    for (const line of brokenScenarioLines(registry)) process.stderr.write(`${line}\n`);
    return registry.broken.length > 0 ? 2 : 0;
  }
  refuseClusterFlags(ctx, "handrail drill");
  // A typo or a broken scenario file is exit 2 with a suggestion, before anything asks for a terminal.
  if (id !== undefined) findScenario(id, (await loadScenarios(ctx, { strict: true })).registry.scenarios);
  return consoleCommand(ctx, id !== undefined ? { drill: id } : { drillPicker: true });
}

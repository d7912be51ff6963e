/** `handrail drill [scenario]`: the drill list, and a drill in the console (the picker without a scenario). */
import { UsageError } from "../errors.js";
import { findScenario, scenarios } from "../sandbox/scenarios/index.js";
import { consoleCommand } from "./console.js";
import type { CommandContext } from "./context.js";
import { missingNeeds, refuseClusterFlags } from "./drill-session.js";
import { table } from "./list.js";

export interface DrillCommandOptions {
  list?: boolean;
  json?: boolean;
}

export async function drillCommand(ctx: CommandContext, id: string | undefined, opts: DrillCommandOptions): Promise<number> {
  if (opts.json && !opts.list) throw new UsageError("--json goes with --list", "handrail drill --list --json");
  if (opts.list) {
    if (opts.json) {
      const rows = scenarios.map((s) => ({ id: s.id, runbook: s.runbook, title: s.title, severity: s.severity, needs: s.needs ?? [], missing: missingNeeds(s, ctx.env) }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
      const rows = [["ID", "RUNBOOK", "TITLE", "NEEDS"]];
      for (const s of scenarios) {
        const missing = missingNeeds(s, ctx.env);
        rows.push([s.id, s.runbook, s.title, `${(s.needs ?? []).join(", ") || "-"}${missing.length ? ` (${missing.join("; ")})` : ""}`]);
      }
      process.stdout.write(table(rows));
      process.stdout.write("Start one: handrail drill <id>   headless: handrail run <runbook> --drill <id> --yes --option <phase>=<option>\n");
    }
    return 0;
  }
  refuseClusterFlags(ctx, "handrail drill");
  // A typo is exit 2 with a suggestion, before anything asks for a terminal.
  if (id !== undefined) findScenario(id);
  return consoleCommand(ctx, id !== undefined ? { drill: id } : { drillPicker: true });
}

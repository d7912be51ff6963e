/** Drills for the console: the command layer starts the world and hands the controller what it needs. */
import type { DrillLauncher } from "../console/drill-run.js";
import { renderDrillSummary } from "../incident/drill-summary.js";
import { findScenario } from "../sandbox/scenarios/index.js";
import type { Scenario } from "../sandbox/scenarios/types.js";
import { findRunbook, type CommandContext } from "./context.js";
import { checkScenarioRunbook, finishDrill, launchDrill } from "./drill-session.js";
import { resolveInputs } from "./run.js";

/** Start drills by scenario id (one of `scenarios`, the registry the console was given), each in its own simulated world. */
export function drillLauncher(ctx: CommandContext, scenarios: readonly Scenario[]): DrillLauncher {
  return {
    async start(id) {
      const scenario = findScenario(id, scenarios);
      const { runbook } = await findRunbook(ctx, scenario.runbook);
      checkScenarioRunbook(scenario, runbook);
      const d = await launchDrill(ctx, scenario);
      try {
        const inputs = resolveInputs(runbook, d.drill.inputs, {});
        return {
          scenario: { id: scenario.id, title: scenario.title, briefing: scenario.briefing, runbook: scenario.runbook, severity: scenario.severity },
          inputs,
          kube: d.kube,
          server: d.server,
          env: d.env,
          cwd: d.cwd,
          incidentsDir: d.incidentsDir,
          notify: d.notify,
          finish: async (session) => renderDrillSummary(await finishDrill(session, d.drill, runbook), session.state.severity),
          stop: () => d.drill.stop(),
        };
      } catch (e) {
        await d.drill.stop();
        throw e;
      }
    },
  };
}

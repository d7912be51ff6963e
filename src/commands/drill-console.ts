/** Drills for the console: the command layer starts the world and hands the controller what it needs. */
import type { DrillLauncher, DrillRun } from "../console/drill-run.js";
import { renderDrillSummary } from "../incident/drill-summary.js";
import type { Runbook } from "../runbooks/schema.js";
import { judgeRemotely, publishDrill, type DrillAttach } from "../sandbox/drill-attach.js";
import { findScenario } from "../sandbox/scenarios/index.js";
import type { Scenario } from "../sandbox/scenarios/types.js";
import { findRunbook, type CommandContext } from "./context.js";
import { checkScenarioRunbook, drillIncidentsDir, drillNotifySettings, finishDrill, launchDrill } from "./drill-session.js";
import { resolveInputs } from "./run-inputs.js";

function scenarioCard(scenario: Scenario): DrillRun["scenario"] {
  return { id: scenario.id, title: scenario.title, briefing: scenario.briefing, runbook: scenario.runbook, severity: scenario.severity };
}

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
          scenario: scenarioCard(scenario),
          inputs,
          kube: d.kube,
          server: d.server,
          env: d.env,
          cwd: d.cwd,
          incidentsDir: d.incidentsDir,
          notify: d.notify,
          finish: async (session) => renderDrillSummary(await finishDrill(session, d.drill, runbook), session.state.severity),
          stop: () => d.drill.stop(),
          // Another handrail on this machine may be handed the incident (a shared store): it finds the world by the incident's id.
          publish: (incident) =>
            publishDrill(d.drill.root, {
              incident,
              scenario: scenario.id,
              pid: process.pid,
              server: d.server,
              kubeconfig: d.kube.kubeconfig!,
              context: d.kube.context!,
              namespace: d.kube.namespace ?? "default",
              cwd: d.cwd,
              env: d.drill.world.env,
              inbox: { url: d.drill.inbox.url, smtpUrl: d.drill.inbox.smtpUrl },
              judgeUrl: d.drill.judgeUrl,
            }),
        };
      } catch (e) {
        await d.drill.stop();
        throw e;
      }
    },
  };
}

/**
 * A drill whose world another handrail on this machine runs (it was handed over on a shared store):
 * steps go to that world, the verdict comes from that handrail's judge, and leaving stops nothing.
 */
export function attachedDrill(ctx: CommandContext, attach: DrillAttach, runbook: Runbook, scenarios: readonly Scenario[]): DrillRun {
  const scenario = findScenario(attach.scenario, scenarios);
  const judge = async () => {
    const { health, healthyAt } = await judgeRemotely(attach.judgeUrl);
    return { scenario, health: async () => health, healthyAt: () => healthyAt };
  };
  return {
    scenario: scenarioCard(scenario),
    inputs: {},
    kube: { kubeconfig: attach.kubeconfig, context: attach.context, namespace: attach.namespace },
    server: attach.server,
    env: { ...ctx.env, ...attach.env },
    cwd: attach.cwd,
    incidentsDir: drillIncidentsDir(ctx),
    notify: drillNotifySettings(attach.inbox),
    finish: async (session) => renderDrillSummary(await finishDrill(session, await judge(), runbook), session.state.severity),
    stop: async () => undefined,
  };
}

/**
 * The command layer's side of a drill (`run --drill`, `handrail drill`, home): start the
 * scenario's world, point every step at it, and at the end record how the operator did.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { emptySettings, type NotifySettings } from "../executors/notify/settings.js";
import type { DrillTarget } from "../console/drill-run.js";
import { drillOutcome, summarizeDrill, type DrillSummary } from "../incident/drill-summary.js";
import { readIncidentFile } from "../incident/log.js";
import type { IncidentSession } from "../incident/session.js";
import type { Runbook } from "../runbooks/schema.js";
import { startDrill, type Drill } from "../sandbox/drill.js";
import type { NotifyInbox } from "../sandbox/notify-inbox.js";
import type { Scenario } from "../sandbox/scenarios/types.js";
import type { CommandContext } from "./context.js";
import { DRILLS_SUBDIR, incidentsDir } from "./incident-files.js";

export function drillIncidentsDir(ctx: CommandContext): string {
  return path.join(incidentsDir(ctx), DRILLS_SUBDIR);
}

/** A running drill and what every step of it runs with. */
export interface CommandDrill extends DrillTarget {
  drill: Drill;
}

/** Channel settings that send every notification of a drill to its inbox, whatever the operator has configured. */
export function drillNotifySettings(inbox: Pick<NotifyInbox, "url" | "smtpUrl">): NotifySettings {
  const settings = emptySettings("(drill: every channel goes to the drill's own inbox)");
  return {
    ...settings,
    slack: { webhookUrl: `${inbox.url}/slack/drill-webhook` },
    pagerduty: { routingKey: "drill-routing-key", url: `${inbox.url}/pagerduty/v2/enqueue` },
    github: { token: "drill-token", repo: "drill/incidents", apiUrl: `${inbox.url}/github` },
    email: { smtpUrl: inbox.smtpUrl, from: "handrail-drill@localhost", to: "on-call@drill.invalid" },
    webhook: { url: `${inbox.url}/webhook/drill` },
  };
}

/** A drill never touches the user's cluster: flags that would choose one are refused. */
export function refuseClusterFlags(ctx: CommandContext, what: string): void {
  for (const flag of ["kubeconfig", "context"] as const) {
    if (ctx.options[flag] !== undefined) throw new UsageError(`--${flag} cannot be combined with ${what}: a drill runs against its own simulated cluster`, "Leave the flag out; the drill writes its own kubeconfig.");
  }
}

/** The scenario must drill the runbook it is run with. */
export function checkScenarioRunbook(scenario: Scenario, runbook: Runbook): void {
  if (scenario.runbook !== runbook.id) throw new UsageError(`--drill ${scenario.id}: this scenario drills the runbook ${scenario.runbook}, not ${runbook.id}`, `Run: handrail run ${scenario.runbook} --drill ${scenario.id}`);
}

/** Start the scenario's world (cluster, services, directory, kubeconfig). */
export async function launchDrill(ctx: CommandContext, scenario: Scenario): Promise<CommandDrill> {
  const missing = missingNeeds(scenario, ctx.env);
  if (missing.length > 0) throw new UsageError(`the drill ${scenario.id} needs ${(scenario.needs ?? []).join(", ")}: ${missing.join("; ")}`, "Put it on PATH (with a running engine for docker), or pick another drill: handrail drill --list");
  const drill = await startDrill(scenario);
  return {
    drill,
    kube: { kubeconfig: drill.kubeconfig, context: drill.context, namespace: ctx.options.namespace ?? "default" },
    server: drill.world.kube.url,
    env: { ...ctx.env, ...drill.world.env },
    cwd: drill.world.dir,
    incidentsDir: drillIncidentsDir(ctx),
    notify: drillNotifySettings(drill.inbox),
  };
}

/** The scenario's inputs under the operator's own --set values (the operator's win). */
export function drillInputs(drill: Drill, given: Record<string, string>): Record<string, string | string[]> {
  return { ...drill.inputs, ...given };
}

/** Check the scenario's health, compute the summary and record it as drill.finished (once per incident). */
export async function finishDrill(session: IncidentSession, drill: Pick<Drill, "scenario" | "health" | "healthyAt">, runbook: Runbook): Promise<DrillSummary> {
  const health = await drill.health();
  const events = readIncidentFile(session.file).events;
  const healthyAt = drill.healthyAt();
  const summary = summarizeDrill({ events, runbook, scenario: drill.scenario, health, endedAt: Date.now(), ...(healthyAt !== undefined ? { healthyAt } : {}) });
  if (!events.some((e) => e.type === "drill.finished")) session.record({ type: "drill.finished", ...drillOutcome(summary) });
  return summary;
}

function onPath(command: string, env: Record<string, string | undefined>): boolean {
  return (env.PATH ?? "").split(path.delimiter).some((dir) => dir !== "" && existsSync(path.join(dir, command)));
}

/** What a scenario needs that this machine lacks, in words ("docker not on PATH"); empty when nothing. */
export function missingNeeds(scenario: Scenario, env: Record<string, string | undefined>): string[] {
  return (scenario.needs ?? []).flatMap((need) => (need === "docker" && !onPath("docker", env) ? ["docker not on PATH"] : []));
}

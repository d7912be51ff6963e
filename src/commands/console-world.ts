/**
 * What the console reads before it can act: the runbook library and the drills, the open
 * incidents, the kubeconfig, the notify settings; then the controller over them. Loaded after home's
 * first frame (console.ts), so none of this, nor the parsers and schemas it pulls in, delays it.
 */
import { Controller } from "../console/controller.js";
import type { ControllerDeps } from "../console/controller-deps.js";
import { UsageError } from "../errors.js";
import { prepareKube, privateKubeDir, type PreparedKube } from "../executors/kubeconfig.js";
import { allSteps } from "../runbooks/walk.js";
import { sourceOf } from "../runbooks/source.js";
import type { ConsoleStore, IncidentCard, RunbookCard } from "../ui/store.js";
import { findRunbook, type CommandContext } from "./context.js";
import type { ConsoleOptions } from "./console.js";
import { incidentsDir } from "./incident-files.js";
import { resumeTarget } from "./resume-target.js";
import { incidentCards } from "./incidents.js";
import { respondWithinFrom } from "./incident-clock.js";
import { loadNotifySettings } from "./notify-config.js";
import { givenInputs, parsePairs, parseSeverity } from "./run.js";
import { probeServer } from "./cluster-probe.js";
import { drillLauncher } from "./drill-console.js";
import { missingNeeds } from "./drill-session.js";
import { brokenScenarioLines, loadScenarios } from "./scenarios.js";

/** Context names that mean production (the frame turns red): HANDRAIL_PRODUCTION_PATTERN, default "prod". */
export function isProduction(context: string | undefined, pattern: string | undefined): boolean {
  if (!context) return false;
  try {
    return new RegExp(pattern ?? "prod", "i").test(context);
  } catch {
    return context.toLowerCase().includes("prod");
  }
}

/** A card's source, for the incident to record (a file that vanished since the library was read has none). */
function sourceIfReadable(file: string, cwd: string): { source?: ReturnType<typeof sourceOf> } {
  try {
    return { source: sourceOf(file, cwd) };
  } catch {
    return {};
  }
}

/** What console.ts wires in: how the controller reaches the terminal and the Ink instance. */
export type ConsoleHooks = Pick<ControllerDeps, "exit" | "clipboard" | "handOver">;

export interface ConsoleWorld {
  controller: Controller;
  cleanup: () => void;
}

/**
 * Read the world into the store (runbooks, incidents, drills, kube, the cluster probe) and make the
 * controller. Bad input (a broken kubeconfig, an unknown runbook, a bad --set) is a UsageError, with
 * nothing left behind.
 */
export async function loadConsoleWorld(ctx: CommandContext, opts: ConsoleOptions, store: ConsoleStore, hooks: ConsoleHooks): Promise<ConsoleWorld> {
  const notify = await loadNotifySettings(ctx.env);
  // The console's drill list: a scenario file that cannot be drilled is left out, said on stderr (after the screen, when home is drawn first).
  const { lib, registry } = await loadScenarios(ctx, { strict: false, warn: () => undefined });
  for (const line of brokenScenarioLines(registry)) process.stderr.write(`warning: skipped scenario: ${line}\n`);
  const scenarios = registry.scenarios;
  const runbooks: RunbookCard[] = lib.entries.map(({ runbook, file }) => ({ id: runbook.id, title: runbook.title, ...(runbook.summary ? { summary: runbook.summary } : {}), tags: runbook.tags ?? [], steps: allSteps(runbook).length, runbook, ...sourceIfReadable(file, ctx.cwd) }));
  const dir = incidentsDir(ctx);
  // Drill incidents are left out (incidentCards); the runbooks' own response times set the clocks that order the rest.
  const listIncidents = (): IncidentCard[] => incidentCards(dir, { respondWithin: respondWithinFrom(runbooks) });

  const { dir: kubeDir, cleanup } = privateKubeDir();
  const drilling = opts.drill !== undefined || opts.drillPicker === true;
  // A drill never reads the operator's kubeconfig.
  const prepared: PreparedKube = drilling
    ? { ok: true, target: {}, files: [] }
    : await prepareKube({ ...(ctx.options.kubeconfig ? { kubeconfig: ctx.options.kubeconfig } : {}), ...(ctx.options.context ? { context: ctx.options.context } : {}), ...(ctx.options.namespace ? { namespace: ctx.options.namespace } : {}), env: ctx.env }, kubeDir);
  if (!prepared.ok) {
    cleanup();
    throw new UsageError(prepared.message, prepared.hint);
  }
  const target = prepared.target;
  const home = opts.open === undefined && opts.resume === undefined && !drilling;
  store.setState({
    runbooks,
    incidents: listIncidents(),
    loading: false,
    kube: { ...(target.context ? { context: target.context } : {}), ...(target.namespace ? { namespace: target.namespace } : {}), ...(prepared.chosenNamespace ? { chosenNamespace: prepared.chosenNamespace } : {}), ...(prepared.server ? { server: prepared.server } : {}), production: isProduction(target.context, ctx.env.HANDRAIL_PRODUCTION_PATTERN) },
    drills: scenarios.map((s) => ({ id: s.id, runbook: s.runbook, title: s.title, severity: s.severity, needs: [...(s.needs ?? [])], missing: missingNeeds(s, ctx.env) })),
    // With no kubeconfig at all the answer is known now; otherwise the probe reports in under PROBE_TIMEOUT_MS.
    ...(home ? { cluster: prepared.files.length === 0 ? { state: "unreachable" as const, reason: "no kubeconfig" } : prepared.server ? { state: "checking" as const } : { state: "unreachable" as const, reason: "the context names no server" } } : {}),
  });
  if (home && prepared.files.length > 0 && prepared.server) {
    // Behind a proxy-url the server may be reachable only through the proxy: the proxy is what must answer.
    void probeServer(prepared.proxy ?? prepared.server).then((cluster) => store.setState({ cluster }));
  }
  const controller = new Controller({
    store,
    runbooks,
    incidentsDir: dir,
    env: ctx.env,
    cwd: ctx.cwd,
    kube: target,
    ...(prepared.server ? { kubeServer: prepared.server } : {}),
    dryRun: opts.dryRun === true,
    mode: "console",
    notify,
    drills: drillLauncher(ctx, scenarios),
    locate: (file) => resumeTarget(ctx, file),
    listIncidents,
    ...hooks,
  });
  try {
    if (opts.drill !== undefined) await controller.startDrill(opts.drill);
    else if (opts.resume) await controller.resumeIncident((await resumeTarget(ctx, opts.resume, "resume")).file, opts.forceUnlock ? { forceUnlock: true } : {});
    else if (opts.open) {
      const { runbook, file } = await findRunbook(ctx, opts.open);
      // A runbook named by its file may not be on the search path: the console still needs its card.
      if (!runbooks.some((r) => r.id === runbook.id)) runbooks.push({ id: runbook.id, title: runbook.title, tags: runbook.tags ?? [], steps: allSteps(runbook).length, runbook, ...sourceIfReadable(file, ctx.cwd) });
      // What the flags give is checked now (bad input is exit 2 before the screen); the start screen asks the rest.
      const severity = opts.severity !== undefined ? parseSeverity(opts.severity, "high") : undefined;
      const given = givenInputs(runbook, parsePairs("--set", opts.set ?? []), ctx.env, (line) => process.stderr.write(`${line}\n`));
      controller.begin(runbook.id, { ...(severity ? { severity } : {}), inputs: given });
    }
  } catch (e) {
    cleanup();
    throw e;
  }
  return { controller, cleanup };
}

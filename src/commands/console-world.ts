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
import { findIncident, incidentsDir } from "./incident-files.js";
import { resumeTarget } from "./resume-target.js";
import { incidentCards } from "./incidents.js";
import { clockOf, respondWithinFrom, type RespondWithin } from "./incident-clock.js";
import { loadNotifySettings } from "./notify-config.js";
import { givenInputs, parsePairs, parseSeverity } from "./run-inputs.js";
import { probeServer } from "./cluster-probe.js";
import { attachedDrill, drillLauncher } from "./drill-console.js";
import { followLine } from "./follow.js";
import { missingNeeds } from "./drill-session.js";
import { brokenScenarioLines, loadScenarios } from "./scenarios.js";
import { driveIncident, flushShared, openSharedStore, resumeShared } from "./store.js";
import type { SharedStore } from "../incident/store/pg-store.js";
import type { ConsoleShared } from "../console/controller-deps.js";
import { operatorName } from "../incident/identity.js";
import { readIncidentFile } from "../incident/log.js";
import type { Lease } from "../incident/store/pg-lease.js";
import type { StoreIncident } from "../incident/store/pg-incidents.js";
import { formatDuration } from "../runbooks/duration.js";

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
  /** Waits for incidents being closed (their shared-store queue), then closes the store and the kubeconfig copy. */
  cleanup: () => Promise<void>;
  /** Lines for the terminal once the screen is put away (what was only flashed on it). */
  notes: string[];
}

/**
 * Read the world into the store (runbooks, incidents, drills, kube, the cluster probe) and make the
 * controller. Bad input (a broken kubeconfig, an unknown runbook, a bad --set) is a UsageError, with
 * nothing left behind.
 */
export async function loadConsoleWorld(ctx: CommandContext, opts: ConsoleOptions, store: ConsoleStore, hooks: ConsoleHooks): Promise<ConsoleWorld> {
  const notify = await loadNotifySettings(ctx.env);
  // Said after the screen (home may be drawn already; a line on stderr would tear it), and flashed meanwhile.
  const notes: string[] = [];
  const flash: string[] = [];
  // The console's drill list: a scenario file that cannot be drilled is left out.
  const { lib, registry } = await loadScenarios(ctx, { strict: false, warn: () => undefined });
  const broken = brokenScenarioLines(registry);
  for (const line of broken) notes.push(`warning: skipped scenario: ${line}`);
  if (broken.length > 0) flash.push(`${broken.length} scenario file(s) skipped (listed when handrail ends; handrail validate shows where)`);
  const scenarios = registry.scenarios;
  const runbooks: RunbookCard[] = lib.entries.map(({ runbook, file }) => ({ id: runbook.id, title: runbook.title, ...(runbook.summary ? { summary: runbook.summary } : {}), tags: runbook.tags ?? [], steps: allSteps(runbook).length, runbook, ...sourceIfReadable(file, ctx.cwd) }));
  const dir = incidentsDir(ctx);
  // Drill incidents are left out (incidentCards); the runbooks' own response times set the clocks that order the rest.
  const localIncidents = (): IncidentCard[] => incidentCards(dir, { respondWithin: respondWithinFrom(runbooks) });
  // On a shared store, home shows the team's open incidents too, with who drives each: read in the
  // background (the store is not waited for), merged in when it answers.
  let team: StoreIncident[] = [];
  const merged = (): IncidentCard[] => withTeam(localIncidents(), team, respondWithinFrom(runbooks));
  const refreshTeam = () => {
    void shared
      ?.incidents()
      .then((rows) => {
        team = rows;
        if (store.getState().screen === "home") store.setState({ incidents: merged() });
      })
      .catch(() => undefined);
  };
  const listIncidents = (): IncidentCard[] => {
    refreshTeam();
    return merged();
  };

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
  // The shared store (issue 20), drills included: unusable at start, the console goes on with the local file and says so.
  let shared: SharedStore | undefined;
  try {
    shared = await openSharedStore(ctx, { optional: true, warn: (line) => (notes.push(line), flash.push(line.replace(/^warning: /, ""))) });
  } catch (e) {
    cleanup();
    throw e;
  }
  const target = prepared.target;
  const home = opts.open === undefined && opts.resume === undefined && !drilling;
  store.setState({
    runbooks,
    incidents: listIncidents(),
    loading: false,
    ...(flash.length > 0 ? { flash: { text: flash.join("; "), tone: "error" as const } } : {}),
    kube: { ...(target.context ? { context: target.context } : {}), ...(target.namespace ? { namespace: target.namespace } : {}), ...(prepared.chosenNamespace ? { chosenNamespace: prepared.chosenNamespace } : {}), ...(prepared.server ? { server: prepared.server } : {}), production: isProduction(target.context, ctx.env.HANDRAIL_PRODUCTION_PATTERN) },
    drills: scenarios.map((s) => ({ id: s.id, runbook: s.runbook, title: s.title, severity: s.severity, needs: [...(s.needs ?? [])], missing: missingNeeds(s, ctx.env) })),
    // With no kubeconfig at all the answer is known now; otherwise the probe reports in under PROBE_TIMEOUT_MS.
    ...(home ? { cluster: prepared.files.length === 0 ? { state: "unreachable" as const, reason: "no kubeconfig" } : prepared.server ? { state: "checking" as const } : { state: "unreachable" as const, reason: "the context names no server" } } : {}),
  });
  if (home && prepared.files.length > 0 && prepared.server) {
    // Behind a proxy-url the server may be reachable only through the proxy: the proxy is what must answer.
    void probeServer(prepared.proxy ?? prepared.server).then((cluster) => store.setState({ cluster }));
  }
  const sharing = shared ? consoleShared(ctx, shared, notes) : undefined;
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
    // A drill another handrail on this machine runs the world of: its steps go there (drill-console.ts).
    locate: async (file) => {
      const t = await resumeTarget(ctx, file);
      return { runbook: t.runbook, source: t.source, ...(t.changed ? { changed: t.changed } : {}), ...(t.runningDrill ? { drill: attachedDrill(ctx, t.runningDrill, t.runbook, scenarios) } : {}) };
    },
    listIncidents,
    ...hooks,
    ...(sharing ? { shared: sharing } : {}),
  });
  const close = async () => {
    await controller.settled();
    await shared?.close();
    cleanup();
  };
  try {
    if (opts.drill !== undefined) await controller.startDrill(opts.drill);
    else if (opts.resume) {
      // On a shared store the incident may have no file here yet (resume on another laptop): the store writes it; a lease
      // someone else holds is refused here, before the screen, naming who drives.
      if (opts.ask && !sharing) throw new UsageError("--ask needs a shared store: --store postgres://… (or HANDRAIL_STORE_URL)");
      if (opts.ask && sharing) await sharing.ask(opts.resume);
      const fromStore = sharing ? await sharing.resume(opts.resume) : undefined;
      await controller.resumeIncident(fromStore?.file ?? (await resumeTarget(ctx, opts.resume, "resume")).file, opts.forceUnlock ? { forceUnlock: true } : {});
    }
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
    await close();
    throw e;
  }
  return { controller, cleanup: close, notes };
}

/** Local incident cards with the store's word on who drives, then the store's open incidents this machine has no file of. */
function withTeam(local: IncidentCard[], team: readonly StoreIncident[], lookup: RespondWithin): IncidentCard[] {
  if (team.length === 0) return local;
  const byId = new Map(team.map((t) => [t.id, t]));
  const cards = local.map((c) => {
    const t = byId.get(c.id);
    return t ? { ...c, ...(t.driver ? { driver: t.driver } : {}), ...(t.followers.length > 0 ? { followers: t.followers } : {}) } : c;
  });
  const here = new Set(local.map((c) => c.id));
  const now = Date.now();
  for (const t of team) {
    if (here.has(t.id) || t.status !== "open") continue;
    // Its clock as this machine's runbooks (or the defaults) set it, from when it opened.
    const urgency = { ...clockOf({ runbook: t.runbook, severity: t.severity, openedAt: t.openedAt }, now, lookup), interrupted: false, dryRun: false };
    cards.push({ id: t.id, file: t.id, runbook: t.runbook, severity: t.severity, status: "open", age: formatDuration(now - Date.parse(t.openedAt)), openedAt: t.openedAt, team: true, urgency, ...(t.driver ? { driver: t.driver } : {}), ...(t.followers.length > 0 ? { followers: t.followers } : {}) });
  }
  return cards;
}

/** How long `resume --ask` waits for the driver's answer. */
const ASK_TIMEOUT_MS = 60_000;

/** The shared store as the controller uses it: the same lease, reconcile and flush as `handrail run --store`. */
function consoleShared(ctx: CommandContext, shared: SharedStore, notes: string[]): ConsoleShared & { ask(ref: string): Promise<void> } {
  const actor = operatorName(ctx.env);
  const note = (line: string) => notes.push(line);
  // One incident at a time: the lease of the one this console drives.
  let lease: Lease | undefined;
  let handedOverBy: string | undefined;
  let previous: { holder: string; reason: "expired" | "taken over" | "handed over" } | undefined;
  const sharing: ConsoleShared = {
    where: shared.target.shown,
    actor,
    drive: async (id) => {
      const d = (await driveIncident(shared, id, actor))!;
      lease = d.lease;
      previous = undefined;
      handedOverBy = undefined;
      return d.attach;
    },
    resume: async (file) => {
      const r = await resumeShared(ctx, shared, file, actor, note);
      if (!r) return undefined;
      lease = r.driving.lease;
      // Kept across the two calls a console resume makes (the file first, then the session): the lease changed hands once.
      previous ??= handedOverBy !== undefined ? { holder: handedOverBy, reason: "handed over" } : r.driving.previous ? { holder: r.driving.previous.holder, reason: r.driving.previous.expired ? "expired" : "taken over" } : undefined;
      return { file: r.file, attach: r.driving.attach, ...(previous ? { previous } : {}) };
    },
    pendingRequest: async () => (lease ? (await shared.pendingRequest(lease))?.by : undefined),
    handOver: async () => (lease ? shared.handOver(lease) : undefined),
    finish: (incident) => flushShared(incident, shared, note),
    follow: (id, on) => {
      // Escalations raised and not yet acknowledged, across every batch of events.
      const open = new Map<string, string>();
      const follower = shared.follow(
        id,
        (stored) => {
          const events = stored.map((s) => s.event);
          for (const e of events) {
            if (e.type === "escalation.raised") open.set(e.key, e.to);
            else if (e.type === "escalation.acknowledged") open.delete(e.key);
          }
          const changed = events.filter((e) => e.type === "driver.changed").at(-1);
          on({ lines: stored.map((s) => followLine(s.event, s.actor)), ...(changed?.type === "driver.changed" ? { driver: changed.to } : {}), escalations: [...open].map(([key, to]) => ({ key, to })) });
        },
        { actor },
      );
      void follower.ready.then(
        () => shared.driver(id).then((d) => on({ lines: [], ...(d ? { driver: d.holder } : {}) })),
        (e: unknown) => on({ lines: [`store: ${(e as Error).message}`] }),
      );
      return () => follower.stop();
    },
    note: async (id, text) => {
      await shared.addNote(id, actor, text);
    },
    acknowledge: async (id, key) => {
      await shared.acknowledge(id, actor, key);
    },
    askToDrive: async (id) => {
      const r = await shared.askToDrive(id, actor, { timeoutMs: ASK_TIMEOUT_MS });
      if (!r.ok) return r.message;
      lease = r.lease;
      if (r.previous) handedOverBy = r.previous.holder;
      return undefined;
    },
  };
  return {
    ...sharing,
    // Before the screen: ask whoever drives, and wait for their answer (a refusal or no answer is exit 2, saying which).
    ask: async (ref) => {
      const id = incidentIdOf(ctx, ref);
      process.stderr.write(`asking whoever drives ${id} to hand over; waiting up to ${ASK_TIMEOUT_MS / 1000} s for their answer…\n`);
      const refused = await sharing.askToDrive(id);
      if (refused !== undefined) throw new UsageError(`${id}: ${refused}`, `Watch it meanwhile: handrail follow ${id}`);
    },
  };
}

/** The incident id a resume names: from its local file when there is one, else the reference itself (an id the store has). */
function incidentIdOf(ctx: CommandContext, ref: string): string {
  try {
    const first = readIncidentFile(findIncident(ctx, ref)).events[0];
    if (first?.type === "incident.opened") return first.incident;
  } catch {
    // No local file: the store knows it by id.
  }
  return ref;
}

/** `handrail run <runbook>`: open (or resume) an incident and walk it headless. */
import path from "node:path";
import { UsageError } from "../errors.js";
import { prepareKube, privateKubeDir } from "../executors/kubeconfig.js";
import { textFor } from "../executors/terminal-text.js";
import type { KubeTarget } from "../executors/types.js";
import { runHeadless } from "../incident/headless.js";
import { IncidentFileError, readIncidentFile } from "../incident/log.js";
import { replay } from "../incident/machine.js";
import { attachNotifier } from "../incident/notifier.js";
import { preflight } from "../incident/preflight.js";
import { reapInterrupted } from "../incident/reap.js";
import { IncidentSession } from "../incident/session.js";
import type { Runbook } from "../runbooks/schema.js";
import { findRunbook, type CommandContext } from "./context.js";
import { parseOptions, parsePairs, parseSeverity, resolveInputs, secretsFromEnv } from "./run-inputs.js";
import type { DrillOutcome } from "../incident/events.js";
import { runSummary } from "../incident/run-summary.js";
import type { CommandDrill } from "./drill-session.js";
import { incidentsDir } from "./incident-files.js";
import { continueCommand, resumeTarget } from "./resume-target.js";
import { sourceOf } from "../runbooks/source.js";
import { loadNotifySettings } from "./notify-config.js";
import { newIncidentId, operatorName } from "../incident/identity.js";
import type { SharedStore } from "../incident/store/pg-store.js";
import { driveIncident, flushShared, openSharedStore, resumeShared, statusReporter } from "./store.js";

export interface RunOptions {
  set?: string[];
  severity?: string;
  option?: string[];
  yes?: boolean;
  dryRun?: boolean;
  resume?: string;
  /** Resume even though the runbook changed since the incident was opened. */
  acceptChanged?: boolean;
  /** Take the incident's lock even from a handrail that looks alive. */
  forceUnlock?: boolean;
  /** Print the transcript to stderr and, at the end, a JSON summary on stdout (status, steps, outcome, incident file). */
  json?: boolean;
  /** Go on past a step that stopped the walk, recorded as skipped (handrail test uses it to judge verification). */
  keepGoing?: boolean;
  /** A drill scenario: its simulated world supplies the cluster and the inputs. */
  drill?: string;
  /** A shared store that cannot be used at start: warn and go on with the local file alone. */
  storeOptional?: boolean;
  /** With --resume on a shared store: take the lease from the driver (after agreeing with them); logged as driver.changed. */
  takeOver?: boolean;
}

async function kubeFor(ctx: CommandContext): Promise<{ target?: KubeTarget; server?: string; chosenNamespace?: string; cleanup: () => void }> {
  const { dir, cleanup } = privateKubeDir();
  const prepared = await prepareKube({ ...(ctx.options.kubeconfig ? { kubeconfig: ctx.options.kubeconfig } : {}), ...(ctx.options.context ? { context: ctx.options.context } : {}), ...(ctx.options.namespace ? { namespace: ctx.options.namespace } : {}), env: ctx.env }, dir);
  if (!prepared.ok) {
    cleanup();
    throw new UsageError(prepared.message, prepared.hint);
  }
  return { target: prepared.target, ...(prepared.server ? { server: prepared.server } : {}), ...(prepared.chosenNamespace ? { chosenNamespace: prepared.chosenNamespace } : {}), cleanup };
}

/** Refused before anything runs: every problem at once, exit 2. */
function refuseUnlessClear(problems: string[]): void {
  if (problems.length > 0) throw new UsageError(problems.join("\n  "), "Nothing was run.");
}

/** What a drill run needs beyond a plain run, loaded together. */
async function drillModules() {
  const [scenarios, registry, session, summary] = await Promise.all([import("../sandbox/scenarios/index.js"), import("./scenarios.js"), import("./drill-session.js"), import("../incident/drill-summary.js")]);
  return {
    findScenario: scenarios.findScenario,
    loadScenarios: registry.loadScenarios,
    refuseClusterFlags: session.refuseClusterFlags,
    checkScenarioRunbook: session.checkScenarioRunbook,
    launchDrill: session.launchDrill,
    drillInputs: session.drillInputs,
    finishDrill: session.finishDrill,
    renderDrillSummary: summary.renderDrillSummary,
    drillOutcome: summary.drillOutcome,
  };
}
type DrillModules = Awaited<ReturnType<typeof drillModules>>;

export async function runCommand(ctx: CommandContext, ref: string | undefined, opts: RunOptions): Promise<number> {
  if (ref === undefined && opts.resume === undefined) throw new UsageError("run needs a runbook (an id or a file), or --resume <incident>", "e.g. handrail run deployment-failure --set service=api, or handrail run --resume <incident>");
  // Step output goes through these: on a terminal only colour survives, to a pipe or file plain text.
  const outText = textFor(process.stdout.isTTY === true);
  const errText = textFor(process.stderr.isTTY === true);
  // With --json, stdout is the summary alone: the transcript goes to stderr.
  const out = opts.json ? (t: string) => process.stderr.write(errText(t)) : (t: string) => process.stdout.write(outText(t));
  const err = (t: string) => process.stderr.write(errText(t));
  const yes = opts.yes === true;
  const given = parsePairs("--option", opts.option ?? []);
  // A broken config file is bad input: found before anything is opened or run.
  const notify = await loadNotifySettings(ctx.env);
  // The drill's modules (scenarios, the simulated world) load only for a drill, and go with it: a plain run's start-up does not compile them.
  let drill: (CommandDrill & { kit: DrillModules }) | undefined;
  if (opts.drill !== undefined) {
    if (opts.resume) throw new UsageError("--drill cannot be combined with --resume: a drill's world does not outlive its run", `Start it again: handrail run ${ref ?? "<runbook>"} --drill ${opts.drill}`);
    if (ref === undefined) throw new UsageError(`--drill ${opts.drill}: name the runbook it drills`, `handrail drill --list shows each scenario's runbook`);
    const kit = await drillModules();
    kit.refuseClusterFlags(ctx, "--drill");
    const scenario = kit.findScenario(opts.drill, (await kit.loadScenarios(ctx, { strict: true })).registry.scenarios);
    const { runbook } = await findRunbook(ctx, ref);
    kit.checkScenarioRunbook(scenario, runbook);
    // Check the flags before starting the world, so a typo costs nothing.
    parseOptions(runbook, parseSeverity(opts.severity, scenario.severity), given);
    parsePairs("--set", opts.set ?? []);
    drill = Object.assign(await kit.launchDrill(ctx, scenario), { kit });
  }
  if (opts.takeOver && !opts.resume) throw new UsageError("--take-over goes with --resume <incident>: a new incident has no driver to take over from");
  // The shared store is opened and checked before anything else is prepared: one line and exit 2 when it cannot be used.
  // A drill's incident stays local (its world does not outlive the run).
  const shared: SharedStore | undefined = drill ? undefined : await openSharedStore(ctx, { ...(opts.storeOptional ? { optional: true } : {}), warn: (line) => err(`${line}\n`) });
  const actor = operatorName(ctx.env);
  let kube: Awaited<ReturnType<typeof kubeFor>>;
  try {
    kube = drill ? { target: drill.kube, server: drill.server, cleanup: () => undefined } : await kubeFor(ctx);
  } catch (e) {
    await shared?.close();
    throw e;
  }
  const stopDrill = async () => drill?.drill.stop();
  let session: IncidentSession;
  let runbook: Runbook;
  try {
    if (opts.resume) {
      const sharedResume = await resumeShared(ctx, shared, opts.resume, actor, (line) => err(`${line}\n`), opts.takeOver === true);
      const target = await resumeTarget(ctx, sharedResume?.file ?? opts.resume);
      // A drill another handrail runs the world of is driven in the console (where its end is judged), never headless.
      if (target.runningDrill) throw new UsageError(`--resume ${opts.resume}: a drill whose world another handrail runs (pid ${target.runningDrill.pid}) is continued in the console`, `handrail resume ${target.opened.incident} --ask`);
      runbook = target.runbook;
      if (ref !== undefined) {
        const named = await findRunbook(ctx, ref);
        if (named.runbook.id !== runbook.id) throw new UsageError(`--resume: ${target.file} was opened on runbook ${runbook.id}, not ${named.runbook.id}`);
      }
      if (target.changed && !opts.acceptChanged) {
        throw new UsageError(`--resume: the runbook ${runbook.id} changed since the incident was opened (${target.source.file}: sha256 ${target.changed.was.slice(0, 12)}… then, ${target.changed.now.slice(0, 12)}… now)`, "Read the change, then pass --accept-changed to go on with the runbook as it is now.");
      }
      const state = replay(runbook, readIncidentFile(target.file).events);
      const severity = parseSeverity(opts.severity, state.severity);
      const secrets = secretsFromEnv(runbook, ctx.env);
      parseOptions(runbook, severity, given);
      const done = new Set(Object.entries(state.steps).filter(([, r]) => r.status === "passed" || r.status === "found" || r.status === "skipped").map(([k]) => k));
      refuseUnlessClear(preflight({ runbook, severity, inputs: state.inputs, chosen: state.chosen, done, options: given, yes, dryRun: opts.dryRun === true || state.opened?.dryRun === true, missingSecrets: state.secrets.filter((n) => secrets[n] === undefined) }));
      const driving = sharedResume?.driving;
      if (shared && !driving) throw new UsageError(`--resume ${opts.resume}: not an incident of the store at ${shared.target.where}`);
      const resumed = IncidentSession.resume(target.file, runbook, { secrets, forceUnlock: opts.forceUnlock === true, ...(target.changed ? { runbookChanged: target.source } : {}), ...(driving ? { store: driving.attach, actor } : {}) });
      session = resumed.session;
      if (driving?.previous) session.record({ type: "driver.changed", from: driving.previous.holder, to: actor, reason: driving.previous.expired ? "expired" : "taken over" });
      for (const issue of resumed.read.issues) err(`warning: ${path.basename(target.file)}: ${issue.message}\n`);
      if (resumed.interrupted.length > 0) err(`interrupted when the last handrail stopped: ${resumed.interrupted.join(", ")} (offered again)\n`);
      for (const line of await reapInterrupted(session, resumed.read.events, resumed.interrupted)) err(`${line}\n`);
      if (target.changed) err(`note: going on with the runbook as it is now (${target.source.file}); recorded in the incident\n`);
      if (session.log.takenOverFrom !== undefined) err(`took over the lock of handrail pid ${session.log.takenOverFrom}, which is no longer running\n`);
      if (session.log.forcedFrom) err(`took the lock from handrail pid ${session.log.forcedFrom.pid} on ${session.log.forcedFrom.host} (--force-unlock; recorded in the incident)\n`);
      if (opts.severity !== undefined) session.changeSeverity(severity, "--severity on resume");
    } else {
      const found = await findRunbook(ctx, ref!);
      runbook = found.runbook;
      const severity = parseSeverity(opts.severity, drill?.drill.scenario.severity ?? "high");
      const pairs = parsePairs("--set", opts.set ?? []);
      const kubeDefaults = { ...(kube.chosenNamespace ? { namespace: kube.chosenNamespace } : {}), ...(kube.target?.context ? { context: kube.target.context } : {}) };
      const inputs = resolveInputs(runbook, drill ? drill.kit.drillInputs(drill.drill, pairs) : pairs, ctx.env, (line) => err(`${line}\n`), kubeDefaults);
      parseOptions(runbook, severity, given);
      refuseUnlessClear(preflight({ runbook, severity, inputs, chosen: {}, done: new Set(), options: given, yes, dryRun: opts.dryRun === true, missingSecrets: [] }));
      const id = newIncidentId(runbook.id);
      const driving = await driveIncident(shared, id, actor);
      session = IncidentSession.open({
        id,
        ...(driving ? { store: driving.attach, actor } : {}),
        dir: drill?.incidentsDir ?? incidentsDir(ctx),
        runbook,
        source: sourceOf(found.file, ctx.cwd),
        severity,
        inputs,
        mode: drill ? "drill" : "run",
        ...(drill ? { scenario: drill.drill.scenario.id } : {}),
        dryRun: opts.dryRun === true,
        ...(kube.target?.context ? { kube: { context: kube.target.context, ...(kube.target.namespace ? { namespace: kube.target.namespace } : {}), ...(kube.server ? { server: kube.server } : {}) } } : {}),
      });
    }
  } catch (e) {
    kube.cleanup();
    await stopDrill();
    await shared?.close();
    // A busy lock or a refused store says what to do itself; only a store that cannot be created needs the hint.
    if (e instanceof IncidentFileError) throw new UsageError(e.message, opts.resume ? undefined : "Choose a writable directory with --incidents DIR.");
    throw e;
  }

  const { notifier, detach } = attachNotifier(session, drill ? drill.notify : notify, drill?.env ?? ctx.env);
  const offStatus = session.store.onStatus(statusReporter((line) => err(`${line}\n`)));
  out(`${drill ? `DRILL    ${drill.drill.scenario.id}: ${drill.drill.scenario.title}\n${drill.drill.scenario.briefing}\n` : ""}incident ${session.id}\nfile     ${session.file}\n${shared ? `store    ${shared.target.shown} (driving as ${actor})\n` : ""}${opts.dryRun ? "DRY RUN: nothing will be executed\n" : ""}`);
  const summarize = (exitCode: number, status: "complete" | "stopped" | "interrupted", message?: string, drill?: DrillOutcome) => {
    if (opts.json) process.stdout.write(`${JSON.stringify(runSummary(session.state, { file: session.file, exitCode, status, ...(message ? { message } : {}), ...(drill ? { drill } : {}) }), null, 2)}\n`);
    return exitCode;
  };
  const ac = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    // A closed terminal (SIGHUP) or a kill (SIGTERM) ends the run like a Ctrl-C: the step is cancelled and recorded, the lock released.
    if (interrupts === 1) {
      err(`\n${signal === "SIGINT" ? "interrupt" : signal}: cancelling the running step${signal === "SIGINT" ? " (Ctrl-C again to quit at once)" : ""}\n`);
      ac.abort();
    } else {
      session.close();
      process.exit(130);
    }
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const s of signals) process.on(s, onSignal);
  try {
    const outcome = await runHeadless(session, {
      options: given,
      yes,
      dryRun: opts.dryRun === true || session.state.opened?.dryRun === true,
      io: { world: { env: drill?.env ?? ctx.env, cwd: drill?.cwd ?? ctx.cwd, ...(kube.target ? { kube: kube.target } : {}) }, notifier, signal: ac.signal },
      out,
      err,
      retryHalted: opts.resume !== undefined,
      ...(opts.keepGoing ? { keepGoing: true } : {}),
      terminal: process.stdin.isTTY === true,
      continueWith: (extra) => continueCommand(ctx, session.file, { options: given, yes, ...(extra ? { extra } : {}) }),
    });
    // A drill's world is gone after the run, so there is nothing to resume.
    const message = drill ? outcome.message?.replace(/\nContinue with: .*$/, "") : outcome.message;
    if (message) err(`\n${message}\n`);
    const status = interrupts > 0 ? "interrupted" : message ? "stopped" : "complete";
    if (interrupts > 0) return summarize(130, status, message);
    if (!drill) return summarize(outcome.exitCode, status, message);
    const summary = await drill.kit.finishDrill(session, drill.drill, runbook);
    out(`\n${drill.kit.renderDrillSummary(summary, session.state.severity).join("\n")}\n`);
    // In a drill, steps that find the symptom are what diagnosis is for: it passes when the walk got to its end and the world is healthy.
    return summarize(summary.walkComplete && summary.healthy ? 0 : 1, status, message, drill.kit.drillOutcome(summary));
  } catch (e) {
    if (e instanceof IncidentFileError) {
      err(`\nhandrail: ${e.message}\nThe incident file holds every event up to here; nothing after this point was recorded.\n`);
      return 1;
    }
    throw e;
  } finally {
    for (const s of signals) process.off(s, onSignal);
    await notifier.settle();
    detach();
    await flushShared(session.store, shared, (line) => err(`${line}\n`));
    offStatus();
    session.close();
    await shared?.close();
    kube.cleanup();
    await stopDrill();
  }
}

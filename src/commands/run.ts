/** `handrail run <runbook>`: open (or resume) an incident and walk it headless. */
import path from "node:path";
import { UsageError } from "../errors.js";
import { prepareKube, privateKubeDir } from "../executors/kubeconfig.js";
import { textFor } from "../executors/terminal-text.js";
import type { KubeTarget } from "../executors/types.js";
import { riskySteps, runHeadless } from "../incident/headless.js";
import { IncidentFileError, readIncidentFile } from "../incident/log.js";
import { flatten, buildPlan, optionsFor } from "../incident/plan.js";
import { IncidentSession } from "../incident/session.js";
import { checkInputValue, type InputValue } from "../runbooks/inputs.js";
import { SEVERITIES, type Runbook, type Severity } from "../runbooks/schema.js";
import { didYouMean } from "../runbooks/suggest.js";
import { findRunbook, type CommandContext } from "./context.js";
import { findScenario } from "../sandbox/scenarios/index.js";
import { renderDrillSummary } from "../incident/drill-summary.js";
import { checkScenarioRunbook, drillInputs, finishDrill, launchDrill, refuseClusterFlags, type CommandDrill } from "./drill-session.js";
import { findIncident, incidentsDir } from "./incident-files.js";
import { loadNotifySettings } from "./notify-config.js";

export interface RunOptions {
  set?: string[];
  severity?: string;
  option?: string[];
  yes?: boolean;
  dryRun?: boolean;
  resume?: string;
  /** A drill scenario: its simulated world supplies the cluster and the inputs. */
  drill?: string;
}

/** `k=v` pairs from repeated flags; the flag is named in every error. */
export function parsePairs(flag: string, pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag} ${pair}: expected NAME=VALUE`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export function parseSeverity(value: string | undefined, fallback: Severity): Severity {
  if (value === undefined) return fallback;
  if ((SEVERITIES as readonly string[]).includes(value)) return value as Severity;
  throw new UsageError(`--severity ${value}: expected ${SEVERITIES.join(" | ")}${didYouMean(value, SEVERITIES)}`);
}

/** Every input checked by type before anything runs; secrets may come from HANDRAIL_INPUT_<NAME>. */
export function resolveInputs(runbook: Runbook, given: Record<string, string | string[]>, env: Record<string, string | undefined>): Record<string, InputValue> {
  const specs = runbook.inputs ?? {};
  for (const name of Object.keys(given)) {
    if (!specs[name]) throw new UsageError(`--set ${name}: the runbook ${runbook.id} has no input "${name}"${didYouMean(name, Object.keys(specs))}`, `Its inputs: ${Object.keys(specs).join(", ") || "none"}`);
  }
  const values: Record<string, InputValue> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const fromEnv = env[`HANDRAIL_INPUT_${name.toUpperCase()}`];
    const raw = given[name] ?? fromEnv ?? (spec.default !== undefined ? spec.default : undefined);
    if (raw === undefined) {
      if (spec.required === false) continue;
      problems.push(`--set ${name}=…: required${spec.prompt ? ` (${spec.prompt})` : ""}${spec.type === "enum" ? `, one of ${(spec.values ?? []).join(" | ")}` : ""}${spec.type === "secret" ? `; or set HANDRAIL_INPUT_${name.toUpperCase()}` : ""}`);
      continue;
    }
    const checked = checkInputValue(spec, raw);
    if (checked.ok) values[name] = checked.value;
    else problems.push(`--set ${name}: ${checked.message}`);
  }
  if (problems.length > 0) throw new UsageError(problems.join("\n  "), "Nothing was run.");
  return values;
}

function parseOptions(runbook: Runbook, severity: Severity, pairs: Record<string, string>): Record<string, string> {
  for (const [phaseId, optionId] of Object.entries(pairs)) {
    const phase = runbook.phases.find((p) => p.id === phaseId);
    if (!phase?.options) {
      const withOptions = runbook.phases.filter((p) => p.options).map((p) => p.id);
      throw new UsageError(`--option ${phaseId}=${optionId}: no phase "${phaseId}" with options${didYouMean(phaseId, withOptions)}`, `Phases with options: ${withOptions.join(", ") || "none"}`);
    }
    const allowed = optionsFor(phase, severity).map((o) => o.id);
    if (!allowed.includes(optionId)) throw new UsageError(`--option ${phaseId}=${optionId}: expected ${allowed.join(" | ")} (for severity ${severity})${didYouMean(optionId, allowed)}`);
  }
  return pairs;
}

async function kubeFor(ctx: CommandContext): Promise<{ target?: KubeTarget; server?: string; cleanup: () => void }> {
  const { dir, cleanup } = privateKubeDir();
  const prepared = await prepareKube({ ...(ctx.options.kubeconfig ? { kubeconfig: ctx.options.kubeconfig } : {}), ...(ctx.options.context ? { context: ctx.options.context } : {}), ...(ctx.options.namespace ? { namespace: ctx.options.namespace } : {}), env: ctx.env }, dir);
  if (!prepared.ok) {
    cleanup();
    throw new UsageError(prepared.message, prepared.hint);
  }
  return { target: prepared.target, ...(prepared.server ? { server: prepared.server } : {}), cleanup };
}

export async function runCommand(ctx: CommandContext, ref: string, opts: RunOptions): Promise<number> {
  const { runbook, file } = await findRunbook(ctx, ref);
  // Step output goes through these: on a terminal only colour survives, to a pipe or file plain text.
  const outText = textFor(process.stdout.isTTY === true);
  const errText = textFor(process.stderr.isTTY === true);
  const out = (t: string) => process.stdout.write(outText(t));
  const err = (t: string) => process.stderr.write(errText(t));
  let session: IncidentSession;
  let severity: Severity;
  // A broken config file is bad input: found before anything is opened or run.
  const notify = loadNotifySettings(ctx.env);
  let drill: CommandDrill | undefined;
  if (opts.drill !== undefined) {
    if (opts.resume) throw new UsageError("--drill cannot be combined with --resume: a drill's world does not outlive its run", `Start it again: handrail run ${runbook.id} --drill ${opts.drill}`);
    refuseClusterFlags(ctx, "--drill");
    const scenario = findScenario(opts.drill);
    checkScenarioRunbook(scenario, runbook);
    // Check the flags before starting the world, so a typo costs nothing.
    parseOptions(runbook, parseSeverity(opts.severity, scenario.severity), parsePairs("--option", opts.option ?? []));
    parsePairs("--set", opts.set ?? []);
    drill = await launchDrill(ctx, scenario);
  }
  const kube = drill ? { target: drill.kube, server: drill.server, cleanup: () => undefined } : await kubeFor(ctx);
  const stopDrill = async () => drill?.drill.stop();
  try {
    if (opts.resume) {
      const incidentFile = findIncident(ctx, opts.resume);
      const first = readIncidentFile(incidentFile).events[0];
      if (first?.type !== "incident.opened") throw new UsageError(`${incidentFile} is not an incident file`);
      if (first.mode === "drill") throw new UsageError(`--resume: ${path.basename(incidentFile)} is a drill; its simulated world ended with its run`, `Start it again: handrail run ${runbook.id} --drill ${first.scenario ?? "<scenario>"}`);
      if (first.runbook.id !== runbook.id) throw new UsageError(`--resume: ${path.basename(incidentFile)} was opened on runbook ${first.runbook.id}, not ${runbook.id}`);
      const secrets: Record<string, string> = {};
      for (const [name, spec] of Object.entries(runbook.inputs ?? {})) {
        const v = ctx.env[`HANDRAIL_INPUT_${name.toUpperCase()}`];
        if (spec.type === "secret" && v !== undefined) secrets[name] = v;
      }
      const resumed = IncidentSession.resume(incidentFile, runbook, secrets);
      session = resumed.session;
      severity = session.state.severity;
      if (resumed.read.damaged.length > 0) err(`warning: ${resumed.read.damaged.length} damaged line(s) in ${incidentFile} (a crash mid-write) were skipped: line ${resumed.read.damaged.map((d) => d.line).join(", ")}\n`);
      if (resumed.interrupted.length > 0) err(`interrupted when the last handrail stopped: ${resumed.interrupted.join(", ")} (offered again)\n`);
      if (session.log.takenOverFrom !== undefined) err(`took over the lock of handrail pid ${session.log.takenOverFrom}, which is no longer running\n`);
      const sev = opts.severity !== undefined ? parseSeverity(opts.severity, severity) : undefined;
      if (sev) session.changeSeverity(sev, "--severity on resume");
    } else {
      severity = parseSeverity(opts.severity, drill?.drill.scenario.severity ?? "high");
      const given = parsePairs("--set", opts.set ?? []);
      const inputs = resolveInputs(runbook, drill ? drillInputs(drill.drill, given) : given, ctx.env);
      const chosen = parseOptions(runbook, severity, parsePairs("--option", opts.option ?? []));
      const lists = Object.fromEntries(Object.entries(inputs).filter((e): e is [string, string[]] => Array.isArray(e[1])));
      const risky = riskySteps(flatten(buildPlan({ runbook, severity, lists, chosen })));
      if (risky.length > 0 && !opts.yes && !opts.dryRun) {
        throw new UsageError(`${risky.length} step(s) of risk high or critical need --yes: ${risky.map((s) => s.key).join(", ")}`, "Pass --yes to run them, or --dry-run to see every command first.");
      }
      session = IncidentSession.open({
        dir: drill?.incidentsDir ?? incidentsDir(ctx),
        runbook,
        runbookFile: file,
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
    if (e instanceof IncidentFileError) throw new UsageError(e.message, "Choose a writable directory with --incidents DIR.");
    throw e;
  }

  session.notifier.configure(drill ? drill.notify : notify);
  out(`${drill ? `DRILL    ${drill.drill.scenario.id}: ${drill.drill.scenario.title}\n${drill.drill.scenario.briefing}\n` : ""}incident ${session.id}\nfile     ${session.file}\n${opts.dryRun ? "DRY RUN: nothing will be executed\n" : ""}`);
  const ac = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      err("\ninterrupt: cancelling the running step (Ctrl-C again to quit at once)\n");
      ac.abort();
    } else {
      session.close();
      process.exit(130);
    }
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  try {
    const outcome = await runHeadless(session, {
      options: parsePairs("--option", opts.option ?? []),
      yes: opts.yes === true,
      dryRun: opts.dryRun === true || session.state.opened?.dryRun === true,
      env: drill?.env ?? ctx.env,
      cwd: drill?.cwd ?? ctx.cwd,
      ...(kube.target ? { kube: kube.target } : {}),
      out,
      err,
      signal: ac.signal,
      retryHalted: opts.resume !== undefined,
      terminal: process.stdin.isTTY === true,
    });
    // A drill's world is gone after the run, so there is nothing to resume.
    const message = drill ? outcome.message?.replace(/\nContinue with: .*$/, "") : outcome.message;
    if (message) err(`\n${message}\n`);
    if (interrupts > 0) return 130;
    if (!drill) return outcome.exitCode;
    const summary = await finishDrill(session, drill.drill, runbook);
    out(`\n${renderDrillSummary(summary, session.state.severity).join("\n")}\n`);
    // In a drill, steps that find the symptom fail by design: it passes when the walk got to its end and the world is healthy.
    if (outcome.exitCode === 2) return 2;
    return summary.walkComplete && summary.healthy ? 0 : 1;
  } catch (e) {
    if (e instanceof IncidentFileError) {
      err(`\nhandrail: ${e.message}\nThe incident file holds every event up to here; nothing after this point was recorded.\n`);
      return 1;
    }
    throw e;
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
    await session.notifier.settle();
    session.close();
    kube.cleanup();
    await stopDrill();
  }
}

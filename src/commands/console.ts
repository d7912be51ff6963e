/** The interactive console: home, `open <runbook>`, `resume <incident>`. */
import { render } from "ink";
import { ReadStream } from "node:tty";
import { createElement } from "react";
import { Controller } from "../console/controller.js";
import { UsageError } from "../errors.js";
import { prepareKube, privateKubeDir } from "../executors/kubeconfig.js";
import { allSteps } from "../runbooks/walk.js";
import { App } from "../ui/app.js";
import { glyphsFor } from "../ui/glyphs.js";
import { osc52 } from "../console/clipboard.js";
import { createConsoleStore, type IncidentCard, type RunbookCard } from "../ui/store.js";
import { findRunbook, type CommandContext } from "./context.js";
import { incidentsDir } from "./incident-files.js";
import { resumeTarget } from "./resume-target.js";
import { sourceOf } from "../runbooks/source.js";
import { incidentCards } from "./incidents.js";
import { respondWithinFrom } from "./incident-clock.js";
import { loadNotifySettings } from "./notify-config.js";
import { givenInputs, parsePairs, parseSeverity } from "./run.js";
import { probeServer } from "./cluster-probe.js";
import { drillLauncher } from "./drill-console.js";
import { missingNeeds } from "./drill-session.js";
import { brokenScenarioLines, loadScenarios } from "./scenarios.js";
import type { PreparedKube } from "../executors/kubeconfig.js";
import { storeUrl } from "./store.js";

export interface ConsoleOptions {
  open?: string;
  resume?: string;
  severity?: string;
  set?: string[];
  dryRun?: boolean;
  /** Start this drill scenario at once. */
  drill?: string;
  /** Open on the list of drills. */
  drillPicker?: boolean;
  /** With resume: take the lock even from a handrail that looks alive. */
  forceUnlock?: boolean;
}

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

export async function consoleCommand(ctx: CommandContext, opts: ConsoleOptions): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError("the console needs an interactive terminal (stdin and stdout must be a TTY)", "For scripts and CI use: handrail run <runbook> --set … --yes");
  }
  // A dumb terminal cannot move the cursor, and the console is drawn by moving it: the plain-text walkthrough is `run`.
  if (ctx.env.TERM === "dumb") {
    throw new UsageError("TERM=dumb: this terminal cannot move the cursor, which the console needs", "Walk the runbook as plain text instead: handrail run <runbook> --set … (or set TERM to your terminal's type)");
  }
  const glyphs = glyphsFor(ctx.env);
  const notify = loadNotifySettings(ctx.env);
  // The console's drill list: a scenario file that cannot be drilled is left out, said on stderr before the screen is drawn.
  const { lib, registry } = await loadScenarios(ctx, { strict: false, warn: () => undefined });
  for (const line of brokenScenarioLines(registry)) process.stderr.write(`warning: skipped scenario: ${line}\n`);
  // The console does not share incidents yet (README, Working as a team): said, so a team does not believe it does.
  if (storeUrl(ctx) !== undefined) process.stderr.write("warning: the console does not use the shared store yet: incidents opened or resumed here stay in the local file (handrail run --store … shares a walk)\n");
  const scenarios = registry.scenarios;
  const runbooks: RunbookCard[] = lib.entries.map(({ runbook, file }) => ({ id: runbook.id, title: runbook.title, ...(runbook.summary ? { summary: runbook.summary } : {}), tags: runbook.tags ?? [], steps: allSteps(runbook).length, runbook, ...sourceIfReadable(file, ctx.cwd) }));
  const dir = incidentsDir(ctx);
  // Drill incidents are left out (incidentCards); the runbooks' own response times set the clocks that order the rest.
  const listIncidents = (): IncidentCard[] => incidentCards(dir, { respondWithin: respondWithinFrom(runbooks) });

  const { dir: kubeDir, cleanup: cleanupKube } = privateKubeDir();
  const drilling = opts.drill !== undefined || opts.drillPicker === true;
  // A drill never reads the operator's kubeconfig.
  const prepared: PreparedKube = drilling
    ? { ok: true, target: {}, files: [] }
    : await prepareKube({ ...(ctx.options.kubeconfig ? { kubeconfig: ctx.options.kubeconfig } : {}), ...(ctx.options.context ? { context: ctx.options.context } : {}), ...(ctx.options.namespace ? { namespace: ctx.options.namespace } : {}), env: ctx.env }, kubeDir);
  if (!prepared.ok) {
    cleanupKube();
    throw new UsageError(prepared.message, prepared.hint);
  }
  const target = prepared.target;
  const home = opts.open === undefined && opts.resume === undefined && !drilling;
  const store = createConsoleStore({
    runbooks,
    incidents: listIncidents(),
    dryRun: opts.dryRun === true,
    kube: { ...(target.context ? { context: target.context } : {}), ...(target.namespace ? { namespace: target.namespace } : {}), ...(prepared.chosenNamespace ? { chosenNamespace: prepared.chosenNamespace } : {}), ...(prepared.server ? { server: prepared.server } : {}), production: isProduction(target.context, ctx.env.HANDRAIL_PRODUCTION_PATTERN) },
    drills: scenarios.map((s) => ({ id: s.id, runbook: s.runbook, title: s.title, severity: s.severity, needs: [...(s.needs ?? [])], missing: missingNeeds(s, ctx.env) })),
    ...(opts.drillPicker ? { homeMode: "drills" as const } : {}),
    // With no kubeconfig at all the answer is known before the first frame; otherwise the probe reports in under PROBE_TIMEOUT_MS.
    ...(home ? { cluster: prepared.files.length === 0 ? { state: "unreachable" as const, reason: "no kubeconfig" } : prepared.server ? { state: "checking" as const } : { state: "unreachable" as const, reason: "the context names no server" } } : {}),
  });
  if (home && prepared.files.length > 0 && prepared.server) {
    // Behind a proxy-url the server may be reachable only through the proxy: the proxy is what must answer.
    void probeServer(prepared.proxy ?? prepared.server).then((cluster) => store.setState({ cluster }));
  }
  // The controller's exit needs the Ink instance, which is rendered after the controller exists.
  const ink: { app?: ReturnType<typeof render>; handOver?: () => Promise<void>; done?: () => void } = {};
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
    exit: () => ink.app?.unmount(),
    clipboard: (text) => {
      const seq = osc52(text);
      if (seq === undefined) return false;
      process.stdout.write(seq);
      return true;
    },
    // Put the screen away, let the step have the terminal, then draw the screen again.
    handOver: (run) =>
      new Promise<void>((resolve) => {
        ink.handOver = run;
        ink.done = resolve;
        ink.app?.unmount();
      }),
  });
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
  // A closed terminal or a kill ends the console as a quit would: the running step is cancelled and recorded, the lock released.
  let hungUp = false;
  const hangUp = (signal: NodeJS.Signals) => {
    if (signal === "SIGHUP") hungUp = true;
    void controller.hangUp();
  };
  process.on("SIGHUP", hangUp);
  process.on("SIGTERM", hangUp);
  // The console draws on the terminal's alternate screen (as less and top do): a new incident or drill starts on a
  // clean screen, and the shell's scrollback is left as it was.
  const screen = (on: boolean) => process.stdout.write(on ? "\u001b[?1049h\u001b[H" : "\u001b[?1049l");
  for (;;) {
    screen(true);
    // Each screen reads the terminal through a stream of its own, destroyed before a step takes
    // the terminal: a merely paused stream goes on reading into its buffer (up to its high-water
    // mark), so keys typed for the step would land in handrail instead.
    const input = new ReadStream(0);
    ink.app = render(createElement(App, { store, controller, interactive: input.isTTY === true, glyphs }), { stdin: input, exitOnCtrlC: false, patchConsole: false, maxFps: 30 });
    await ink.app.waitUntilExit();
    if (input.isTTY) input.setRawMode(false);
    input.destroy();
    screen(false);
    const run = ink.handOver;
    if (!run) break;
    ink.handOver = undefined;
    process.stdout.write("\n── interactive step: the terminal is yours; exit to return to handrail ──\n");
    try {
      await run();
    } finally {
      ink.done?.();
    }
  }
  process.off("SIGHUP", hangUp);
  process.off("SIGTERM", hangUp);
  const file = store.getState().incidentFile;
  if (file) process.stdout.write(`incident file: ${file}\n`);
  // A drill left from its walkthrough was judged on the way out: say how it went.
  const summary = store.getState().drillSummary;
  if (summary) process.stdout.write(`${summary.join("\n")}\n`);
  cleanupKube();
  // After a hang-up the terminal is gone, and Node's own exit would abort restoring its settings (tcsetattr: EIO).
  // Everything is recorded and the lock released by now: end without that last step.
  if (hungUp) process.kill(process.pid, "SIGKILL");
  return 0;
}

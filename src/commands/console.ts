/**
 * The interactive console: home, `open <runbook>`, `resume <incident>`. Home is drawn first, from
 * Ink and the screens alone; the library, the incidents, the kubeconfig and the controller come
 * after (console-world.ts) and fill it in (issue 18: the first frame at bare-Ink speed).
 */
import { render } from "ink";
import { ReadStream } from "node:tty";
import { createElement } from "react";
import { osc52 } from "../console/clipboard.js";
import { DeferredController } from "../console/deferred-controller.js";
import { UsageError } from "../errors.js";
import { App } from "../ui/app.js";
import { glyphsFor } from "../ui/glyphs.js";
import { createConsoleStore } from "../ui/store.js";
import type { CommandContext } from "./context.js";

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
  /** With resume on a shared store: ask the driver to hand over and wait for the answer. */
  ask?: boolean;
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
  // Home is drawn before the world is read; open, resume and a drill need it for their first screen, and the drill
  // picker (`handrail drill`) is nothing but the list, picked by digit at once.
  const homeFirst = opts.open === undefined && opts.resume === undefined && opts.drill === undefined && opts.drillPicker !== true;
  const store = createConsoleStore({ dryRun: opts.dryRun === true, loading: homeFirst, ...(opts.drillPicker ? { homeMode: "drills" as const } : {}) });
  // The controller's exit needs the Ink instance, which is rendered after the controller exists.
  const ink: { app?: ReturnType<typeof render>; exited?: Promise<unknown>; input?: ReadStream; handOver?: () => Promise<void>; done?: () => void } = {};
  const controller = new DeferredController(() => ink.app?.unmount());
  // The console draws on the terminal's alternate screen (as less and top do): a new incident or drill starts on a
  // clean screen, and the shell's scrollback is left as it was.
  const screen = (on: boolean) => process.stdout.write(on ? "\u001b[?1049h\u001b[H" : "\u001b[?1049l");
  const mount = () => {
    screen(true);
    // Each screen reads the terminal through a stream of its own, destroyed before a step takes
    // the terminal: a merely paused stream goes on reading into its buffer (up to its high-water
    // mark), so keys typed for the step would land in handrail instead.
    const input = new ReadStream(0);
    ink.input = input;
    ink.app = render(createElement(App, { store, controller, interactive: input.isTTY === true, glyphs }), { stdin: input, exitOnCtrlC: false, patchConsole: false, maxFps: 30 });
    // Asked for at once: Ink settles only the promise that exists when it unmounts (a quit while the world is still read).
    ink.exited = ink.app.waitUntilExit();
  };
  const unmounted = async () => {
    await ink.exited;
    const input = ink.input;
    if (input?.isTTY) input.setRawMode(false);
    input?.destroy();
    ink.app = undefined;
    ink.input = undefined;
    screen(false);
  };
  if (homeFirst) mount();

  let world: Awaited<ReturnType<typeof import("./console-world.js").loadConsoleWorld>>;
  try {
    const { loadConsoleWorld } = await import("./console-world.js");
    world = await loadConsoleWorld(ctx, opts, store, {
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
  } catch (e) {
    // Bad input found while reading (a broken kubeconfig, say) ends the console before anything ran: the screen is put away first.
    if (ink.app) {
      ink.app.unmount();
      await unmounted();
    }
    throw e;
  }
  controller.attach(world.controller);
  const real = world.controller;
  // A closed terminal or a kill ends the console as a quit would: the running step is cancelled and recorded, the lock released.
  let hungUp = false;
  const hangUp = (signal: NodeJS.Signals) => {
    if (signal === "SIGHUP") hungUp = true;
    void real.hangUp();
  };
  process.on("SIGHUP", hangUp);
  process.on("SIGTERM", hangUp);
  if (!controller.quitEarly) {
    for (;;) {
      if (!ink.app) mount();
      await unmounted();
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
  } else if (ink.app) await unmounted();
  process.off("SIGHUP", hangUp);
  process.off("SIGTERM", hangUp);
  const file = store.getState().incidentFile;
  if (file) process.stdout.write(`incident file: ${file}\n`);
  // A drill left from its walkthrough was judged on the way out: say how it went.
  const summary = store.getState().drillSummary;
  if (summary) process.stdout.write(`${summary.join("\n")}\n`);
  await world.cleanup();
  for (const line of world.notes) process.stderr.write(`${line}\n`);
  // After a hang-up the terminal is gone, and Node's own exit would abort restoring its settings (tcsetattr: EIO).
  // Everything is recorded and the lock released by now: end without that last step.
  if (hungUp) process.kill(process.pid, "SIGKILL");
  return 0;
}

/**
 * The effect side of the runner: a command from `decide` carried out over the incident session.
 * Both drivers (console and headless) come through here, so a command means the same in both.
 */
import type { StepResult } from "../executors/types.js";
import type { Display } from "../runbooks/template.js";
import { displayCommand } from "./display.js";
import type { Notifier } from "./notifier.js";
import type { Command } from "./runner.js";
import type { IncidentSession, StepWorld } from "./session.js";

export interface EffectIO {
  world: StepWorld;
  notifier: Notifier;
  signal?: AbortSignal;
  onLines?: (stream: "stdout" | "stderr", lines: string[]) => void;
  onSkipped?: (n: number) => void;
  /** Runs the step; the console wraps it to hand the terminal to an interactive step. */
  around?: (run: () => Promise<void>) => Promise<void>;
}

export type Performed =
  | { type: "ran"; result: StepResult; command: Display }
  /** A dry run of a notify step: the request it would have sent. */
  | { type: "skipped"; command?: Display; payload?: string }
  /** Not this process's to do: someone else drives the incident (a shared store). Nothing was recorded but the refused start. */
  | { type: "refused"; reason: string }
  | { type: "done" };

/** Carry out one command (run, confirm, skip, choose, jump); the others change nothing here. */
export async function perform(session: IncidentSession, cmd: Command, io: EffectIO): Promise<Performed> {
  switch (cmd.type) {
    case "run": {
      const item = cmd.item;
      let ran: Performed = { type: "done" };
      const run = async () => {
        const { result, command } = await session.runStep(item, io.world, {
          ...(io.signal ? { signal: io.signal } : {}),
          ...(cmd.edited !== undefined ? { edited: cmd.edited } : {}),
          ...(io.onLines ? { onLines: io.onLines } : {}),
          ...(io.onSkipped ? { onSkipped: io.onSkipped } : {}),
          ...(item.step.notify ? { notify: io.notifier.context(item.item, item.step.notify.channel === "github"), beforeFinish: (r: StepResult) => io.notifier.recordStep(item, r) } : {}),
        });
        ran = { type: "ran", result, command };
      };
      if (item.step.interactive && io.around) await io.around(run);
      else await run();
      return ran;
    }
    case "confirm": {
      const verdict = await session.confirmManual(cmd.item, cmd.by);
      return verdict.ok ? { type: "done" } : { type: "refused", reason: verdict.reason };
    }
    case "skip":
    case "choose":
    case "jump": {
      // The driver's alone to make: asked of the shared store before anything is recorded.
      const verdict = await session.mayAct();
      if (!verdict.ok) return { type: "refused", reason: verdict.reason };
      if (cmd.type === "skip") return skipItem(session, cmd, io.notifier);
      if (cmd.type === "choose") session.choose(cmd.phase, cmd.option, cmd.by);
      else session.jumpTo(cmd.phase, cmd.passedOver);
      return { type: "done" };
    }
    default:
      return { type: "done" };
  }
}

/** A skip carried out (synchronously: the console passes over items whose condition does not hold as it refreshes). */
export function skipItem(session: IncidentSession, cmd: Extract<Command, { type: "skip" }>, notifier?: Notifier): Performed {
  const command = cmd.item ? displayCommand(cmd.item.step, session.shown(cmd.item.item)) : undefined;
  const payload = cmd.dryRun && cmd.item?.step.notify && notifier ? notifier.dryRun(cmd.item) : undefined;
  session.skip(cmd.key, cmd.reason, command, cmd.condition);
  return { type: "skipped", ...(command ? { command } : {}), ...(payload !== undefined ? { payload } : {}) };
}

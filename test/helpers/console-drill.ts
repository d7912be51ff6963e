/**
 * Walk a drill in the built console in tmux, the way an operator would: from home, pick the drill,
 * run every step (answering the risk confirmations), choose options by number, resolve. Progress
 * is read from the drill's own incident file, so the walk never guesses from the screen whether a
 * step finished.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { IncidentEvent } from "../../src/incident/events.js";
import { shippedScenarios } from "./scenarios.js";
import { resolveInConsole } from "./drill-console.js";
import { WALK_END, type Terminal } from "./tmux.js";

function drillEvents(cwd: string): IncidentEvent[] {
  const dir = path.join(cwd, "incidents", "drills");
  if (!existsSync(dir)) return [];
  const name = readdirSync(dir).find((f) => f.endsWith(".jsonl"));
  if (!name) return [];
  // Read while handrail appends: a last line without its newline is still being written, and is not an event yet.
  const lines = readFileSync(path.join(dir, name), "utf8").split("\n");
  lines.pop();
  return lines.filter(Boolean).map((l) => JSON.parse(l) as IncidentEvent);
}

const progress = (events: readonly IncidentEvent[]) => events.filter((e) => e.type === "step.finished" || e.type === "step.skipped" || e.type === "option.chosen").length;

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number, term: Terminal): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen was:\n${await term.screen()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ConsoleDrillWalk {
  /** The drill's line on home (its id is enough). */
  scenario: string;
  /** Phase title as the choice shows it ("Resolve") → the number key of the option to pick. */
  choose?: Record<string, string>;
  /** Step title → the reason to skip it with (every repetition of a forEach step). */
  skip?: Record<string, string>;
  rootCause: string;
}

/** The line of the step card on screen ("Phase › Title [curve] [high risk]"), if one is shown. */
function cardLine(screen: string): string | undefined {
  return screen.split("\n").filter((l) => l.includes(" › ") && !/^[│┃╭╰┏┗]/.test(l)).at(-1);
}

/** The title of the step card on screen, without its item and marks. */
function cardTitle(screen: string): string | undefined {
  const line = cardLine(screen);
  // After the title: " [item]" of a forEach repetition, " [high risk]", " (again)", " stopped: …".
  return line?.split(" › ")[1]?.split(/\s+\[|\s+\(again\)|\s+stopped:/)[0]?.trim();
}

/** The key that does the step on screen: y for a manual step (done), r for the rest (run). */
function doKey(screen: string): "r" | "y" {
  return screen.includes("Press y when done.") ? "y" : "r";
}

/** From home to the resolved drill: returns the closing screen (the drill summary and the report). */
export async function walkDrillInConsole(term: Terminal, cwd: string, walk: ConsoleDrillWalk): Promise<string> {
  await term.waitFor(`(${walk.scenario})`);
  // Home lists the drills first, in the registry's order, the first one selected.
  const index = (await shippedScenarios()).findIndex((s) => s.id === walk.scenario);
  if (index < 0) throw new Error(`no scenario ${walk.scenario}`);
  for (let i = 0; i < index; i++) await term.keys("Down");
  await term.waitFor(new RegExp(`❯\\s*${index + 1}\\. `));
  await term.keys("Enter");
  const first = await term.waitFor("DRILL briefing");
  if (!first.includes(" DRILL ")) throw new Error(`the drill's screen is not labelled DRILL:\n${first}`);
  const answer = async (screen: string): Promise<boolean> => {
    const choice = /^(.+): choose how to proceed$/m.exec(screen);
    if (choice) {
      const key = walk.choose?.[choice[1]!.trim()];
      if (!key) throw new Error(`no option given for the choice "${choice[1]}"`);
      // A stale capture may still show a choice already made: give up when the choice leaves the screen.
      return term.act(key, { still: (s) => /: choose how to proceed$/m.test(s) });
    }
    if (/y \/ n\s*$/m.test(screen)) {
      await term.type("y");
      return true;
    }
    const typed = /type "([^"]+)" to run it:\s*$/m.exec(screen);
    if (typed) {
      await term.type(typed[1]!);
      await term.keys("Enter");
      return true;
    }
    return false;
  };
  // A frame between two steps can show neither card nor choice, or the last one's: act on two captures that agree.
  const settled = async (): Promise<string> => {
    let last = "";
    return until(
      async () => {
        const now = await term.screen();
        const state = now.includes(WALK_END) ? "done" : (/^(.+): choose how to proceed$/m.exec(now)?.[1] ?? (now.includes("Why skip it?") ? undefined : cardTitle(now)));
        const same = state !== undefined && state === last;
        last = state ?? "";
        return same ? now : undefined;
      },
      "a step or a choice on screen",
      30_000,
      term,
    );
  };
  for (let turn = 0; turn < 400; turn++) {
    const screen = await settled();
    if (screen.includes(WALK_END)) break;
    const before = progress(drillEvents(cwd));
    const title = cardTitle(screen);
    const reason = title !== undefined && !/: choose how to proceed$/m.test(screen) ? walk.skip?.[title] : undefined;
    if (reason !== undefined) {
      await term.keys("s");
      await term.waitFor("Why skip it?");
      await term.type(reason);
      await term.waitFor(`Why skip it? ${reason}`);
      await term.keys("Enter");
      // The next turn must not read the skipped step's card again from a frame drawn before the skip
      // (a loaded machine redraws late): wait until the card shown is another one, or the walk ended.
      const skipped = cardLine(screen);
      await term.waitUntil((s) => s.includes(WALK_END) || /: choose how to proceed$/m.test(s) || (!s.includes("Why skip it?") && cardLine(s) !== skipped), "the console to move past the skipped step", 30_000);
    } else if (!(await answer(screen))) await term.act(doKey(screen), { still: (s) => cardTitle(s) === title && !/: choose how to proceed$/m.test(s) });
    let nudged = Date.now();
    await until(
      async () => {
        if (progress(drillEvents(cwd)) > before) return true;
        const now = await term.screen();
        if (now.includes(WALK_END)) return true;
        if (await answer(now)) nudged = Date.now();
        else if (Date.now() - nudged > 3_000 && !now.includes("ctrl-c cancel step")) {
          // The key arrived before the step's input handler was attached: press it again. The key is the one the
          // footer offers: a frame caught mid-redraw can lack "Press y when done." and would ask for r, never offered.
          const key = doKey(now);
          await term.act(key, { still: (s) => !/: choose how to proceed$/m.test(s) && !s.includes(WALK_END) && doKey(s) === key });
          nudged = Date.now();
        }
        return undefined;
      },
      "the step to finish",
      60_000,
      term,
    );
  }
  await term.waitFor(WALK_END);
  await resolveInConsole(term, walk.rootCause);
  // The closing screen: the drill summary, then the report (whose head can push the summary off a short terminal).
  const closing = await term.waitFor(/DRILL \S+: (HEALTHY|STILL BROKEN)|the full report: handrail report/, 40_000);
  await until(async () => (drillEvents(cwd).some((e) => e.type === "drill.finished") ? true : undefined), "drill.finished in the incident file", 20_000, term);
  return closing;
}

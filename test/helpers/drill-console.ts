/**
 * A drill walked in the built console, in tmux, the way a new user meets it: home on a machine with
 * no cluster, the drill picked from the Drills list, every step run with the keys the footer shows,
 * the options picked by number, resolved, the closing screen's summary read, and the app quit.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { EventOf, IncidentEvent } from "../../src/incident/events.js";
import { shippedScenarios } from "./scenarios.js";
import { BIN } from "./cli.js";
import { stepCard, startTerminal, WALK_END, type Terminal } from "./tmux.js";

export interface ConsoleDrillOptions {
  /** The scenario's id: its number in the home screen's Drills list follows the registry's order. */
  scenario: string;
  /** The scenario's title, as the list shows it. */
  title: string;
  /** Phase title → the option's number in the choice list. */
  choices: Record<string, number>;
  rootCause: string;
  dir: string;
  onCleanup: (fn: () => void) => void;
}

export interface ConsoleDrill {
  file: string;
  events: IncidentEvent[];
  finished: EventOf<"drill.finished">;
  /** The closing screen: the drill summary and the report's Drill section (at least one of them). */
  closing: string;
}



/** Run every step from the current one to the end of the walk, answering confirmations and choices. */
async function walk(term: Terminal, choices: Record<string, number>): Promise<void> {
  for (let turn = 0; turn < 200; turn++) {
    const screen = await term.screen();
    if (screen.includes(WALK_END)) return;
    const choice = Object.entries(choices).find(([phase]) => screen.includes(`${phase}: choose how to proceed`));
    if (choice) {
      await term.act(String(choice[1]));
      await term.waitUntil((s) => !s.includes(`${choice[0]}: choose how to proceed`), `the ${choice[0]} choice to close`, 15_000);
      continue;
    }
    const card = stepCard(screen);
    if (card === "" || card.includes("stopped:")) {
      if (card.includes("stopped:")) throw new Error(`a step stopped the walk:\n${screen}`);
      await term.waitUntil((s) => stepCard(s) !== "" || s.includes(WALK_END) || s.includes("choose how to proceed"), "a step card", 15_000);
      continue;
    }
    // The same step card: its title line before the run's own state is appended.
    const step = card.split(/\s+\[(?:low|medium|high|critical) risk\]/)[0]!;
    // A frame caught mid-redraw can lack the card: only a card that is there and different counts.
    const moved = (s: string) => {
      if (s.includes(WALK_END) || s.includes("choose how to proceed")) return true;
      const now = stepCard(s);
      return now !== "" && (!now.startsWith(step) || now.includes("stopped:"));
    };
    // The step may finish and give way to the next one (or a choice) while the key waits to be offered.
    if (!(await term.act(screen.includes("Press y when done.") ? "y" : "r", { still: (s) => stepCard(s).startsWith(step) && !moved(s) }))) continue;
    const after = await term.waitUntil((s) => /type "[^"]+" to run it:|y \/ n/.test(s) || moved(s), `${step} to run`, 60_000);
    const typed = /type "([^"]+)" to run it:/.exec(after);
    if (typed) {
      await term.type(typed[1]!);
      await term.keys("Enter");
    } else if (after.includes("y / n") && !moved(after)) {
      await term.type("y");
    }
    await term.waitUntil(moved, `${step} to finish`, 60_000);
  }
  throw new Error(`the walk did not end; the screen was:\n${await term.screen()}`);
}

/** Home → Drills → the scenario → every step → resolved → summary → quit; then the incident file. */
export async function walkDrillInConsole(o: ConsoleDrillOptions): Promise<ConsoleDrill> {
  const incidents = path.join(o.dir, "incidents");
  // No kubeconfig and a private HOME: the machine "has no cluster", so home offers the drills first.
  const term = await startTerminal(`node ${BIN} --incidents ${incidents}`, { cwd: o.dir, height: 50, env: { HOME: o.dir, KUBECONFIG: path.join(o.dir, "no-kubeconfig") } });
  o.onCleanup(() => void term.kill());
  await term.waitFor("No cluster is reachable");
  await term.waitFor(o.title);
  // The Drills list takes the cursor once the probe said "no cluster": wait for a settled frame, then pick by number.
  let last = "";
  await term.waitUntil((s) => {
    const same = s === last;
    last = s;
    return same;
  }, "home to settle", 15_000);
  const position = (await shippedScenarios()).findIndex((x) => x.id === o.scenario);
  if (position < 0) throw new Error(`no scenario ${o.scenario}`);
  await term.type(String(position + 1));
  await term.waitFor(`DRILL briefing — ${o.title}`, 30_000);
  await walk(term, o.choices);
  await resolveInConsole(term, o.rootCause);
  // The closing screen: the drill summary, then the report with its Drill section (the summary may scroll off).
  const closing = await term.waitFor(/DRILL [a-z0-9-]+: (HEALTHY|STILL BROKEN)|- Outcome: (healthy|still broken) — /, 30_000);
  await term.type("q");
  await term.waitFor("y / n");
  await term.type("y");
  await term.waitFor("[exited 0]");
  const store = path.join(incidents, "drills");
  const name = readdirSync(store).find((f) => f.endsWith(".jsonl"));
  if (!name) throw new Error(`no incident file in ${store}`);
  const file = path.join(store, name);
  const events = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
  const finished = events.find((e): e is EventOf<"drill.finished"> => e.type === "drill.finished");
  if (!finished) throw new Error(`no drill.finished in ${file}`);
  return { file, events, finished, closing };
}

/** At the end of the walk: x, one line of root cause, no more lines, no action item. */
export async function resolveInConsole(term: Terminal, rootCause: string): Promise<void> {
  await term.type("x");
  await term.waitFor("Root cause:");
  await term.type(rootCause);
  await term.waitFor(`Root cause: ${rootCause}`);
  await term.keys("Enter");
  await term.waitFor("…more (empty to finish):");
  await term.keys("Enter");
  await term.waitFor("Action item 1");
  await term.keys("Enter");
  await term.waitFor("Impact:");
  await term.keys("Enter");
}

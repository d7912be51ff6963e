/**
 * Streaming in the console: the flood step in the TUI in tmux (120×40). Time from the run key
 * to the frame that shows the step finished, against the same step's own duration headless;
 * keypress-to-frame latency while the flood runs (`?` opens the key help, any key closes it);
 * peak RSS of the console process.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { floodRunbook } from "../fixtures.js";
import { BIN, peakRssMB, startTmux, tempDir, timeProcess, type Tmux } from "../measure.js";
import { figure, percentile, type Figure } from "../stats.js";

const HELP = "keys of this screen (any key closes)";
/** A key whose frame has not come after this long was lost (it happens: see the note); it is sent again and not timed. */
const LOST_MS = 1_500;
const FINISHED = /✓ Print many lines — passed|Flood › After the flood/;
/** The footer (the last line) names the cancel key only while a step runs; the help overlay may hide the rest. */
const running = (screen: string) => (screen.trimEnd().split("\n").at(-1) ?? "").includes("ctrl-c cancel step");

/** The step's own duration as recorded in the incident file (start-up excluded). */
function stepDurationMs(incidents: string): number {
  const file = readdirSync(incidents).find((f) => f.endsWith(".jsonl"));
  if (!file) throw new Error(`no incident in ${incidents}`);
  for (const line of readFileSync(path.join(incidents, file), "utf8").split("\n")) {
    if (line.includes('"step.finished"') && line.includes('"step":"seq"')) return (JSON.parse(line) as { durationMs: number }).durationMs;
  }
  throw new Error(`the flood step did not finish in ${file}`);
}

async function openConsole(dir: string, incidents: string, lines: number): Promise<Tmux> {
  const term = await startTmux(`node ${BIN} --runbooks ${dir} --incidents ${incidents} open flood --severity low --set service=api --set namespace=default --set lines=${lines}`, { cwd: dir, width: 120, height: 40 });
  await term.waitFor("Flood › Print many lines");
  // A new step takes no run key for a moment after it appears: the measurement starts once the footer offers it.
  await term.waitFor(/· r run( ·|$)/m);
  return term;
}

export async function streamingConsole(lines: number, rounds: number): Promise<Figure[]> {
  const dir = floodRunbook(tempDir("console"));
  const headless: number[] = [];
  const toFrame: number[] = [];
  /** The same step's own duration inside the console (its incident's record): what the console adds to the step itself. */
  const inConsole: number[] = [];
  const rss: number[] = [];
  const latency: number[] = [];
  const idle: number[] = [];
  const lost = { idle: 0, flood: 0 };
  for (let i = 0; i < rounds; i++) {
    const hi = path.join(dir, `headless-${i}`);
    await timeProcess(process.execPath, [BIN, "--runbooks", dir, "--incidents", hi, "run", "flood", "--set", `lines=${lines}`], { cwd: dir });
    headless.push(stepDurationMs(hi));

    // Completion: nothing but the run key, so no key handling slows the flood.
    let term = await openConsole(dir, path.join(dir, `console-${i}`), lines);
    try {
      // Watched through the pane's output, not by polling the screen: a tmux client every 5 ms took the step's CPU.
      const output = await term.output();
      const t0 = performance.now();
      await term.keys("r");
      const done = await output.waitFor(FINISHED, 120_000);
      toFrame.push(done.at - t0);
      rss.push(peakRssMB(term.pid));
    } finally {
      await term.kill();
    }
    inConsole.push(stepDurationMs(path.join(dir, `console-${i}`)));

    // Responsiveness: `?` and any key, alternately; first with nothing running (the baseline:
    // what tmux and the polling cost), then while the step runs.
    term = await openConsole(dir, path.join(dir, `keys-${i}`), lines);
    try {
      let open = false;
      while (idle.length < 10 * (i + 1)) {
        const t0 = performance.now();
        await term.type(open ? " " : "?");
        const seen = await term.waitFor((s) => s.includes(HELP) !== open, LOST_MS).catch(() => undefined);
        if (!seen) {
          lost.idle++;
          continue;
        }
        idle.push(seen.at - t0);
        open = !open;
      }
      while (open) {
        await term.type(" ");
        open = !(await term.waitFor((s) => !s.includes(HELP), LOST_MS).then(() => true, () => false));
      }
      await term.keys("r");
      await term.waitFor(running);
      for (;;) {
        const t0 = performance.now();
        await term.type(open ? " " : "?");
        const seen = await term.waitFor((s) => s.includes(HELP) !== open || !running(s), LOST_MS).catch(() => undefined);
        if (!seen) {
          lost.flood++;
          continue;
        }
        if (!running(seen.screen)) break;
        latency.push(seen.at - t0);
        open = !open;
      }
      rss.push(peakRssMB(term.pid));
    } finally {
      await term.kill();
    }
  }
  const label = `${lines / 1_000_000} M`;
  return [
    figure({
      name: `console, seq ${label} lines: run key to the finished frame`,
      unit: "ms",
      subject: toFrame,
      baselineName: "the step headless",
      baseline: headless,
      target: { ratio: 1.3 },
      // Where the difference goes: the step itself inside the console, and the terminal's own key-to-frame round trip.
      note: `the step inside the console ${percentile(inConsole, 50).toFixed(0)} ms (its record; headless ${percentile(headless, 50).toFixed(0)}), a key to its frame with nothing running p50 ${percentile(idle, 50).toFixed(0)} ms`,
    }),
    figure({ name: `console, keypress to frame during the flood`, unit: "ms", subject: latency, baselineName: "the same with nothing running", baseline: idle, target: { p95: 100 }, note: `p50 ${percentile(latency, 50).toFixed(0)} ms, idle p95 ${percentile(idle, 95).toFixed(0)} ms, keys lost ${lost.flood} in the flood and ${lost.idle} idle` }),
    figure({ name: `console, seq ${label} lines, peak RSS`, unit: "MB", subject: rss, target: { max: 200 } }),
  ];
}

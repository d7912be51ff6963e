/** The console rendered with ink-testing-library, a real controller and a real incident store on disk. */
import { render } from "ink-testing-library";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createElement } from "react";
import { Controller } from "../../src/console/controller.js";
import { stripAnsi } from "../../src/executors/output.js";
import type { NotifySettings } from "../../src/executors/notify/settings.js";
import type { KubeTarget } from "../../src/executors/types.js";
import { respondWithinFrom } from "../../src/commands/incident-clock.js";
import { incidentCards } from "../../src/commands/incidents.js";
import { resumeTarget } from "../../src/commands/resume-target.js";
import { loadLibrary, searchPath } from "../../src/runbooks/library.js";
import { sourceOf } from "../../src/runbooks/source.js";
import { allSteps } from "../../src/runbooks/walk.js";
import { App } from "../../src/ui/app.js";
import type { Glyphs } from "../../src/ui/glyphs.js";
import { createConsoleStore, type ConsoleView, type RunbookCard } from "../../src/ui/store.js";

export const KEYS = { up: "\u001b[A", down: "\u001b[B", enter: "\r", escape: "\u001b", tab: "\t", ctrlC: "\u0003", backspace: "\u007f" } as const;

/** Strip colour codes from a frame. */
export const plain = (frame: string | undefined) => stripAnsi(frame ?? "");

/**
 * The console with a real controller. `guardMs` (default 0 here) is how long a new step is on screen
 * before r or y acts on it; the guard's own tests set it, the rest test other rules without waiting.
 * `incidentsDir`: a store that already holds incidents, listed on home from the first frame as the console does.
 */
export async function renderConsole(opts: { runbooksDir: string; onCleanup: (fn: () => void) => void; view?: Partial<ConsoleView>; dryRun?: boolean; kube?: KubeTarget; notify?: NotifySettings; guardMs?: number; incidentsDir?: string; glyphs?: Glyphs; clipboard?: (text: string) => boolean; env?: Record<string, string> }) {
  const dir = mkdtempSync(path.join(tmpdir(), "handrail-ui-"));
  const lib = await loadLibrary(searchPath({ cliDirs: [opts.runbooksDir], cwd: dir, shippedDir: path.join(dir, "none") }), dir);
  const runbooks: RunbookCard[] = lib.entries.map(({ runbook, file }) => ({ id: runbook.id, title: runbook.title, tags: runbook.tags ?? [], steps: allSteps(runbook).length, runbook, source: sourceOf(file, dir) }));
  const incidentsDir = opts.incidentsDir ?? path.join(dir, "incidents");
  const listIncidents = () => incidentCards(incidentsDir, { respondWithin: respondWithinFrom(runbooks) });
  const store = createConsoleStore({ runbooks, incidents: listIncidents(), dryRun: opts.dryRun === true, ...opts.view });
  let exited = false;
  const controller = new Controller({
    store,
    runbooks,
    incidentsDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env },
    cwd: dir,
    dryRun: opts.dryRun === true,
    ...(opts.kube ? { kube: opts.kube } : {}),
    ...(opts.notify ? { notify: opts.notify } : {}),
    mode: "console",
    ...(opts.clipboard ? { clipboard: opts.clipboard } : {}),
    locate: (file) => resumeTarget({ cwd: dir, env: {}, shippedDir: path.join(dir, "none"), options: { runbooks: [opts.runbooksDir] } }, file),
    listIncidents,
    exit: () => {
      exited = true;
    },
  });
  const ui = render(createElement(App, { store, controller, interactive: true, guardMs: opts.guardMs ?? 0, ...(opts.glyphs ? { glyphs: opts.glyphs } : {}) }));
  opts.onCleanup(() => {
    controller.quit();
    ui.unmount();
    rmSync(dir, { recursive: true, force: true });
  });
  const frame = () => plain(ui.lastFrame());
  /** Wait until the frame shows the text (polling; no fixed sleeps). */
  const waitFor = async (text: string | RegExp, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = frame();
      if (typeof text === "string" ? f.includes(text) : text.test(f)) return f;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; the frame was:\n${f}`);
      await new Promise((r) => setTimeout(r, 15));
    }
  };
  /** Type keys one at a time, letting Ink handle each. */
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      ui.stdin.write(k);
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    }
  };
  return { ui, store, controller, frame, waitFor, press, incidentsDir, exited: () => exited };
}

/** Home drawn before the library is read (issue 18): it says it is reading, never "none", and fills in. */
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { DeferredController } from "../../src/console/deferred-controller.js";
import type { ConsoleController } from "../../src/ui/controller.js";
import { ROOT } from "../helpers/cli.js";
import { renderConsole } from "../helpers/ui.js";

const ENGINE = path.join(ROOT, "test/fixtures/engine");

describe("home before the library is read", () => {
  it("says it is reading the runbooks and the incidents, not that there are none, then shows them", async () => {
    const c = await renderConsole({ runbooksDir: ENGINE, onCleanup: onTestFinished, view: { loading: true, drills: [{ id: "d", runbook: "r", title: "a drill", severity: "low", needs: [], missing: [] }] } });
    const f = await c.waitFor("reading runbooks…");
    expect(f).toContain("open incidents");
    expect(f).not.toContain("none");
    expect(f).not.toContain("No runbook matches");
    const title = c.store.getState().runbooks[0]!.title;
    expect(f).not.toContain(title);
    c.store.setState({ loading: false });
    const after = await c.waitFor(title);
    expect(after).not.toContain("reading");
  });
});

describe("the deferred controller", () => {
  /** Records what reaches it, in order: the deferral itself is what is under test. */
  function recorder(log: string[]): ConsoleController {
    const rec = (name: string) => (...args: unknown[]) => {
      log.push(`${name}(${args.filter((a) => a !== undefined).map((a) => JSON.stringify(a)).join(",")})`);
      return name === "act" ? {} : name === "cancelRunning" ? true : Promise.resolve();
    };
    return new Proxy({} as ConsoleController, { get: (_t, name) => rec(String(name)) });
  }

  it("keeps what is asked before the world is read and hands it over in order", () => {
    const log: string[] = [];
    let quit = 0;
    const d = new DeferredController(() => quit++);
    d.begin("emergency-rollback");
    d.note("paged at 03:02");
    void d.startDrill("crashloop-rollback");
    expect(d.act({ type: "run" } as never)).toEqual({ refused: "handrail is still reading the runbooks" });
    expect(d.cancelRunning()).toBe(false);
    expect(log).toEqual([]);
    d.attach(recorder(log));
    expect(log).toEqual(['begin("emergency-rollback")', 'note("paged at 03:02")', 'startDrill("crashloop-rollback")']);
    d.leave();
    expect(log.at(-1)).toBe("leave()");
    expect(d.act({ type: "run" } as never)).toEqual({});
    expect(quit).toBe(0);
  });

  it("quitting before the world is read ends at once and drops what was asked", () => {
    const log: string[] = [];
    let quit = 0;
    const d = new DeferredController(() => quit++);
    d.begin("emergency-rollback");
    d.quit();
    expect(quit).toBe(1);
    expect(d.quitEarly).toBe(true);
    d.attach(recorder(log));
    expect(log).toEqual([]);
  });
});

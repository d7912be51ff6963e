/**
 * Changes made together reach the screen together (issue 18): Ink draws the whole screen at every
 * React commit, so the store tells the screen once per turn of the event loop. A step's last lines,
 * its result and the next step were three full-screen frames between the step's end and the frame
 * that shows it.
 */
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { renderConsole } from "../helpers/ui.js";

const ENGINE = path.join(ROOT, "test/fixtures/engine");
const turn = () => new Promise((r) => setImmediate(r));

describe("frames", () => {
  it("draws changes made in one turn, awaits between them included, as one frame with all of them in it", async () => {
    const c = await renderConsole({ runbooksDir: ENGINE, onCleanup: onTestFinished, view: { loading: true } });
    await c.waitFor("reading runbooks…");
    // ink-testing-library renders in Ink's debug mode: every commit is a frame, nothing throttled.
    const before = c.ui.frames.length;
    const title = c.store.getState().runbooks[0]!.title;
    // As a step ends: its last lines, then (after awaits: the file written, the store told) its result, then the next step.
    c.store.setState({ loading: false });
    await Promise.resolve();
    c.store.setState({ flash: { text: "first change", tone: "info" } });
    await new Promise<void>((r) => queueMicrotask(r));
    await Promise.resolve();
    c.store.setState({ flash: { text: "last change", tone: "info" } });
    await Promise.resolve();
    expect(c.ui.frames.length).toBe(before);
    await turn();
    await turn();
    expect(c.ui.frames.length).toBe(before + 1);
    const frame = c.frame();
    expect(frame).toContain(title);
    expect(frame).toContain("last change");
    expect(frame).not.toContain("reading");
  });

  it("a change in a later turn is a frame of its own", async () => {
    const c = await renderConsole({ runbooksDir: ENGINE, onCleanup: onTestFinished });
    await c.waitFor(c.store.getState().runbooks[0]!.title);
    const before = c.ui.frames.length;
    c.store.setState({ flash: { text: "one", tone: "info" } });
    await turn();
    await turn();
    c.store.setState({ flash: { text: "two", tone: "info" } });
    await turn();
    await turn();
    expect(c.ui.frames.length).toBe(before + 2);
    expect(c.frame()).toContain("two");
  });
});

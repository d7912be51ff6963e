import type { Key } from "ink";
import { describe, expect, it } from "vitest";
import { commandFor, footerHelp, helpLines } from "../../src/ui/keymap.js";
import { walkCommands, type WalkKeyState } from "../../src/ui/walk-keys.js";
import { footerFor } from "../../src/ui/walkthrough.js";

const key = (k: Partial<Key> = {}): Key => ({ upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false, ...k }) as Key;
const state = (s: Partial<WalkKeyState>): WalkKeyState => ({ type: "step", running: false, banner: false, inOption: false, armed: true, ...s });

describe("the keymap", () => {
  it("maps keys to commands among those active; Enter runs nothing", () => {
    expect(commandFor("r", key(), ["run", "skip"])).toBe("run");
    expect(commandFor("", key({ return: true }), ["run", "confirm", "pick"])).toBeUndefined();
    expect(commandFor("s", key(), ["run"])).toBeUndefined();
    expect(commandFor("c", key({ ctrl: true }), ["cancel"])).toBe("cancel");
    expect(commandFor("r", key({ ctrl: true }), ["run"])).toBeUndefined();
    expect(commandFor("d", key(), ["confirm"])).toBe("confirm");
  });

  it("renders the footer and each screen's help from the same table", () => {
    expect(footerHelp(["run", "skip"])).toBe("r run · s skip");
    expect(helpLines(["run", "confirm"])).toEqual(["r            run", "y / d        done"]);
    expect(footerFor({ name: "confirm" }, ["run"])).toBe("y yes · n no");
    expect(footerFor({ name: "note" }, ["run"])).toContain("enter submit");
  });

  it("offers what makes sense now, ? first; r or y only once the step has been on screen long enough", () => {
    expect(walkCommands(state({ running: true }))).toEqual(["help", "cancel", "note", "panel", "pageUp", "pageDown"]);
    expect(walkCommands(state({}))[1]).toBe("run");
    expect(walkCommands(state({ kind: "manual" }))).toContain("confirm");
    expect(walkCommands(state({ kind: "manual" }))).not.toContain("run");
    expect(walkCommands(state({ armed: false }))).not.toContain("run");
    expect(walkCommands(state({ type: "choose", armed: false }))).not.toContain("pick");
    expect(walkCommands(state({ type: "halted", inOption: true }))).toEqual(expect.arrayContaining(["option", "edit", "resolve"]));
    expect(walkCommands(state({ type: "complete" }))).toContain("resolve");
    expect(walkCommands(state({ banner: true }))[1]).toBe("acknowledge");
    for (const type of ["step", "halted", "choose", "complete", "resolved"] as const) expect(walkCommands(state({ type }))[0]).toBe("help");
  });
});

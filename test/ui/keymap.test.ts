import type { Key } from "ink";
import { describe, expect, it } from "vitest";
import { commandFor, footerHelp, fullHelp, KEYMAP } from "../../src/ui/keymap.js";
import { activeCommands } from "../../src/ui/walkthrough.js";

const key = (k: Partial<Key> = {}): Key => ({ upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false, ...k }) as Key;

describe("the keymap", () => {
  it("maps keys to commands among those active", () => {
    expect(commandFor("r", key(), ["run", "skip"])).toBe("run");
    expect(commandFor("", key({ return: true }), ["run"])).toBe("run");
    expect(commandFor("s", key(), ["run"])).toBeUndefined();
    expect(commandFor("c", key({ ctrl: true }), ["cancel"])).toBe("cancel");
    expect(commandFor("r", key({ ctrl: true }), ["run"])).toBeUndefined();
  });

  it("renders the footer and the full help from the same table", () => {
    expect(footerHelp(["run", "skip"])).toBe("r/enter run · s skip");
    expect(fullHelp()).toHaveLength(Object.keys(KEYMAP).length);
  });

  it("offers only what makes sense now: cancel while running, resolve at the end, option changes inside an option", () => {
    expect(activeCommands("step", true, false)).toContain("cancel");
    expect(activeCommands("step", true, false)).not.toContain("run");
    expect(activeCommands("complete", false, false)).toContain("resolve");
    expect(activeCommands("halted", false, false, true)).toContain("option");
    expect(activeCommands("step", false, true)[0]).toBe("acknowledge");
  });
});

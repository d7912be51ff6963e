/**
 * One keymap: command → keys, which also renders the footer and the `?` help of each screen, so
 * they never disagree with what a key does. Enter never confirms a step or picks an option:
 * running is `r`, a manual step is confirmed with `y` (or `d`), an option is picked by its number.
 */
import type { Key } from "ink";

export type Command =
  | "run"
  | "confirm"
  | "skip"
  | "note"
  | "edit"
  | "inputs"
  | "severity"
  | "acknowledge"
  | "resolve"
  | "back"
  | "cancel"
  | "quit"
  | "up"
  | "down"
  | "select"
  | "pick"
  | "switch"
  | "jump"
  | "option"
  | "panel"
  | "help"
  | "pageUp"
  | "pageDown"
  | "copy"
  | "copyScript";

interface Binding {
  keys: string[];
  label: string;
  match: (input: string, key: Key) => boolean;
}

const char =
  (...cs: string[]) =>
  (input: string, key: Key) =>
    cs.includes(input) && !key.ctrl && !key.meta;

export const KEYMAP: Record<Command, Binding> = {
  run: { keys: ["r"], label: "run", match: char("r") },
  confirm: { keys: ["y", "d"], label: "done", match: char("y", "d") },
  skip: { keys: ["s"], label: "skip", match: char("s") },
  note: { keys: ["n"], label: "note", match: char("n") },
  edit: { keys: ["e"], label: "edit command", match: char("e") },
  inputs: { keys: ["i"], label: "inputs", match: char("i") },
  severity: { keys: ["v"], label: "severity", match: char("v") },
  acknowledge: { keys: ["a"], label: "acknowledge", match: char("a") },
  resolve: { keys: ["x"], label: "resolve", match: char("x") },
  back: { keys: ["esc"], label: "back", match: (_i, k) => k.escape },
  cancel: { keys: ["ctrl-c"], label: "cancel step", match: (i, k) => k.ctrl && i === "c" },
  quit: { keys: ["q"], label: "quit", match: char("q") },
  up: { keys: ["↑"], label: "up", match: (_i, k) => k.upArrow },
  down: { keys: ["↓"], label: "down", match: (_i, k) => k.downArrow },
  select: { keys: ["enter"], label: "open", match: (_i, k) => k.return },
  pick: { keys: ["1-9"], label: "pick", match: (i, k) => /^[1-9]$/.test(i) && !k.ctrl && !k.meta },
  switch: { keys: ["tab"], label: "next list", match: (_i, k) => k.tab },
  jump: { keys: ["j"], label: "jump to phase", match: char("j") },
  option: { keys: ["o"], label: "change option", match: char("o") },
  panel: { keys: ["k"], label: "cluster panel", match: char("k") },
  help: { keys: ["?"], label: "keys", match: char("?") },
  pageUp: { keys: ["pgup"], label: "scroll up", match: (_i, k) => k.pageUp },
  pageDown: { keys: ["pgdn"], label: "scroll down", match: (_i, k) => k.pageDown },
  copy: { keys: ["c"], label: "copy command", match: char("c") },
  copyScript: { keys: ["C"], label: "copy script ($inputs)", match: char("C") },
};

/** The command a key press means, among those active now. */
export function commandFor(input: string, key: Key, active: readonly Command[]): Command | undefined {
  return active.find((c) => KEYMAP[c].match(input, key));
}

/** The `?` help of a screen: its commands only, one a line. */
export function helpLines(active: readonly Command[]): string[] {
  return active.map((c) => `${KEYMAP[c].keys.join(" / ").padEnd(12)} ${KEYMAP[c].label}`);
}

/** `r run · s skip · …` for the footer. */
export function footerHelp(active: readonly Command[]): string {
  return active.map((c) => `${KEYMAP[c].keys.join("/")} ${KEYMAP[c].label}`).join(" · ");
}

/** The keys of an open prompt, for the footer (a prompt is not the screen under it). */
export const PROMPT_KEYS = {
  text: "enter submit · esc cancel · ctrl-u clear · ctrl-w delete word",
  yesNo: "y yes · n no",
  pick: "↑/↓ move · 1-9 or r pick · esc cancel",
  help: "any key closes",
} as const;

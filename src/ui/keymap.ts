/** One keymap: command → keys, which also renders the footer help, so the two never disagree. */
import type { Key } from "ink";

export type Command =
  | "run"
  | "skip"
  | "note"
  | "edit"
  | "severity"
  | "acknowledge"
  | "resolve"
  | "back"
  | "cancel"
  | "quit"
  | "up"
  | "down"
  | "select"
  | "switch"
  | "jump"
  | "option"
  | "panel"
  | "help"
  | "pageUp"
  | "pageDown";

interface Binding {
  keys: string[];
  label: string;
  match: (input: string, key: Key) => boolean;
}

const char = (c: string) => (input: string, key: Key) => input === c && !key.ctrl && !key.meta;

export const KEYMAP: Record<Command, Binding> = {
  run: { keys: ["r", "enter"], label: "run", match: (i, k) => char("r")(i, k) || k.return },
  skip: { keys: ["s"], label: "skip", match: char("s") },
  note: { keys: ["n"], label: "note", match: char("n") },
  edit: { keys: ["e"], label: "edit command", match: char("e") },
  severity: { keys: ["v"], label: "severity", match: char("v") },
  acknowledge: { keys: ["a"], label: "acknowledge", match: char("a") },
  resolve: { keys: ["x"], label: "resolve", match: char("x") },
  back: { keys: ["esc"], label: "back", match: (_i, k) => k.escape },
  cancel: { keys: ["ctrl-c"], label: "cancel step", match: (i, k) => k.ctrl && i === "c" },
  quit: { keys: ["q"], label: "quit", match: char("q") },
  up: { keys: ["↑"], label: "up", match: (_i, k) => k.upArrow },
  down: { keys: ["↓"], label: "down", match: (_i, k) => k.downArrow },
  select: { keys: ["enter"], label: "open", match: (_i, k) => k.return },
  switch: { keys: ["tab"], label: "next list", match: (_i, k) => k.tab },
  jump: { keys: ["j"], label: "jump to phase", match: char("j") },
  option: { keys: ["o"], label: "change option", match: char("o") },
  panel: { keys: ["k"], label: "cluster panel", match: char("k") },
  help: { keys: ["?"], label: "keys", match: char("?") },
  pageUp: { keys: ["pgup"], label: "scroll up", match: (_i, k) => k.pageUp },
  pageDown: { keys: ["pgdn"], label: "scroll down", match: (_i, k) => k.pageDown },
};

/** The command a key press means, among those active now. */
export function commandFor(input: string, key: Key, active: readonly Command[]): Command | undefined {
  return active.find((c) => KEYMAP[c].match(input, key));
}

/** Every binding, one a line, for the `?` overlay. */
export function fullHelp(): string[] {
  return (Object.keys(KEYMAP) as Command[]).map((c) => `${KEYMAP[c].keys.join(" / ").padEnd(12)} ${KEYMAP[c].label}`);
}

/** `r run · s skip · …` for the footer. */
export function footerHelp(active: readonly Command[]): string {
  return active.map((c) => `${KEYMAP[c].keys.join("/")} ${KEYMAP[c].label}`).join(" · ");
}

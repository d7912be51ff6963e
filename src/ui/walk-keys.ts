/** Which keys the walkthrough offers now: pure, so the footer, `?` and the key handler agree. */
import type { Command } from "./keymap.js";
import type { CurrentView } from "./store.js";

export interface WalkKeyState {
  type: CurrentView["type"] | undefined;
  kind?: CurrentView["kind"];
  running: boolean;
  /** An escalation waits to be acknowledged. */
  banner: boolean;
  /** The step belongs to an option (its phase's option can be changed). */
  inOption: boolean;
  /** The step or choice on screen has been there long enough for a key to be meant for it. */
  armed: boolean;
}

const VIEW: Command[] = ["panel", "pageUp", "pageDown"];

/** The commands active now, most useful first (the footer is cut at the terminal's width). */
export function walkCommands(s: WalkKeyState): Command[] {
  if (s.running) return ["help", "cancel", "note", ...VIEW];
  const base: Command[] = s.banner ? ["help", "acknowledge"] : ["help"];
  switch (s.type) {
    case "step":
    case "halted": {
      const act: Command[] = s.armed ? [s.kind === "manual" ? "confirm" : "run"] : [];
      return [...base, ...act, "skip", "edit", "note", "inputs", ...(s.inOption ? (["option"] as Command[]) : []), "jump", "severity", "resolve", "back", "quit", "copy", "copyScript", ...VIEW];
    }
    case "choose":
      return [...base, ...(s.armed ? (["pick"] as Command[]) : []), "note", "inputs", "jump", "severity", "resolve", "back", "quit", ...VIEW];
    case "complete":
      return [...base, "resolve", "note", "inputs", "jump", "back", "quit", ...VIEW];
    case "resolved":
      return [...base, "note", "back", "quit", ...VIEW];
    default:
      return [...base, "back", ...VIEW];
  }
}

/** How long a new step or choice is on screen before r, y or a number can act on it. */
export const CONFIRM_GUARD_MS = 300;

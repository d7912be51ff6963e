/** The walkthrough's interaction modes as a pure reducer: which prompt is open and what it collects. */

import type { Template } from "../runbooks/template.js";

export type WalkMode =
  | { name: "idle" }
  /** Asked by the runner before a risky step runs; `edited` is the operator's script waiting on the answer. */
  | { name: "confirm"; edited?: Template }
  | { name: "type-target"; edited?: Template }
  | { name: "skip" }
  | { name: "note" }
  | { name: "edit" }
  | { name: "severity" }
  | { name: "resolve-cause"; lines: string[] }
  | { name: "resolve-items"; rootCause: string; items: string[] }
  /** Last of the closing questions: who and what was affected (optional). */
  | { name: "resolve-impact"; rootCause: string; items: string[] }
  | { name: "quit-confirm" }
  /** x before the walk's end: how many steps have not run, and a y/n. */
  | { name: "resolve-confirm" }
  /** i: pick an input, then edit its value. */
  | { name: "inputs" }
  | { name: "input-edit"; input: string }
  | { name: "jump" }
  | { name: "option" }
  | { name: "help" };

export type WalkAction =
  | { type: "open"; mode: Exclude<WalkMode["name"], "resolve-items" | "resolve-impact" | "confirm" | "type-target" | "input-edit"> }
  | { type: "ask"; mode: "confirm" | "type-target"; edited?: Template }
  | { type: "edit-input"; input: string }
  /** One more line of the root cause; an empty line ends it. */
  | { type: "cause-line"; text: string }
  | { type: "item"; text: string }
  /** The action items are done: the impact is asked next. */
  | { type: "items-done" }
  | { type: "close" };

export function walkMode(mode: WalkMode, action: WalkAction): WalkMode {
  switch (action.type) {
    case "open":
      return action.mode === "resolve-cause" ? { name: "resolve-cause", lines: [] } : ({ name: action.mode } as WalkMode);
    case "ask":
      return { name: action.mode, ...(action.edited !== undefined ? { edited: action.edited } : {}) };
    case "edit-input":
      return { name: "input-edit", input: action.input };
    case "cause-line":
      if (mode.name !== "resolve-cause") return mode;
      if (action.text.trim() === "") return mode.lines.length > 0 ? { name: "resolve-items", rootCause: mode.lines.join("\n"), items: [] } : mode;
      return { ...mode, lines: [...mode.lines, action.text] };
    case "item":
      return mode.name === "resolve-items" ? { ...mode, items: [...mode.items, action.text] } : mode;
    case "items-done":
      return mode.name === "resolve-items" ? { name: "resolve-impact", rootCause: mode.rootCause, items: mode.items } : mode;
    case "close":
      return { name: "idle" };
  }
}

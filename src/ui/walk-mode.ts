/** The walkthrough's interaction modes as a pure reducer: which prompt is open and what it collects. */

export type WalkMode =
  | { name: "idle" }
  | { name: "confirm" }
  | { name: "type-target" }
  | { name: "skip" }
  | { name: "note" }
  | { name: "edit" }
  | { name: "severity" }
  | { name: "resolve-cause"; lines: string[] }
  | { name: "resolve-items"; rootCause: string; items: string[] }
  | { name: "quit-confirm" }
  | { name: "jump" }
  | { name: "option" }
  | { name: "help" };

export type WalkAction =
  | { type: "open"; mode: Exclude<WalkMode["name"], "resolve-items"> }
  /** One more line of the root cause; an empty line ends it. */
  | { type: "cause-line"; text: string }
  | { type: "item"; text: string }
  | { type: "close" };

export function walkMode(mode: WalkMode, action: WalkAction): WalkMode {
  switch (action.type) {
    case "open":
      return action.mode === "resolve-cause" ? { name: "resolve-cause", lines: [] } : ({ name: action.mode } as WalkMode);
    case "cause-line":
      if (mode.name !== "resolve-cause") return mode;
      if (action.text.trim() === "") return mode.lines.length > 0 ? { name: "resolve-items", rootCause: mode.lines.join("\n"), items: [] } : mode;
      return { ...mode, lines: [...mode.lines, action.text] };
    case "item":
      return mode.name === "resolve-items" ? { ...mode, items: [...mode.items, action.text] } : mode;
    case "close":
      return { name: "idle" };
  }
}

export type Confirmation = "none" | "yes-no" | "type-target";

/** How much confirmation a step needs (DESIGN.md): high and critical against production need the name typed back. */
export function confirmationFor(risk: string | undefined, production: boolean, hasTarget: boolean): Confirmation {
  if (risk === "high" || risk === "critical") return production && hasTarget ? "type-target" : "yes-no";
  if (risk === "medium") return "yes-no";
  return "none";
}

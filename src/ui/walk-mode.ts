/** The walkthrough's interaction modes as a pure reducer: which prompt is open and what it collects. */

export type WalkMode =
  | { name: "idle" }
  | { name: "confirm" }
  | { name: "type-target" }
  | { name: "skip" }
  | { name: "note" }
  | { name: "edit" }
  | { name: "severity" }
  | { name: "resolve-cause" }
  | { name: "resolve-items"; rootCause: string; items: string[] }
  | { name: "quit-confirm" }
  | { name: "jump" }
  | { name: "option" }
  | { name: "help" };

export type WalkAction =
  | { type: "open"; mode: Exclude<WalkMode["name"], "resolve-items"> }
  | { type: "cause"; rootCause: string }
  | { type: "item"; text: string }
  | { type: "close" };

export function walkMode(mode: WalkMode, action: WalkAction): WalkMode {
  switch (action.type) {
    case "open":
      return { name: action.mode } as WalkMode;
    case "cause":
      return { name: "resolve-items", rootCause: action.rootCause, items: [] };
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

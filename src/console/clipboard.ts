/**
 * The operator's clipboard through the terminal: OSC 52 (xterm, iTerm2, kitty, WezTerm, Windows
 * Terminal, foot; tmux with `set-clipboard on`, which also keeps it as a paste buffer). Nothing is
 * drawn, so it can be written while Ink owns the screen. Terminals that ignore it ignore it
 * silently, which is why the console also shows what was copied.
 */
/** Longest text sent: many terminals drop larger OSC 52 payloads whole. */
export const CLIPBOARD_MAX_BYTES = 74_994;

export function osc52(text: string): string | undefined {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length > CLIPBOARD_MAX_BYTES) return undefined;
  return `\u001b]52;c;${bytes.toString("base64")}\u0007`;
}

/** What the console says of a copy: what was copied (its first line, cut), or that the terminal could not take it. */
export function copied(text: string, what: string, delivered: boolean): { text: string; tone: "info" | "error" } {
  const first = text.split("\n")[0]!;
  const shown = `${first.length > 60 ? `${first.slice(0, 60)}…` : first}${text.includes("\n") ? " …" : ""}`;
  if (!delivered) return { text: `too long for the terminal's clipboard: select it on the card instead (${shown})`, tone: "error" };
  return { text: `copied ${what}: ${shown} (OSC 52: a terminal that ignores it leaves it to selecting it here)`, tone: "info" };
}

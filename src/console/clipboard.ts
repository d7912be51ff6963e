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

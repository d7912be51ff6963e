/**
 * Text from a step (or anything a step could have written) made safe to show: a step's output
 * may carry escape sequences that act on the operator's terminal — OSC 52 writes the clipboard,
 * OSC 0 sets the window title, a C1 CSI (0x9b) moves the cursor. Pure; used by the console, the
 * headless writers and the Markdown report.
 */
import ansiRegex from "ansi-regex";

/**
 * ansi-regex finds whole sequences (CSI, OSC, DCS/APC/PM/SOS, C1 introducers); what it leaves are
 * single control characters: a lone ESC, BEL, backspace, CR, DEL, the other C0 and C1 controls.
 * Tab and newline are the only controls kept.
 */
const LONE = "[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]";
/**
 * One pass with ansi-regex, not strip-ansi: strip-ansi returns text without ESC or 0x9B as it
 * is, so a C1 OSC (0x9D … 0x9C) kept its payload once the two controls were dropped.
 */
const SEQUENCE_OR_CONTROL = new RegExp(`${ansiRegex().source}|${LONE}`, "g");
// The fast path: text without any control character (almost every line) is returned as it is.
const ANY_CONTROL = new RegExp(LONE);
/** Select Graphic Rendition (colour, bold…) in its 7-bit form only: the one sequence kept. */
// eslint-disable-next-line no-control-regex -- ESC is part of the sequence.
const SGR = /^\u001b\[[0-9;:]*m$/;
const RESET = "\u001b[0m";

/** Every escape sequence and control character removed except newline and tab (files, pipes). */
export function plainText(text: string): string {
  if (!ANY_CONTROL.test(text)) return text;
  return text.replace(SEQUENCE_OR_CONTROL, "");
}

/**
 * For a terminal: SGR colour kept, every other sequence and control character removed. A line
 * that set a colour ends with a reset, so step output cannot restyle (or hide, SGR 8) the lines
 * handrail writes after it.
 */
export function terminalText(text: string): string {
  if (!ANY_CONTROL.test(text)) return text;
  let styled = false;
  const out = text.replace(SEQUENCE_OR_CONTROL, (m) => {
    if (!SGR.test(m)) return "";
    styled = true;
    return m;
  });
  return styled ? out.split("\n").map(closeStyle).join("\n") : out;
}

function closeStyle(line: string): string {
  return line.includes("\u001b[") && !line.endsWith(RESET) ? `${line}${RESET}` : line;
}

/** The sanitiser for a stream: colour survives on a terminal, a pipe or a file gets plain text. */
export function textFor(isTTY: boolean): (text: string) => string {
  return isTTY ? terminalText : plainText;
}

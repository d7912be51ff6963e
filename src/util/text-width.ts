/**
 * The columns a text takes in the terminal, as string-width counts them: at once for the text the
 * console draws most, printable ASCII and the symbols it draws (glyphs.ts, Ink's borders). The bundle
 * gives Ink this in place of string-width (scripts/build.mjs).
 *
 * string-width splits any other text into grapheme clusters and matches each against
 * `\p{RGI_Emoji}`, and compiling that regex took 8–12 ms of the console's first frame (the home
 * title's "—"); each frame then split every bordered line again. Each character below is one
 * column wide and a cluster of its own (none combines, joins or asks for emoji presentation), so a
 * text of nothing else is as wide as it is long; text-width.test.ts holds each one, and random
 * texts of them, to string-width.
 */
import stringWidth from "string-width";

/** Symbols one column wide: glyphs.ts's (not ⌛, which is two), punctuation the screens use, and the box drawing of Ink's borders. */
export const ONE_COLUMN_SYMBOLS = "·…—–•≥←↑→↓↗↳↯›❯●○◆▌✓✗✎✉⎈⏱⊘⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏─│┌┐└┘╭╮╰╯═║╔╗╚╝╓╖╙╜╒╕╘╛━┃┏┓┗┛";

const ONE_COLUMN = new RegExp(`^[\\u0020-\\u007E${ONE_COLUMN_SYMBOLS}]*$`);

type Options = Parameters<typeof stringWidth>[1];

/** string-width's answer; options (ambiguous characters as wide, escapes counted) always go to string-width. */
export default function textWidth(text: string, options?: Options): number {
  if (options === undefined && typeof text === "string" && ONE_COLUMN.test(text)) return text.length;
  return stringWidth(text, options);
}

/**
 * What Ink's frame builder (ink/build/output.js) takes from @alcalzone/ansi-tokenize, with a
 * styledCharsToString that gives the same text sooner. The bundle gives Ink this module in place of
 * the package (scripts/build.mjs); styled-chars.test.ts holds it to the package's own on random
 * styled text.
 *
 * Ink turns every row of every frame (4,800 cells at 120×40) back into text with
 * styledCharsToString, which works out the escape codes between each cell and the next with
 * diffAnsiCodes: three Sets and three arrays a cell, even between two cells of the same style,
 * which is nearly every pair. Between two cells whose styles hold the same codes in the same order
 * the package's answer is always nothing (each code of one is matched in the other), so that case
 * is answered here without the diff. Measured in the console at 120×40: 60 frames of the key help
 * took ~1.2 s of CPU, ~0.8 s with this and the frame caches of scripts/build.mjs.
 */
import { ansiCodesToString, diffAnsiCodes, type StyledChar } from "@alcalzone/ansi-tokenize";

export { styledCharsFromTokens, tokenize } from "@alcalzone/ansi-tokenize";

type Styles = StyledChar["styles"];

/** Whether two cells' styles hold the same codes in the same order: no escape code is needed between them. */
function sameStyles(a: Styles, b: Styles): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.code !== b[i]!.code || a[i]!.endCode !== b[i]!.endCode) return false;
  }
  return true;
}

/** The package's styledCharsToString: the cells' text with the escape codes between them, ending with every style undone. */
export function styledCharsToString(chars: readonly StyledChar[]): string {
  if (chars.length === 0) return "";
  let text = ansiCodesToString(chars[0]!.styles);
  let styles = chars[0]!.styles;
  for (const char of chars) {
    if (!sameStyles(styles, char.styles)) text += ansiCodesToString(diffAnsiCodes(styles, char.styles));
    text += char.value;
    styles = char.styles;
  }
  return styles.length > 0 ? text + ansiCodesToString(diffAnsiCodes(styles, [])) : text;
}

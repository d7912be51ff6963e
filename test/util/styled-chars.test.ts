/** styledCharsToString gives the package's answer (what Ink drew before the bundle gave it ours) on rows built as Ink builds them. */
import * as tokenizer from "@alcalzone/ansi-tokenize";
import { describe, expect, it } from "vitest";
import { styledCharsToString } from "../../src/util/styled-chars.js";
import { rng } from "../helpers/random.js";

const ESC = "\u001B[";
/** SGR codes the console's colours, bold, dim and inverse come out as, their ends, full resets, and 256-colour and true-colour ones. */
const CODES = ["1m", "2m", "22m", "3m", "23m", "4m", "24m", "7m", "27m", "31m", "32m", "33m", "90m", "39m", "41m", "49m", "0m", "38;5;208m", "48;2;10;20;30m"].map((c) => ESC + c);
const TEXT = ["a", "b", " ", "│", "─", "✓", "·", "日", "😀", "x", "1"];

function styledText(next: () => number): string {
  let text = "";
  const length = Math.floor(next() * 30);
  for (let i = 0; i < length; i++) {
    text += next() < 0.3 ? CODES[Math.floor(next() * CODES.length)] : TEXT[Math.floor(next() * TEXT.length)];
  }
  return text;
}

describe("styledCharsToString", () => {
  it("gives the package's text for 5,000 random rows of cells from several styled texts and blank cells", () => {
    const next = rng(20261207);
    // Ink's blank cell, one object in the bundle, shared by every blank cell of a frame.
    const blank = { type: "char" as const, value: " ", fullWidth: false, styles: [] };
    for (let n = 0; n < 5_000; n++) {
      const row: tokenizer.StyledChar[] = [];
      const pieces = 1 + Math.floor(next() * 4);
      for (let p = 0; p < pieces; p++) {
        if (next() < 0.3) for (let k = Math.floor(next() * 5); k > 0; k--) row.push(blank);
        const cells = tokenizer.styledCharsFromTokens(tokenizer.tokenize(styledText(next)));
        // A cached line's cells appear again in later rows and frames: the same objects, twice in a row sometimes.
        row.push(...cells, ...(next() < 0.2 ? cells : []));
      }
      expect([n, styledCharsToString(row)]).toEqual([n, tokenizer.styledCharsToString(row)]);
    }
  });

  it("keeps the styles of a row's last cell undone at its end, and writes nothing for an empty row", () => {
    const cells = tokenizer.styledCharsFromTokens(tokenizer.tokenize(`${ESC}1m${ESC}31mok`));
    expect(styledCharsToString(cells)).toBe(tokenizer.styledCharsToString(cells));
    expect(styledCharsToString(cells).endsWith(`ok${ESC}39m${ESC}22m`)).toBe(true);
    expect(styledCharsToString([])).toBe("");
  });
});

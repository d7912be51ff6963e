/** textWidth answers as string-width does, at once for ASCII and the console's symbols. */
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { ASCII, UNICODE } from "../../src/ui/glyphs.js";
import textWidth, { ONE_COLUMN_SYMBOLS } from "../../src/util/text-width.js";

/** A small deterministic generator, so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const symbols = [...ONE_COLUMN_SYMBOLS];
/** What may follow or sit among them: wide, combining, joining, presentation-changing, control and escape characters. */
const OTHERS = ["日", "本", "한", "\u1100", "\u1161", "😀", "👍🏽", "\u200D", "\uFE0F", "\u0301", "\u0308", "\u00AD", "\u200B", "\t", "\u001B[31m", "\u001B[0m", "\u0007", "\u00E9", "\u03A9", "⌛", "🇫🇷"];

describe("textWidth", () => {
  it("each symbol it answers for is one column in string-width, and a list of them no more", () => {
    for (const ch of symbols) expect([ch, stringWidth(ch)]).toEqual([ch, 1]);
    expect(new Set(symbols).size).toBe(symbols.length);
    expect(symbols).not.toContain("⌛");
    expect(textWidth("⌛")).toBe(2);
  });

  it("covers what the console draws: every glyph of both sets, but for ⌛", () => {
    const drawn = [UNICODE, ASCII].flatMap((g) => [g.kube, g.clock, g.passed, g.failed, g.found, g.error, g.timeout, g.cancelled, g.interrupted, g.skipped, g.chosen, g.note, g.current, g.todo, g.arrow, g.step, g.cursor, g.more.up, g.more.down, g.ellipsis, g.stderr, g.mail, g.link, g.pod, ...g.spinner]);
    const missing = [...new Set(drawn.join(""))].filter((ch) => !(ch >= " " && ch <= "~") && !symbols.includes(ch));
    expect(missing).toEqual(["⌛"]);
  });

  it("gives string-width's answer for random texts of ASCII and the symbols, with and without other characters among them", () => {
    const next = random(20261207);
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i));
    for (let n = 0; n < 3_000; n++) {
      const length = Math.floor(next() * 40);
      const withOthers = n % 3 === 0;
      let text = "";
      for (let i = 0; i < length; i++) {
        const r = next();
        text += withOthers && r < 0.15 ? OTHERS[Math.floor(next() * OTHERS.length)]! : r < 0.6 ? ascii[Math.floor(next() * ascii.length)]! : symbols[Math.floor(next() * symbols.length)]!;
      }
      expect([text, textWidth(text)]).toEqual([text, stringWidth(text)]);
    }
  });

  it("leaves options to string-width: ambiguous characters counted wide, escapes counted", () => {
    expect(textWidth("· …")).toBe(3);
    expect(textWidth("· …", { ambiguousIsNarrow: false })).toBe(stringWidth("· …", { ambiguousIsNarrow: false }));
    expect(textWidth("· …", { ambiguousIsNarrow: false })).toBe(5);
    expect(textWidth("\u001B[31mred\u001B[0m")).toBe(3);
    expect(textWidth("", {})).toBe(0);
  });
});

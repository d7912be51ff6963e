/** What step output may do to a terminal: only colour survives on a TTY, nothing but text to a pipe or a report. */
import { describe, expect, it } from "vitest";
import { plainText, terminalText, textFor } from "../../src/executors/terminal-text.js";

const ESC = "\u001b";
const CASES: Array<[string, string, string, string]> = [
  // [what, input, on a terminal, plain]
  ["OSC 52 clipboard write (BEL)", `a${ESC}]52;c;aGVsbG8=\u0007b`, "ab", "ab"],
  ["OSC 52 clipboard write (ST)", `a${ESC}]52;c;aGVsbG8=${ESC}\\b`, "ab", "ab"],
  ["OSC 0 window title", `a${ESC}]0;pwned\u0007b`, "ab", "ab"],
  ["OSC 8 hyperlink", `${ESC}]8;;http://evil${ESC}\\link${ESC}]8;;${ESC}\\`, "link", "link"],
  ["C1 CSI (U+009B) clear screen", "a\u009b2Jb", "ab", "ab"],
  ["C1 OSC (U+009D) title", "a\u009d0;pwned\u009cb", "ab", "ab"],
  ["CSI cursor movement", `a${ESC}[2J${ESC}[10;1Hb`, "ab", "ab"],
  ["DCS string", `a${ESC}Pq#0;2;0;0;0${ESC}\\b`, "ab", "ab"],
  ["lone ESC", `a${ESC}`, "a", "a"],
  ["BEL", "a\u0007b", "ab", "ab"],
  ["backspace over text", "abc\b\b\bxyz", "abcxyz", "abcxyz"],
  ["CR", "progress\rdone", "progressdone", "progressdone"],
  ["DEL and other C0", "a\u007f\u0000\u000b\u000cb", "ab", "ab"],
  ["a stray C1 control", "a\u0085b", "ab", "ab"],
  ["tab and newline kept", "a\tb\nc", "a\tb\nc", "a\tb\nc"],
  ["SGR colour", `${ESC}[31mred${ESC}[0m`, `${ESC}[31mred${ESC}[0m`, "red"],
  ["SGR 256 and truecolour", `${ESC}[38;5;196mx${ESC}[38:2::255:0:0my${ESC}[0m`, `${ESC}[38;5;196mx${ESC}[38:2::255:0:0my${ESC}[0m`, "xy"],
  ["SGR left open is closed at the line's end", `${ESC}[8mhidden\nnext`, `${ESC}[8mhidden${ESC}[0m\nnext`, "hidden\nnext"],
  ["C1 SGR is not the kept form", "\u009b31mred", "red", "red"],
  ["plain text", "nothing to do", "nothing to do", "nothing to do"],
];

describe("terminal text", () => {
  it.each(CASES)("%s", (_what, input, terminal, plain) => {
    expect(terminalText(input)).toBe(terminal);
    expect(plainText(input)).toBe(plain);
  });

  it("plain text is returned as the same string (the fast path)", () => {
    const s = "x".repeat(10_000);
    expect(terminalText(s)).toBe(s);
    expect(plainText(s)).toBe(s);
  });

  it("textFor picks by whether the stream is a terminal", () => {
    expect(textFor(true)(`${ESC}[32mok${ESC}[0m`)).toBe(`${ESC}[32mok${ESC}[0m`);
    expect(textFor(false)(`${ESC}[32mok${ESC}[0m`)).toBe("ok");
  });
});

/** text-scan.ts: the bytes' verdict is the fast YAML reader's regex verdict on the decoded text, and the text is the same text. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runbookText, TEXT_SCAN_WASM } from "../../src/runbooks/text-scan.js";
import { UNSUPPORTED_TEXT } from "../../src/runbooks/yaml-fast.js";

/** What runbookText must give for a text: its characters back, and plain exactly when the regex finds nothing. */
function expectAgrees(text: string): void {
  const got = runbookText(Buffer.from(text, "utf8"));
  expect(got.text).toBe(text);
  expect(got.plain, JSON.stringify(text)).toBe(!UNSUPPORTED_TEXT.test(text));
}

// Each character the reader leaves to js-yaml, and neighbours of theirs that it reads.
const UNSUPPORTED = ["\0", "\t", "\x0b", "\r", "\x1f", "\x7f", "\x80", "\x85", "\x9f", "\uFEFF", "\uFFFE", "\uFFFF", "😀", "\u{10FFFF}"];
const FINE = ["\n", " ", "~", "\xa0", "é", "\u00ff", "\u0100", "—", "→", "\uFEFE", "\uFFFD", "\uE000", "\uFF00", "\u07ff", "\u0800"];

describe("runbookText", () => {
  it("embeds text-scan.wat as wabt assembles it", async () => {
    const wabt = await (await import("wabt")).default();
    const source = readFileSync(path.join(import.meta.dirname, "../../src/runbooks/text-scan.wat"), "utf8");
    const module = wabt.parseWat("text-scan.wat", source, { simd: true });
    expect(Buffer.from(module.toBinary({}).buffer).toString("base64")).toBe(TEXT_SCAN_WASM);
  });

  it("agrees with the reader's regex on each such character and its neighbours, at every place in and across blocks of 16", () => {
    for (const c of [...UNSUPPORTED, ...FINE]) {
      for (let at = 0; at <= 40; at++) {
        expectAgrees(`${"a".repeat(at)}${c}${"b".repeat(40 - at)}`);
        expectAgrees(`${"é".repeat(at >> 1)}x${c}`);
        expectAgrees(`${c}${"→".repeat(at)}`);
      }
    }
  });

  it("agrees with it on random text: ASCII, accents, arrows, the characters above", () => {
    const pool = ["a", "b", " ", "\n", ":", "-", "é", "—", "→", ...FINE, ...UNSUPPORTED];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 3000; k++) {
      let text = "";
      const length = Math.floor(next() * 80);
      // Mostly plain: an unsupported character now and then, as in a real file.
      for (let i = 0; i < length; i++) text += next() < 0.97 ? pool[Math.floor(next() * 9)]! : pool[Math.floor(next() * pool.length)]!;
      expectAgrees(text);
    }
  });

  it("a text larger than the kernel's memory grows it, and a short text after it is judged on its own bytes", () => {
    expectAgrees(`${"a: b\n".repeat(60_000)}c:\td\n`);
    expectAgrees(`${"é: b\n".repeat(60_000)}`);
    expectAgrees("a: b\n");
    expectAgrees("é");
    expect(runbookText(Buffer.from("a: b\n")).plain).toBe(true);
  });
});

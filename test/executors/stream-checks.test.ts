/** Text checks over a whole stream, fed chunk by chunk: what they see, across which boundaries, in what memory. */
import { describe, expect, it } from "vitest";
import { OutputChecks } from "../../src/executors/stream-checks.js";
import { LONG_LINE_CHARS } from "../../src/executors/stream-text.js";
import { spansLines } from "../../src/runbooks/patterns.js";
import type { OutputCheck } from "../../src/runbooks/schema.js";

/** Feed `text` in chunks of `size` bytes (cutting anywhere, UTF-8 characters included) and evaluate `check` on stdout. */
function run(check: OutputCheck, text: string | Buffer, size = 65_536) {
  const checks = new OutputChecks({ expect: { stdout: check } });
  const bytes = typeof text === "string" ? Buffer.from(text) : text;
  for (let i = 0; i < bytes.length; i += size) checks.push("stdout", bytes.subarray(i, i + size));
  return checks.results("expect").stdout ?? [];
}
const passed = (check: OutputCheck, text: string | Buffer, size?: number) => run(check, text, size).every((o) => o.passed);
const seq = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}\n`).join("");

describe("text checks over the whole stream", () => {
  it("see past the first MiB: seq 1 200000 contains 200000, and an ERROR at the end is seen", () => {
    const out = seq(200_000);
    expect(out.length).toBeGreaterThan(1024 * 1024);
    expect(passed({ contains: "200000" }, out)).toBe(true);
    expect(run({ notContains: "ERROR" }, `${out}ERROR: disk full\n`)).toEqual([{ check: "stdout.notContains", passed: false, reason: 'stdout contains "ERROR"' }]);
    expect(passed({ notMatches: "^ERROR" }, `${out}ERROR: disk full\n`)).toBe(false);
    expect(passed({ matches: "^199999$" }, out)).toBe(true);
  });

  it("find a needle cut between two chunks, a multi-line needle, and a UTF-8 character cut in two", () => {
    expect(passed({ contains: "CrashLoopBackOff" }, "pod api-1 CrashLoopBackOff\n", 13)).toBe(true);
    expect(passed({ contains: "ready\nlive" }, "ready\nlive\n", 7)).toBe(true);
    expect(passed({ contains: "état stable" }, "état stable\n", 1)).toBe(true);
    expect(passed({ matches: "^état" }, "état stable\n", 1)).toBe(true);
  });

  it("check the text without colour codes, even when a code is cut between chunks", () => {
    const out = "\u001b[32mapi-1 3/3 Running\u001b[0m\n";
    for (const size of [1, 3, 5, 65_536]) {
      expect(passed({ contains: ["Running", "3/3"], notContains: "CrashLoopBackOff", matches: "^api-\\d 3/3 Running$", notMatches: "\\x1b" }, out, size)).toBe(true);
    }
  });

  it("apply a pattern to each line, without its line ending (CRLF too)", () => {
    expect(passed({ matches: "a\\s+b" }, "a\nb\n")).toBe(false);
    expect(passed({ matches: "^ready$" }, "starting\r\nready\r\n")).toBe(true);
    expect(run({ notMatches: "Err\\w+" }, "ok\nErrImagePull\n")).toEqual([{ check: "stdout.notMatches", passed: false, reason: 'stdout matches /Err\\w+/: "ErrImagePull"' }]);
  });

  it("judge each line on its own even where a search over many lines at once would be misled", () => {
    // A match across lines, then a real one further on.
    expect(run({ notMatches: "a\\s+b" }, "a\nb\nxa b\n")).toEqual([{ check: "stdout.notMatches", passed: false, reason: 'stdout matches /a\\s+b/: "a b"' }]);
    // A lone CR (a progress bar rewriting its line) is a line end to ^ and $, as a terminal shows it.
    expect(passed({ matches: "^downloading 100%$" }, "downloading 10%\rdownloading 100%\n")).toBe(true);
    expect(passed({ matches: "^10%$" }, "downloading 10%\rdownloading 100%\n")).toBe(false);
    // Look-arounds see only the line: nothing before its start, nothing after its end.
    expect(passed({ matches: "(?<![^x])foo" }, "a\nfoo\n")).toBe(true);
    expect(passed({ matches: "foo(?![^x])" }, "foo\nb\n")).toBe(true);
    expect(passed({ matches: "^$" }, "a\n\nb\n")).toBe(true);
    expect(passed({ matches: "^$" }, "a\nb\n")).toBe(false);
  });

  it("apply a pattern that names a newline across lines, with ^ and $ at line ends", () => {
    expect(spansLines("a\\nb")).toBe(true);
    expect(spansLines("a\\\\nb")).toBe(false);
    expect(spansLines("Err\\w+")).toBe(false);
    expect(passed({ matches: "^Status: Failed\\n\\s+Reason: OOM" }, "x\nStatus: Failed\n   Reason: OOMKilled\n", 4)).toBe(true);
    expect(passed({ matches: "^Failed\\nReason$" }, "Status: Failed\nReason: OOM\n")).toBe(false);
    // A match straddling two windows is still seen: whole lines are kept from one window to the next.
    const filler = "x".repeat(99) + "\n";
    const out = filler.repeat(700) + "BEGIN\nEND\n" + filler.repeat(700);
    expect(passed({ matches: "BEGIN\\nEND" }, out, 4096)).toBe(true);
    expect(passed({ notMatches: "BEGIN\\nEND" }, out, 4096)).toBe(false);
  });

  it("see a needle anywhere in a line far longer than the line limit; a pattern sees the line's start", () => {
    const long = "a".repeat(LONG_LINE_CHARS * 3) + "NEEDLE" + "b".repeat(1000) + "\nnext\n";
    expect(passed({ contains: "NEEDLE" }, long, 4096)).toBe(true);
    expect(passed({ notContains: "NEEDLE" }, long, 4096)).toBe(false);
    expect(passed({ matches: "^a+$" }, long, 4096)).toBe(true);
    expect(passed({ matches: "NEEDLE" }, long, 4096)).toBe(false);
    expect(passed({ matches: "^next$" }, long, 4096)).toBe(true);
  });

  it("read the output as a number from its last non-blank line, at any length", () => {
    expect(passed({ min: 200_000, max: 200_000 }, seq(200_000))).toBe(true);
    expect(run({ max: 10 }, seq(200_000))).toEqual([{ check: "stdout.max", passed: false, reason: "stdout 200000 is above the maximum 10" }]);
    expect(passed({ max: 7 }, "counting...\n7\n\n   \n")).toBe(true);
    expect(passed({ min: 42, max: 42 }, " 42 ")).toBe(true);
    expect(passed({ min: 1 }, "\u001b[1m12\u001b[0m\n")).toBe(true);
    expect(run({ min: 1 }, "zero")).toEqual([{ check: "stdout.number", passed: false, reason: 'stdout is not a number: its last line is "zero"' }]);
    expect(run({ min: 1 }, "\n \n")).toEqual([{ check: "stdout.number", passed: false, reason: "stdout is empty, not a number" }]);
  });

  it("read a number at the end of a long line of blanks, and no number in a long line of text", () => {
    expect(passed({ min: 5, max: 5 }, " ".repeat(LONG_LINE_CHARS * 2) + "5\n", 4096)).toBe(true);
    expect(passed({ min: 5, max: 5 }, "5" + " ".repeat(LONG_LINE_CHARS * 2), 4096)).toBe(true);
    expect(run({ min: 0 }, "abc" + " ".repeat(LONG_LINE_CHARS * 2) + "2\n", 4096)[0]).toMatchObject({ check: "stdout.number", passed: false });
    expect(run({ min: 0 }, "1\n" + "x".repeat(LONG_LINE_CHARS * 2), 4096)[0]).toMatchObject({ check: "stdout.number", passed: false });
  });

  it("empty: nothing but white space and colour codes", () => {
    expect(passed({ empty: true }, "")).toBe(true);
    expect(passed({ empty: true }, "\n  \n\u001b[0m\n")).toBe(true);
    expect(run({ empty: true }, "\n".repeat(100_000) + "x")).toEqual([{ check: "stdout.empty", passed: false, reason: "stdout is not empty" }]);
    expect(run({ empty: false }, "")).toEqual([{ check: "stdout.empty", passed: false, reason: "stdout is empty" }]);
  });

  it("stop a catastrophic pattern at the deadline and fail the check, saying so", () => {
    const attack = "a".repeat(40) + "!\n";
    for (const check of [{ matches: "^(a+)+$" }, { notMatches: "^(a+)+$" }] as OutputCheck[]) {
      const [outcome] = run(check, attack);
      expect(outcome).toMatchObject({ passed: false });
      expect(outcome!.reason).toContain("took more than 1 s on one part of stdout and was stopped");
    }
  });

  it("keep expect and found apart, on both streams, with one pass over each stream", () => {
    const checks = new OutputChecks({ expect: { stdout: { contains: "pods" }, stderr: { notContains: "Error" } }, found: { stdout: { contains: "CrashLoopBackOff" } } });
    checks.push("stdout", Buffer.from("pods:\napi-1 CrashLoop"));
    checks.push("stderr", Buffer.from("Warning: x\n"));
    checks.push("stdout", Buffer.from("BackOff\n"));
    checks.finish();
    expect(checks.results("expect")).toEqual({ stdout: [{ check: "stdout.contains", passed: true }], stderr: [{ check: "stderr.notContains", passed: true }] });
    expect(checks.results("found")).toEqual({ stdout: [{ check: "stdout.contains", passed: true }] });
  });

  it("hold none of the output: 100 MB through every kind of check, the heap stays flat", () => {
    const checks = new OutputChecks({ expect: { stdout: { contains: "END", notContains: "ERROR", matches: "^END$", notMatches: "ERR\\w+", min: 1, empty: false } }, found: { stdout: { matches: "^END\\n7$" } } });
    const chunk = Buffer.from(`${"x".repeat(99)}\n`.repeat(655));
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    for (let sent = 0; sent < 100e6; sent += chunk.length) {
      checks.push("stdout", chunk);
      if (sent % (chunk.length * 64) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }
    checks.push("stdout", Buffer.from("END\n7\n"));
    expect(checks.results("expect").stdout?.map((o) => `${o.check} ${o.passed}`)).toEqual(["stdout.contains true", "stdout.notContains true", "stdout.matches true", "stdout.notMatches true", "stdout.empty true", "stdout.min true"]);
    expect(checks.results("found").stdout?.map((o) => o.passed)).toEqual([true]);
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  });

  it("an invalid pattern fails its check instead of throwing", () => {
    expect(run({ matches: "(" }, "x\n")).toEqual([{ check: "stdout.matches", passed: false, reason: "/(/ is not a valid regular expression" }]);
  });
});

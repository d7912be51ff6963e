/** Runbook regular expressions: which are refused, how a pattern is read, and the deadline on an input's pattern. */
import { describe, expect, it } from "vitest";
import { checkInputValue } from "../../src/runbooks/inputs.js";
import { loadRunbookText } from "../../src/runbooks/load.js";
import { catastrophicBacktracking, spansLines } from "../../src/runbooks/patterns.js";
import { confirmMatches, testWithDeadline, underOneDeadline, withDeadline, withMatchesPutOff } from "../../src/util/regex-deadline.js";

describe("catastrophic patterns", () => {
  it.each(["^(a+)+$", "(a+)+$", "(a|a)*$", "^(\\w+\\s?)*$", "(x+x+)+y", "^(?:(a+)+)$"])("refuses %s, with an input that shows it", (pattern) => {
    expect(catastrophicBacktracking(pattern)).toMatch(/^can take exponential time \(catastrophic backtracking\) on input such as .+: rewrite the repeated group/);
  });

  it.each(["^api-", "Err\\w+", "error.*timeout", "CrashLoopBackOff|Error", "^([a-z0-9]+-)*[a-z0-9]+$", "^(?:\\d+\\.){3}\\d+$", "[A-Za-z0-9._-]+", "^(?:[a-z0-9]+(?:-[a-z0-9]+)*)$"])("lets %s through", (pattern) => {
    expect(catastrophicBacktracking(pattern)).toBeUndefined();
  });

  it("names the field at file:line:col, for an input's pattern as written and for expect and found patterns", () => {
    const src = [
      "apiVersion: handrail/v1",
      "kind: Runbook",
      "id: redos",
      "title: ReDoS",
      "inputs:",
      '  name: { type: string, pattern: "(a|a)*" }',
      "phases:",
      "  - id: d",
      "    kind: diagnose",
      "    title: D",
      "    steps:",
      "      - id: s",
      "        title: S",
      "        run: 'true'",
      '        expect: { stdout: { notMatches: "^(\\\\w+\\\\s?)*$" } }',
      '        found: { stderr: { matches: "(x+x+)+y" } }',
    ].join("\n");
    const r = loadRunbookText(src, "redos.yaml");
    expect(r.runbook).toBeUndefined();
    expect(r.problems.map((p) => `${p.line}:${p.column} ${p.path}`)).toEqual(["6:34 inputs.name.pattern", "15:41 phases[0].steps[0].expect.stdout.notMatches", "16:37 phases[0].steps[0].found.stderr.matches"]);
    expect(r.problems.map((p) => p.message.split(" can take")[0])).toEqual(["/(a|a)*/", "/^(\\w+\\s?)*$/", "/(x+x+)+y/"]);
  });
});

describe("how a pattern is read", () => {
  it("spans lines when it names a newline, otherwise applies to each line", () => {
    expect(["a\\nb", "a\nb", "x\\x0ay", "x\\u000Ay", "\\\\\\nb"].map(spansLines)).toEqual([true, true, true, true, true]);
    expect(["a\\\\nb", "Err\\w+", "\\s+", "[^n]"].map(spansLines)).toEqual([false, false, false, false]);
  });
});

describe("the deadline", () => {
  it("stops a runaway match and hands back control; other errors still propagate", () => {
    expect(withDeadline(() => /^(a+)+$/.test(`${"a".repeat(40)}!`), 100)).toEqual({ done: false });
    expect(withDeadline(() => 42)).toEqual({ done: true, value: 42 });
    expect(() =>
      withDeadline(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
  });

  it("an input whose pattern runs away is refused with a reason, not a frozen process", () => {
    const r = checkInputValue({ type: "string", pattern: "(a+)+$" }, `${"a".repeat(40)}!`);
    expect(r).toEqual({ ok: false, message: "the pattern /(a+)+$/ took more than 1 s on this value and was stopped (catastrophic backtracking?)" });
    expect(checkInputValue({ type: "string", pattern: "[a-z]+" }, "abc")).toEqual({ ok: true, value: "abc" });
    expect(checkInputValue({ type: "secret", pattern: "[a-z]+" }, "ABCD")).toEqual({ ok: false, message: "expected text matching /[a-z]+/, got (hidden)" });
  });

  it("many matches under one deadline: nested calls share it, and a runaway one is still named with its own reason", () => {
    const runaway = { type: "string" as const, pattern: "(a+)+$" };
    const fine = { type: "string" as const, pattern: "[a-z]+" };
    let runs = 0;
    // A text no other test runs the pattern on: one that ran out before is answered at once (below).
    const all = () => {
      runs++;
      return [checkInputValue(fine, "abc"), checkInputValue(runaway, `${"a".repeat(41)}!`), checkInputValue(fine, "ABC")];
    };
    expect(underOneDeadline(all, 200)).toEqual([
      { ok: true, value: "abc" },
      { ok: false, message: "the pattern /(a+)+$/ took more than 1 s on this value and was stopped (catastrophic backtracking?)" },
      { ok: false, message: "expected text matching /[a-z]+/, got \"ABC\"" },
    ]);
    // Once under the shared deadline (cut short), once with a deadline per match.
    expect(runs).toBe(2);
    runs = 0;
    expect(underOneDeadline(() => [checkInputValue(fine, "abc")].map((r) => (runs++, r.ok)))).toEqual([true]);
    expect(runs).toBe(1);
    // After a deadline ran out, the next call has its own again.
    expect(withDeadline(() => /^(a+)+$/.test(`${"a".repeat(40)}!`), 100)).toEqual({ done: false });
  });
});

describe("matches put off", () => {
  const slow = () => new RegExp("^(?:a*a*a*a*a*a*a*a*b)$");

  it("a match that ran out of its own deadline runs out at once on the same text, and only on that text", () => {
    const text = "a".repeat(50);
    expect(testWithDeadline(slow(), text, 100)).toBeUndefined();
    const t = performance.now();
    expect(testWithDeadline(slow(), text, 100)).toBeUndefined();
    expect(performance.now() - t).toBeLessThan(50);
    // Another text, the same pattern with other flags, another pattern with that text: each runs again.
    expect(testWithDeadline(slow(), "b")).toBe(true);
    expect(testWithDeadline(new RegExp(slow().source, "i"), "aab")).toBe(true);
    expect(testWithDeadline(/^a+$/, text)).toBe(true);
  });

  it("each testWithDeadline answered true and kept; nothing else of fn under a deadline; confirmed all at once after", () => {
    let inner: { done: boolean } | undefined;
    const { value, matches } = withMatchesPutOff(() => {
      inner = withDeadline(() => 1);
      return [testWithDeadline(/^[a-z]+$/, "abc"), testWithDeadline(/^[a-z]+$/, "ABC"), checkInputValue({ type: "string", pattern: "[0-9]+" }, "x1").ok];
    });
    expect(value).toEqual([true, true, true]);
    expect(inner).toEqual({ done: true, value: 1 });
    expect(matches.map((m) => [m.re.source, m.text])).toEqual([["^[a-z]+$", "abc"], ["^[a-z]+$", "ABC"], ["^(?:[0-9]+)$", "x1"]]);
    expect(confirmMatches(matches)).toBe(false);
    expect(confirmMatches(matches.slice(0, 1))).toBe(true);
    expect(confirmMatches([])).toBe(true);
    // Outside, the same checks say what they are.
    expect([testWithDeadline(/^[a-z]+$/, "ABC"), checkInputValue({ type: "string", pattern: "[0-9]+" }, "x1").ok]).toEqual([false, false]);
  });

  it("a match that runs away fails the confirmation when its deadline runs out; putting off does not nest", () => {
    const { matches } = withMatchesPutOff(() => testWithDeadline(slow(), "a".repeat(60)));
    const t = performance.now();
    expect(confirmMatches([{ re: /b/, text: "b" }, ...matches], 100)).toBeUndefined();
    expect(performance.now() - t).toBeLessThan(900);
    expect(() => withMatchesPutOff(() => withMatchesPutOff(() => 1))).toThrow("does not nest");
    expect(() => withDeadline(() => withMatchesPutOff(() => 1))).toThrow("does not nest");
  });
});

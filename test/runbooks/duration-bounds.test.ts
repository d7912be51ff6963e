/** Every duration a runbook writes is one a timer can honour: 1 ms to 24 days (Node's timers overflow past 2^31-1 ms). */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stepTimeoutMs } from "../../src/executors/timeout.js";
import { clampTimerMs, durationRangeProblem, MAX_DURATION_MS, MAX_TIMER_MS } from "../../src/runbooks/duration.js";
import { loadRunbookText } from "../../src/runbooks/load.js";
import { formatProblem } from "../../src/runbooks/problems.js";

const BASE = readFileSync(path.join(import.meta.dirname, "../fixtures/design-example.yaml"), "utf8");
const messages = (src: string) => loadRunbookText(src, "x.yaml").problems.map(formatProblem);

describe("duration bounds", () => {
  it.each([
    ["30d", "30d is above the limit 24d"],
    ["24d1ms", "24d1ms is above the limit 24d"],
    ["0s", "0s is below the minimum 1ms"],
    ["0.4ms", "0.4ms is below the minimum 1ms"],
  ])("%s is refused: %s", (text, message) => expect(durationRangeProblem(text)).toBe(message));

  it.each(["1ms", "24d", "23d23h59m", "150s"])("%s is accepted", (text) => expect(durationRangeProblem(text)).toBeUndefined());

  it("24d stays below what a timer holds", () => expect(MAX_DURATION_MS).toBeLessThan(MAX_TIMER_MS));

  it("an escalation may be due at once, nothing else may be 0", () => {
    expect(durationRangeProblem("0s", 0)).toBeUndefined();
    expect(durationRangeProblem("25d", 0)).toBe("25d is above the limit 24d");
  });

  it.each([
    ["a step timeout", "timeout: 150s", "timeout: 30d", "x.yaml:53:18 phases[2].steps[0].timeout: 30d is above the limit 24d"],
    ["a zero step timeout", "timeout: 150s", "timeout: 0s", "x.yaml:53:18 phases[2].steps[0].timeout: 0s is below the minimum 1ms"],
    ["a response time", "respondWithin: 5m", "respondWithin: 25d", "x.yaml:8:30 severities.critical.respondWithin: 25d is above the limit 24d"],
    ["an escalation", "{ after: 15m", "{ after: 900h", "x.yaml:10:14 escalations[0].after: 900h is above the limit 24d"],
  ])("%s out of range is located", (_what, from, to, expected) => {
    expect(BASE.includes(from)).toBe(true);
    expect(messages(BASE.replace(from, to))).toEqual([expected]);
  });

  it("an escalation due at once (after: 0s) is valid", () => expect(messages(BASE.replace("{ after: 15m", "{ after: 0s"))).toEqual([]));
});

describe("stepTimeoutMs", () => {
  it("clamps what a timer cannot hold, even from a runbook that skipped validation", () => {
    expect(stepTimeoutMs({ timeout: "30d" }, {})).toBe(MAX_TIMER_MS);
    expect(stepTimeoutMs({ timeout: "0s" }, {})).toBe(1);
    expect(stepTimeoutMs({}, { defaultTimeoutMs: 10 ** 12 })).toBe(MAX_TIMER_MS);
    expect(stepTimeoutMs({ timeout: "90s" }, {})).toBe(90_000);
    expect(clampTimerMs(Number.NaN)).toBe(MAX_TIMER_MS);
  });
});

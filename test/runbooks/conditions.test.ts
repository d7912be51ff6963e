/** Conditions as pure functions: what holds, what it says it saw, what output tests a runbook asks of a step. */
import { describe, expect, it } from "vitest";
import { explain, factKey, holds, readsSteps, stdoutTestsOf, type Condition, type ConditionFacts } from "../../src/runbooks/conditions.js";

const facts = (over: Partial<ConditionFacts> = {}): ConditionFacts => ({
  inputs: { environment: "production", participants: ["curve", "backtesting"], empty: "" },
  severity: "high",
  steps: (id) =>
    id === "deploy"
      ? [{ status: "passed" }, { status: "failed" }]
      : id === "pods"
        ? [{ status: "found", facts: { [factKey({ contains: "CrashLoopBackOff" })]: true } }]
        : [],
  chosen: { diagnose: "pods" },
  ...over,
});

describe("conditions", () => {
  it.each<[Condition, boolean]>([
    [{ input: "environment", equals: "production" }, true],
    [{ input: "environment", in: ["staging"] }, false],
    [{ input: "environment", matches: "prod.*" }, true],
    [{ input: "empty" }, false],
    [{ input: "participants", matches: "curve backtesting" }, true],
    [{ severity: ["critical", "high"] }, true],
    [{ severity: "low" }, false],
    [{ step: "deploy", status: "failed" }, true],
    [{ step: "deploy", status: "skipped" }, false],
    [{ step: "pods", stdout: { contains: "CrashLoopBackOff" } }, true],
    [{ step: "pods", stdout: { contains: "OOMKilled" } }, false],
    [{ step: "later", status: "not-run" }, true],
    [{ step: "later", status: "passed" }, false],
    [{ all: [{ severity: "high" }, { not: { input: "environment", equals: "staging" } }] }, true],
    [{ any: [{ severity: "low" }, { step: "deploy", status: "cancelled" }] }, false],
    [{ chosen: "diagnose", equals: "pods" }, true],
    [{ chosen: "diagnose", in: ["network", "storage"] }, false],
    [{ chosen: "remediate" }, false],
  ])("%j holds: %s", (c, expected) => {
    expect(holds(c, facts())).toBe(expected);
  });

  it("says what it saw, in words", () => {
    expect(explain({ input: "environment", equals: "staging" }, facts())).toBe('environment is "production" (wanted staging)');
    expect(explain({ step: "deploy", status: "failed" }, facts())).toBe("step deploy is passed, failed (wanted failed)");
    expect(explain({ step: "later", status: "passed" }, facts())).toBe("step later is not run (wanted passed)");
    expect(explain({ severity: "low" }, facts())).toBe("severity is high (not low)");
    expect(explain({ chosen: "remediate", equals: "rollback" }, facts())).toBe("remediate chose nothing yet (wanted rollback)");
  });

  it("finds the output tests a runbook asks of a step, once each, and whether a condition reads steps", () => {
    const cs: Condition[] = [
      { step: "pods", stdout: { contains: "CrashLoopBackOff" } },
      { any: [{ step: "pods[a]", stdout: { contains: "CrashLoopBackOff" } }, { not: { step: "pods", stdout: { matches: "OOM" } } }] },
      { step: "other", stdout: { contains: "x" } },
    ];
    expect(stdoutTestsOf(cs, "pods")).toEqual([{ contains: "CrashLoopBackOff" }, { matches: "OOM" }]);
    expect(readsSteps({ all: [{ input: "a" }, { not: { step: "x" } }] })).toBe(true);
    expect(readsSteps({ any: [{ input: "a" }, { severity: "low" }] })).toBe(false);
  });
});

/** A step's kind, read field by field (step-kind.ts): it must know every kind STEP_KINDS lists. */
import { describe, expect, it } from "vitest";
import { STEP_KINDS, stepKind, stepKindCount } from "../../src/runbooks/step-kind.js";

describe("a step's kind", () => {
  it("is each kind STEP_KINDS lists, and counts each", () => {
    for (const kind of STEP_KINDS) {
      const step = { [kind]: "x" };
      expect(stepKind(step), kind).toBe(kind);
      expect(stepKindCount(step), kind).toBe(1);
    }
    expect(stepKindCount(Object.fromEntries(STEP_KINDS.map((k) => [k, "x"])))).toBe(STEP_KINDS.length);
    // The first listed wins; none set is a manual step, as the walk treats it.
    expect(stepKind({ http: {}, run: "true" } as never)).toBe("run");
    expect(stepKind({})).toBe("manual");
    expect(stepKindCount({})).toBe(0);
  });
});

/** A goto that can bring the walk back where it was declares `retries`; one that cannot needs nothing. */
import { describe, expect, it } from "vitest";
import { loadRunbookText } from "../../src/runbooks/load.js";
import { formatProblem } from "../../src/runbooks/problems.js";

const messages = (src: string) => loadRunbookText(src, "x.yaml").problems.map(formatProblem);

const HEAD = "apiVersion: handrail/v1\nkind: Runbook\nid: loops\ntitle: Loops\n";

/** One phase of plain steps, each given as `id` or `id onFail [retries]`. */
function steps(...specs: string[]): string {
  const lines = specs.map((spec) => {
    const [id, onFail, retries] = spec.split(" ");
    return `      - { id: ${id}, title: ${id}, run: "true"${onFail ? `, onFail: "${onFail}"` : ""}${retries ? `, retries: ${retries}` : ""} }`;
  });
  return `${HEAD}phases:\n  - id: p\n    kind: diagnose\n    title: P\n    steps:\n${lines.join("\n")}\n`;
}

const loop = (line: number, column: number, onFail: string, why: string) =>
  `x.yaml:${line}:${column} phases[0].steps[${line - 10}].onFail: onFail ${onFail} ${why} and would loop forever: add retries: N (at most 10)`;

describe("goto loops", () => {
  it("a goto back to an earlier step must declare retries", () => {
    expect(messages(steps("a", "b goto:a"))).toEqual([loop(11, 49, "goto:a", "goes back to an earlier step")]);
  });

  it("a goto to the step itself must declare retries", () => {
    expect(messages(steps("a goto:a"))).toEqual([loop(10, 49, "goto:a", "goes back to this same step")]);
  });

  it("a forward goto needs nothing", () => expect(messages(steps("a goto:c", "b", "c"))).toEqual([]));

  it("retries makes a goto back valid", () => expect(messages(steps("a", "b goto:a 3"))).toEqual([]));

  it("retries are 1 to 10", () => {
    expect(messages(steps("a", "b goto:a 11"))).toEqual(["x.yaml:11:68 phases[0].steps[1].retries: must be at most 10, got 11"]);
    expect(messages(steps("a", "b goto:a 0"))).toEqual(["x.yaml:11:68 phases[0].steps[1].retries: must be at least 1, got 0"]);
  });

  it("retries without a goto is reported at the field", () => {
    expect(messages(steps("a stop 2"))).toEqual(["x.yaml:10:57 phases[0].steps[0].retries: retries applies only with onFail: goto:<step-id>"]);
  });

  it("a goto into another option of the same phase lands on the phase's choice, before the step", () => {
    const src = `${HEAD}phases:
  - id: fix
    kind: remediate
    title: Fix
    options:
      - { id: a, title: A, steps: [{ id: a1, title: A1, run: "false", onFail: "goto:b1" }] }
      - { id: b, title: B, steps: [{ id: b1, title: B1, run: "true" }] }
`;
    expect(messages(src)).toEqual([
      `x.yaml:10:79 phases[0].options[0].steps[0].onFail: onFail goto:b1 lands on phase "fix"'s choice of option, before this step, and would loop forever: add retries: N (at most 10)`,
    ]);
  });

  it("a goto forward inside a phase that repeats lands in its first repetition", () => {
    const src = `${HEAD}inputs:
  parts: { type: list, default: [x, y] }
phases:
  - id: deploy
    kind: remediate
    title: Deploy
    forEach: parts
    steps:
      - { id: s1, title: S1, run: "true", onFail: "goto:s2" }
      - { id: s2, title: S2, run: "true" }
`;
    expect(messages(src)).toEqual([
      `x.yaml:13:51 phases[0].steps[0].onFail: onFail goto:s2 lands in the first repetition of phase "deploy" (forEach), before this step, and would loop forever: add retries: N (at most 10)`,
    ]);
  });

  it("a goto from a repeating phase to a later phase needs nothing", () => {
    const src = `${HEAD}inputs:
  parts: { type: list, default: [x, y] }
phases:
  - id: deploy
    kind: remediate
    title: Deploy
    forEach: parts
    steps: [{ id: s1, title: S1, run: "true", onFail: "goto:undo" }]
  - id: back
    kind: remediate
    title: Back
    steps: [{ id: undo, title: Undo, run: "true" }]
`;
    expect(messages(src)).toEqual([]);
  });
});

/** Files built to hurt the loader: alias bombs, cycles, duplicate keys. */
import { describe, expect, it } from "vitest";
import { loadRunbookText, quickParse, sharesNodes } from "../../src/runbooks/load.js";
import { formatProblem } from "../../src/runbooks/problems.js";
import { aliasBomb, anchorReused, BASE, HEAD } from "../helpers/hostile-runbooks.js";

const messages = (src: string) => loadRunbookText(src, "x.yaml").problems.map(formatProblem);

describe("aliases", () => {
  it("a billion laughs is one located problem, found without expanding it", () => {
    expect(messages(aliasBomb(9))).toEqual(["x.yaml:9:45 aliases repeat more than 100000 nodes (an alias bomb?): write the repeated part out, or reuse it less"]);
  });

  it("a bomb of 100 levels is counted, not expanded (the count alone would be 10^100)", () => {
    expect(messages(aliasBomb(100))).toHaveLength(1);
  });

  it("one anchor reused 150 times loads", () => {
    const r = loadRunbookText(anchorReused(150), "x.yaml");
    expect(r.problems).toEqual([]);
    expect(r.runbook?.phases[0]?.steps).toHaveLength(153);
  });

  it("an alias inside the node it names is refused, not followed forever", () => {
    expect(messages(`${HEAD}phases: &p [*p]\n`)).toEqual(["x.yaml:5:13 the alias *p is inside the node it names (&p): it would repeat forever"]);
    expect(messages(`${HEAD}phases: &$p [*$p]\n`)).toEqual(["x.yaml:5:14 the alias *$p is inside the node it names (&$p): it would repeat forever"]);
  });

  it("the fast path steps aside for an alias its scan does not see (`*$a`), so the located parse counts it", () => {
    expect(quickParse(aliasBomb(9, "$"))).toBeUndefined();
    expect(messages(aliasBomb(9, "$"))).toEqual(["x.yaml:9:53 aliases repeat more than 100000 nodes (an alias bomb?): write the repeated part out, or reuse it less"]);
  });

  it("sharesNodes finds a node reached twice, and a cycle", () => {
    const shared = { a: 1 };
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(sharesNodes({ x: shared, y: [shared] })).toBe(true);
    expect(sharesNodes(cyclic)).toBe(true);
    expect(sharesNodes({ x: { a: 1 }, y: [{ a: 1 }], z: "same text twice is fine" })).toBe(false);
  });
});

describe("duplicate keys", () => {
  it("duplicate keys are each located, naming the first", () => {
    const src = BASE + Array.from({ length: 3 }, () => "owner: sre").join("\n") + "\n";
    expect(messages(src)).toEqual(['x.yaml:57:1 duplicate key "owner" (first at line 56)', 'x.yaml:58:1 duplicate key "owner" (first at line 56)']);
  });
});

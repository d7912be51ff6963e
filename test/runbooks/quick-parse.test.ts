/** The fast path of the loader (js-yaml) reads every runbook exactly as the located parse (yaml) does, or steps aside. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadRunbookText, quickParse } from "../../src/runbooks/load.js";
import { runbookFiles } from "../../src/runbooks/library.js";
import { ROOT } from "../helpers/cli.js";

describe("the loader's fast path", () => {
  it("agrees with yaml on every runbook and fixture in the repository", async () => {
    const files = [...(await runbookFiles(path.join(ROOT, "runbooks"))), ...(await runbookFiles(path.join(ROOT, "test/fixtures")))];
    expect(files.length).toBeGreaterThan(5);
    let quick = 0;
    for (const file of files) {
      const src = readFileSync(file, "utf8");
      const fast = quickParse(src);
      if (fast === undefined) continue;
      quick++;
      expect(fast, file).toEqual(parse(src));
    }
    expect(quick).toBeGreaterThanOrEqual(5);
  });

  it("steps aside where js-yaml and YAML 1.2 core differ, for alias bombs and cycles, and for errors", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ..."bcdefghij".split("").map((c, i) => `${c}: &${c} [*${"abcdefghij"[i]}, *${"abcdefghij"[i]}, *${"abcdefghij"[i]}, *${"abcdefghij"[i]}, *${"abcdefghij"[i]}, *${"abcdefghij"[i]}, *${"abcdefghij"[i]}, *${"abcdefghij"[i]}, *${"abcdefghij"[i]}, *${"abcdefghij"[i]}]`)].join("\n");
    for (const src of ["a: 0b11", "a: -.5", "a: &x [1, *x]", bomb, "a: 1\na: 2", "a: [1", "a: !!binary aGk="]) expect(quickParse(src), src.slice(0, 40)).toBeUndefined();
    // Reused conditions (the shipped runbooks' `when: *gate-failed`): read here, written out in full, as yaml reads them.
    for (const src of ["a: &x 1\nb: *x", "g: &g { step: pods, status: found }\ns: [{ when: *g }, { when: { not: *g } }]"]) expect(quickParse(src), src).toEqual(parse(src));
    // Such numbers only matter as plain scalars: quoted, in a comment or inside a longer scalar, they are text to both.
    for (const src of ['a: "0b11" # or -.5', "a: x -.5 and 0b1", "run: |\n  echo 0b1 -.5\n"]) expect(quickParse(src), src).toEqual(parse(src));
    for (const src of ["a: yes", "a: 2024-01-01", "a: 0o17", "a: 1e3", "a: ~", "a: '12:30'", "run: ls *.log | wc -l"]) expect(quickParse(src), src).toEqual(parse(src));
  });

  it("leaves every problem to the located parse", () => {
    const bad = "apiVersion: handrail/v1\nkind: Runbook\nid: x\ntitle: X\nphases:\n  - id: p\n    kind: diagnose\n    title: P\n    steps:\n      - { id: s, title: S, run: 'true', risk: hgh }\n";
    const r = loadRunbookText(bad, "x.yaml");
    expect(r.runbook).toBeUndefined();
    expect(r.problems[0]).toMatchObject({ file: "x.yaml", line: 10, path: "phases[0].steps[0].risk" });
  });
});

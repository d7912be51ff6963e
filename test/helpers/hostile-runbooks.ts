/** Runbook texts built to hurt the loader, shared by the unit tests and the built-binary tests. */
import { readFileSync } from "node:fs";
import path from "node:path";

/** The DESIGN.md example: valid, and the base most hostile files start from. */
export const BASE = readFileSync(path.join(import.meta.dirname, "../fixtures/design-example.yaml"), "utf8");
export const HEAD = "apiVersion: handrail/v1\nkind: Runbook\nid: bomb\ntitle: Bomb\n";

/** A billion laughs: `levels` anchors, each a list of ten aliases to the one before. */
export function aliasBomb(levels: number, sigil = ""): string {
  const lines = [`${HEAD}a0: &${sigil}a0 [x, x, x, x, x, x, x, x, x, x]`];
  for (let i = 1; i <= levels; i++) lines.push(`a${i}: &${sigil}a${i} [${Array.from({ length: 10 }, () => `*${sigil}a${i - 1}`).join(", ")}]`);
  lines.push(`phases: *${sigil}a${levels}`);
  return `${lines.join("\n")}\n`;
}

/** A runbook whose 150 steps reuse one anchored expectation. */
export function anchorReused(times: number): string {
  const reused = BASE.replace("expect: { exitCode: 0 }\n      - id: errors", "expect: &ok { exitCode: 0 }\n      - id: errors");
  const extra = Array.from({ length: times }, (_, i) => `      - { id: r${i}, title: R${i}, run: "true", expect: *ok }\n`).join("");
  return reused.replace("      - id: notify\n", `${extra}      - id: notify\n`);
}


/**
 * Aliases the loader's fast scan does not see (`*$s`): js-yaml shares the nodes, and the schema's
 * walk over phases × options × steps would visit n³ steps.
 */
export function sharedNodesBomb(n: number): string {
  const many = (alias: string) => Array.from({ length: n }, () => alias).join(", ");
  return [
    HEAD.replace("id: bomb", "id: shared-bomb"),
    "x1: &$s { id: s, title: S, run: 'true' }",
    `x2: &$o { id: o, title: O, steps: [${many("*$s")}] }`,
    `x3: &$p { id: p, kind: remediate, title: P, options: [${many("*$o")}] }`,
    `phases: [${many("*$p")}]`,
    "",
  ].join("\n");
}

/** The example with a goto back to an earlier step, a 30-day timeout and a zero one. */
export function runtimeBreakers(): string {
  return BASE.replace("        onFail: stop\n", "        onFail: goto:pods\n")
    .replace("timeout: 150s", "timeout: 30d")
    .replace("expect: { stdout: { max: 10 } }", "expect: { stdout: { max: 10 } }\n        timeout: 0s");
}

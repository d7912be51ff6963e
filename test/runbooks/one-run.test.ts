/**
 * One run of the loader reports every problem of a file, whatever its kind: the lint reads the parts
 * that parsed even when the schema failed elsewhere, and never a second problem with the same cause.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadRunbookText } from "../../src/runbooks/load.js";
import { formatProblem } from "../../src/runbooks/problems.js";

const BASE = readFileSync(path.join(import.meta.dirname, "../fixtures/design-example.yaml"), "utf8");

function mutate(src: string, from: string, to: string): string {
  expect(src.includes(from), `fixture contains ${JSON.stringify(from)}`).toBe(true);
  return src.replace(from, to);
}

const messages = (src: string) => loadRunbookText(src, "x.yaml").problems.map(formatProblem);

describe("every problem in one run", () => {
  it("schema problems and lint problems together, in the order of the text", () => {
    let src = mutate(BASE, "risk: high", "risk: hgh");
    src = mutate(src, "timeout: 150s", "timout: 150s");
    src = mutate(src, "default: api", "default: Api_1");
    src = mutate(src, '"$namespace" --timeout', '"$namespce" --timeout');
    src = mutate(src, "onFail: stop", "onFail: goto:rolout");
    expect(messages(src)).toEqual([
      `x.yaml:12:59 inputs.service.default: bad default: expected a name (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "Api_1"`,
      'x.yaml:45:121 phases[1].options[1].steps[0].risk: expected low | medium | high | critical, got "hgh" (did you mean "high"?)',
      'x.yaml:52:63 phases[2].steps[0].run: "$namespce" is not an input (did you mean "$namespace"?)',
      'x.yaml:53:9 phases[2].steps[0].timout: unknown field (did you mean "timeout"?)',
      'x.yaml:55:17 phases[2].steps[0].onFail: no step with id "rolout" (did you mean "goto:rollout"?)',
    ]);
  });

  it("a step with two kinds still has its text checked", () => {
    const src = mutate(BASE, "        timeout: 150s\n", "        timeout: 150s\n        manual: Watch $servce.\n");
    expect(messages(src)).toEqual([
      "x.yaml:54:17 phases[2].steps[0].manual: a step has one kind; this one has run and manual",
      'x.yaml:54:23 phases[2].steps[0].manual: "$servce" is not an input (did you mean "$service"?)',
    ]);
  });

  // [what, mutations, the only problems expected]
  const CASCADES: Array<[string, Array<[string, string]>, string[]]> = [
    [
      "an input whose type is broken is not also 'not a list'",
      [["{ type: name, default: default }", "{ type: nmae, default: default }"], ["      - id: rollout\n", "      - id: rollout\n        forEach: namespace\n"]],
      ['x.yaml:13:22 inputs.namespace.type: expected string | name | enum | int | duration | url | secret | list, got "nmae" (did you mean "name"?)'],
    ],
    [
      "a step whose kind is broken gets no 'applies to run steps'",
      [["        run: kubectl rollout status", "        k8s: { action: rollout-stat, deployment: $service }\n        rn: kubectl rollout status"]],
      [
        'x.yaml:52:24 phases[2].steps[0].k8s.action: expected pods | rollout-status | scale | rollout-restart | rollout-undo | events, got "rollout-stat" (did you mean "rollout-status"?)',
        'x.yaml:53:9 phases[2].steps[0].rn: unknown field (did you mean "run"?)',
      ],
    ],
    ["an input name that is not an identifier does not make every $service a typo", [["  service:", "  Service:"]], ["x.yaml:12:3 inputs.Service: input names are lowercase identifiers (a-z, 0-9, _)"]],
    [
      "a goto to a step whose id is broken is not also 'no step with id'",
      [["id: rollout\n", "id: Roll_out\n"], ["onFail: stop", "onFail: goto:rollout"]],
      ['x.yaml:50:13 phases[2].steps[0].id: expected a kebab-case id (lowercase letters, digits and single dashes), got "Roll_out"'],
    ],
    [
      "inputs that are not a mapping make no $name a typo",
      [["inputs:", "inputs:\n  - x\nxinputs:"]],
      ["x.yaml:12:3 inputs: expected a mapping, got a list", 'x.yaml:13:1 xinputs: unknown field (did you mean "inputs"?)'],
    ],
    [
      "an escalation with a broken channel is not also 'message without a channel'",
      [["reason: Production down > 15 min }", 'reason: Production down > 15 min, notify: slak, message: "down $servce" }']],
      [
        'x.yaml:10:111 escalations[0].notify: expected slack | pagerduty | github | email | webhook, got "slak" (did you mean "slack"?)',
        'x.yaml:10:132 escalations[0].message: "$servce" is not an input (did you mean "$service"?)',
      ],
    ],
    [
      "a broken forEach still makes $item valid",
      [["      - id: rollout\n", "      - id: rollout\n        forEach: Bad-Name\n"], ['deployment/"$service" -n "$namespace" --timeout', 'deployment/"$item" -n "$namespace" --timeout']],
      ['x.yaml:51:18 phases[2].steps[0].forEach: expected the name of a list input, got "Bad-Name"'],
    ],
  ];

  it.each(CASCADES)("%s", (_what, mutations, expected) => {
    const src = mutations.reduce((s, [from, to]) => mutate(s, from, to), BASE);
    expect(messages(src)).toEqual(expected);
  });
});

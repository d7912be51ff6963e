/** Each malformed runbook gets its own exact message at its own line:column. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadRunbookFile, loadRunbookText } from "../../src/runbooks/load.js";
import { formatProblem } from "../../src/runbooks/problems.js";

const BASE = readFileSync(path.join(import.meta.dirname, "../fixtures/design-example.yaml"), "utf8");

function mutate(from: string, to: string): string {
  expect(BASE.includes(from), `fixture contains ${JSON.stringify(from)}`).toBe(true);
  return BASE.replace(from, to);
}

const messages = (src: string) => loadRunbookText(src, "x.yaml").problems.map(formatProblem);

// [what, from, to, expected problems]
const CASES: Array<[string, string, string, string[]]> = [
  ["misspelt enum value", "risk: high", "risk: hgh", ['x.yaml:45:121 phases[1].options[1].steps[0].risk: expected low | medium | high | critical, got "hgh" (did you mean "high"?)']],
  ["unknown field with a suggestion", "timeout: 150s", "timout: 150s", ['x.yaml:53:9 phases[2].steps[0].timout: unknown field (did you mean "timeout"?)']],
  ["unknown top-level field", "tags: [deploy, kubernetes]", "tags: [deploy, kubernetes]\nowners: [sre]", ['x.yaml:7:1 owners: unknown field (did you mean "owner"?)']],
  ["unknown field without a close match", "timeout: 150s", "frobnicate: 150s", ["x.yaml:53:9 phases[2].steps[0].frobnicate: unknown field"]],
  ["goto to a step that does not exist", "onFail: stop", "onFail: goto:rolout", ['x.yaml:55:17 phases[2].steps[0].onFail: no step with id "rolout" (did you mean "goto:rollout"?)']],
  ["bad onFail", "onFail: stop", "onFail: halt", ['x.yaml:55:17 phases[2].steps[0].onFail: expected stop | continue | goto:<step-id>, got "halt"']],
  ["bad phase kind", "kind: verify", "kind: verfy", ['x.yaml:47:11 phases[2].kind: expected assess | diagnose | remediate | verify | communicate | review, got "verfy" (did you mean "verify"?)']],
  ["misspelt input in a script", '"$namespace" --timeout', '"$namespce" --timeout', ['x.yaml:52:63 phases[2].steps[0].run: "$namespce" is not an input (did you mean "$namespace"?)']],
  ["bad input default", "default: api", "default: Api_1", [`x.yaml:12:59 inputs.service.default: bad default: expected a name (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "Api_1"`]],
  ["wrong type", "exitCode: 0 }\n      - id: errors", "exitCode: zero }\n      - id: errors", ['x.yaml:25:29 phases[0].steps[0].expect.exitCode: expected a number or a list, got "zero"']],
  ["empty title", "title: Restart,", "title: '',", ["x.yaml:41:35 phases[1].options[0].steps[0].title: must not be empty"]],
  ["wrong apiVersion", "apiVersion: handrail/v1", "apiVersion: handrail/v2", ['x.yaml:1:13 apiVersion: expected "handrail/v1", got "handrail/v2"']],
  ["duplicate phase id", "  - id: verify\n", "  - id: diagnose\n", ['x.yaml:46:9 phases[2].id: duplicate phase id "diagnose" (first at phases[0])']],
  ["duplicate step id", "id: errors", "id: pods", ['x.yaml:26:13 phases[0].steps[1].id: duplicate step id "pods" (first at phases[0].steps[0])']],
  ["missing required field", "    title: Verify\n", "", ['x.yaml:46:5 phases[2].title: missing required field "title"']],
  ["secret with a default", "{ type: secret }", "{ type: secret, default: hunter2 }", ["x.yaml:15:30 inputs.token.default: a secret must not have a default: it would be stored in the runbook"]],
  ["misspelt input type", "{ type: name, default: default }", "{ type: nmae, default: default }", ['x.yaml:13:22 inputs.namespace.type: expected string | name | enum | int | duration | url | secret | list, got "nmae" (did you mean "name"?)']],
  ["input name not an identifier", "  service:", "  Service:", ["x.yaml:12:3 inputs.Service: input names are lowercase identifiers (a-z, 0-9, _)"]],
  ["unknown k8s action", "        run: kubectl rollout status", "        k8s: { action: rollout-stat, deployment: $service }\n        rn: kubectl rollout status", ['x.yaml:52:24 phases[2].steps[0].k8s.action: expected pods | rollout-status | scale | rollout-restart | rollout-undo | events, got "rollout-stat" (did you mean "rollout-status"?)', 'x.yaml:53:9 phases[2].steps[0].rn: unknown field (did you mean "run"?)']],
  ["bad id", "id: rollback", "id: Roll_back", ['x.yaml:42:13 phases[1].options[1].id: expected a kebab-case id (lowercase letters, digits and single dashes), got "Roll_back"']],
  ["bad duration", "{ after: 15m", "{ after: soon", ['x.yaml:10:14 escalations[0].after: expected a duration such as "30s", "5m", "1h30m", got "soon"']],
  ["misspelt input in a notify message", "        manual: Post in #incidents with environment, service, timestamp, first assessment.\n", '        notify: { channel: slack, message: "Deploy of $servce failed" }\n', ['x.yaml:32:55 phases[0].steps[2].notify.message: "$servce" is not an input (did you mean "$service"?)']],
  ["unknown notify channel", "        manual: Post in #incidents with environment, service, timestamp, first assessment.\n", '        notify: { channel: slak, message: "x" }\n', ['x.yaml:32:28 phases[0].steps[2].notify.channel: expected slack | pagerduty | github | email | webhook, got "slak" (did you mean "slack"?)']],
  ["misspelt input in an escalation message", "reason: Production down > 15 min }", 'reason: Production down > 15 min, notify: pagerduty, message: "down: $servce" }', ['x.yaml:10:138 escalations[0].message: "$servce" is not an input (did you mean "$service"?)']],
  ["escalation message without a channel", "reason: Production down > 15 min }", 'reason: Production down > 15 min, message: "down" }', ["x.yaml:10:103 escalations[0].message: message applies only with notify: <channel>"]],
  ["step with two kinds", "        timeout: 150s\n", "        timeout: 150s\n        manual: Watch it.\n", ["x.yaml:54:17 phases[2].steps[0].manual: a step has one kind; this one has run and manual"]],
  ["step with no kind", "        manual: Post in #incidents with environment, service, timestamp, first assessment.\n", "", ["x.yaml:30:9 phases[0].steps[2]: a step needs one of: run, manual, k8s, http, notify"]],
  ["forEach over a non-list input", "      - id: rollout\n", "      - id: rollout\n        forEach: service\n", ['x.yaml:51:18 phases[2].steps[0].forEach: input "service" is a name, not a list']],
  ["reverse without forEach", "      - id: rollout\n", "      - id: rollout\n        reverse: true\n", ["x.yaml:51:9 phases[2].steps[0].reverse: reverse applies only with forEach"]],
  ["$item outside forEach", 'deployment/"$service" -n "$namespace" --timeout', 'deployment/"$item" -n "$namespace" --timeout', ['x.yaml:52:49 phases[2].steps[0].run: "$item" is only set inside a step or phase with forEach']],
  ["bad regular expression", "expect: { stdout: { max: 10 } }", "expect: { stdout: { matches: '([a-z' } }", ["x.yaml:29:38 phases[0].steps[1].expect.stdout.matches: not a valid regular expression: Invalid regular expression: /([a-z/: Unterminated character class"]],
  ["http expectation on a run step", "expect: { exitCode: 0 }\n      - id: errors", "expect: { status: 200 }\n      - id: errors", ["x.yaml:25:19 phases[0].steps[0].expect.status: expect.status applies to http steps, not run"]],
  ["enum without values", "{ type: enum, values: [staging, production] }", "{ type: enum }", ["x.yaml:14:16 inputs.environment: an enum input needs values"]],
  ["a list where a mapping belongs", "severities:\n  critical:", "severities:\n  - critical:", ["x.yaml:8:3 severities: expected a mapping, got a list"]],
  ["no phases", /phases:[\s\S]*/.exec(BASE)![0], "phases: []\n", ["x.yaml:17:9 phases: a runbook needs at least one phase"]],
];

describe("malformed runbooks get exact messages at file:line:column", () => {
  it("the base fixture is valid", () => expect(messages(BASE)).toEqual([]));
  it("has at least 20 cases", () => expect(CASES.length).toBeGreaterThanOrEqual(20));
  it.each(CASES)("%s", (_what, from, to, expected) => {
    expect(messages(mutate(from, to))).toEqual(expected);
  });

  it("reports every problem of a file, not only the first", () => {
    const src = mutate("risk: high", "risk: hgh").replace("timeout: 150s", "timout: 150s").replace("kind: verify", "kind: verfy");
    expect(messages(src)).toHaveLength(3);
  });

  it.each([
    ["an empty file", "", "x.yaml:1:1 the file is empty; a runbook starts with apiVersion: handrail/v1"],
    ["only a comment", "# nothing here\n", "x.yaml:1:1 the file is empty; a runbook starts with apiVersion: handrail/v1"],
    ["malformed YAML", "apiVersion: handrail/v1\nphases: [\n", "x.yaml:3:1 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]"],
    ["a list at the top", "- a\n- b\n", "x.yaml:1:1 expected a mapping with apiVersion, kind, id, title and phases, got a list"],
    ["a bare value", "hello\n", "x.yaml:1:1 expected a mapping with apiVersion, kind, id, title and phases, got a single value"],
  ])("%s", (_what, src, expected) => {
    expect(messages(src)[0]).toBe(expected);
  });

  it("a duplicate key is located at the second one, naming the first, and the rest is still checked", () => {
    const src = mutate("  - id: verify\n    kind: verify\n", "  - id: verify\n    kind: verify\n    kind: verfy\n");
    expect(messages(src)).toEqual([
      'x.yaml:48:5 duplicate key "kind" (first at line 47)',
      'x.yaml:48:11 phases[2].kind: expected assess | diagnose | remediate | verify | communicate | review, got "verfy" (did you mean "verify"?)',
    ]);
  });

  it("an unreadable path is a problem, not an exception", async () => {
    const dir = await loadRunbookFile(import.meta.dirname, "some/dir.yaml");
    expect(dir.problems.map(formatProblem)).toEqual(["some/dir.yaml:1:1 cannot read the file: is a directory"]);
    const missing = await loadRunbookFile("/nonexistent/x.yaml");
    expect(missing.problems.map(formatProblem)).toEqual(["/nonexistent/x.yaml:1:1 cannot read the file: no such file"]);
  });
});

/** Scenario files (kind: Scenario): read by the runbook loader, every problem located at file:line:col with the closest name. */
import { Ajv2020 } from "ajv/dist/2020.js";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema } from "../../src/runbooks/json-schema.js";
import { loadRunbookFile, loadRunbookText } from "../../src/runbooks/load.js";
import { formatProblem } from "../../src/runbooks/problems.js";
import type { Runbook } from "../../src/runbooks/schema.js";
import { ROOT } from "../helpers/cli.js";

const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: checkout-down
title: Checkout down
inputs:
  service: { type: name, default: checkout }
  namespace: { type: name }
  health_url: { type: url, required: false }
  replicas: { type: int, default: 2 }
phases:
  - id: assess
    kind: assess
    title: Assess
    steps: [{ id: pods, title: Pods, run: "true" }]
  - id: remediate
    kind: remediate
    title: Remediate
    options:
      - { id: rollback, title: Roll back, steps: [{ id: undo, title: Undo, run: "true" }] }
      - { id: restart, title: Restart, steps: [{ id: restart, title: Restart, run: "true" }] }
      - { id: page, title: Page the team, severities: [critical], steps: [{ id: page, title: Page, manual: Page them }] }
`;

/** A valid scenario for RUNBOOK; each test breaks one line of it. */
const SCENARIO = `apiVersion: handrail/v1
kind: Scenario
id: checkout-bad-release
runbook: checkout-down
title: checkout crash-loops
briefing: checkout is down
severity: high
inputs: { namespace: shop }
fixes: { remediate: rollback }
images:
  shop/checkout:2.4.0: { behaviour: crashloop, logs: [boom] }
cluster:
  deployments:
    - { name: checkout, namespace: shop, image: shop/checkout:2.3.0, replicas: 2 }
  services:
    - { name: checkout, namespace: shop, ports: [80] }
  events:
    - { object: deployment/checkout, namespace: shop, reason: ScalingReplicaSet, message: scaled }
incident:
  changes:
    - { setImage: shop/checkout, image: shop/checkout:2.4.0 }
  until: { pods: shop/checkout, image: shop/checkout:2.4.0, restarted: true }
endpoints:
  - path: /health
    input: health_url
    answers:
      - { when: { deployment: shop/checkout, image: shop/checkout:2.3.0 }, status: 200 }
      - { status: 503 }
health:
  all:
    - { deployment: shop/checkout, image: shop/checkout:2.3.0, readyReplicas: 2 }
    - { endpoint: /health, status: 200 }
`;

const runbook = loadRunbookText(RUNBOOK, "checkout-down.yaml").runbook!;
const runbooks = new Map<string, Runbook>([[runbook.id, runbook]]);

/** Every problem of the scenario text, its own and against the runbook, as validate prints them. */
function problems(text: string): string[] {
  const r = loadRunbookText(text, "s.yaml");
  expect(r.kind).toBe("Scenario");
  expect(r.runbook).toBeUndefined();
  const own = r.problems.map(formatProblem);
  return r.scenario ? [...own, ...r.scenario.checkAgainst(runbooks).map(formatProblem)] : own;
}

const edit = (from: string, to: string) => {
  expect(SCENARIO).toContain(from);
  return SCENARIO.replace(from, to);
};

describe("a scenario file", () => {
  it("that is valid loads as a scenario (not a runbook) with no problems, against its runbook too", () => {
    const r = loadRunbookText(SCENARIO, "s.yaml");
    expect(r).toMatchObject({ kind: "Scenario", problems: [] });
    expect(r.scenario?.spec).toMatchObject({ id: "checkout-bad-release", runbook: "checkout-down", fixes: { remediate: "rollback" } });
    expect(r.scenario?.checkAgainst(runbooks)).toEqual([]);
  });

  it("naming a runbook that is not on the search path: at runbook, with the closest id", () => {
    expect(problems(edit("runbook: checkout-down", "runbook: checkout-dwn"))).toEqual(['s.yaml:4:10 runbook: no runbook "checkout-dwn" on the search path (did you mean "checkout-down"?)']);
  });

  it("naming a phase or an option that does not exist, or one not offered at its severity", () => {
    expect(problems(edit("fixes: { remediate: rollback }", "fixes: { remedate: rollback }"))).toEqual(['s.yaml:9:10 fixes.remedate: runbook checkout-down has no phase "remedate" (did you mean "remediate"?)']);
    expect(problems(edit("fixes: { remediate: rollback }", "fixes: { assess: rollback }"))).toEqual(['s.yaml:9:10 fixes.assess: phase "assess" of runbook checkout-down offers no options']);
    expect(problems(edit("fixes: { remediate: rollback }", "fixes: { remediate: rolback }"))).toEqual(['s.yaml:9:21 fixes.remediate: phase "remediate" has no option "rolback" (did you mean "rollback"?)']);
    expect(problems(edit("fixes: { remediate: rollback }", "fixes: { remediate: revert }"))).toEqual(['s.yaml:9:21 fixes.remediate: phase "remediate" has no option "revert" (its options: rollback, restart, page)']);
    expect(problems(edit("fixes: { remediate: rollback }", "fixes: { remediate: page }"))).toEqual(['s.yaml:9:21 fixes.remediate: option "page" of phase "remediate" is not offered at severity high (only critical)']);
    expect(problems(edit("fixes: { remediate: rollback }", "fixes: { remediate: rollback }\nalsoFixes: [{ remediate: restrat }]"))).toEqual(['s.yaml:10:26 alsoFixes[0].remediate: phase "remediate" has no option "restrat" (did you mean "restart"?)']);
  });

  it("naming an image behaviour that does not exist: the behaviours listed, the closest named", () => {
    expect(problems(edit("behaviour: crashloop", "behaviour: crash-loop"))).toEqual(['s.yaml:11:37 images.shop/checkout:2.4.0.behaviour: expected crashloop | never-ready | pull-error | healthy | slow-start, got "crash-loop" (did you mean "crashloop"?)']);
    expect(problems(edit("{ behaviour: crashloop, logs: [boom] }", "{ behaviour: slow-start }"))).toEqual(['s.yaml:11:24 images.shop/checkout:2.4.0.readyAfter: missing required field "readyAfter"']);
  });

  it("with a condition on an object it never creates: at the reference, with the closest one it does create", () => {
    expect(problems(edit("- { deployment: shop/checkout, image: shop/checkout:2.3.0, readyReplicas: 2 }", "- { deployment: shop/chekout, image: shop/checkout:2.3.0, readyReplicas: 2 }"))).toEqual([
      's.yaml:31:21 health.all[0].deployment: the scenario creates no deployment "shop/chekout" (did you mean "shop/checkout"?)',
    ]);
    expect(problems(edit("until: { pods: shop/checkout,", "until: { pods: checkout,"))).toEqual([
      's.yaml:22:18 incident.until.pods: the scenario creates no deployment "checkout" (in the namespace default) (did you mean "shop/checkout"?)',
    ]);
    expect(problems(edit("- { endpoint: /health, status: 200 }", "- { endpoint: /healthz, status: 200 }"))).toEqual(['s.yaml:32:19 health.all[1].endpoint: the scenario serves no endpoint /healthz (did you mean "/health"?)']);
    expect(problems(edit("- { setImage: shop/checkout,", "- { setImage: shop/checkot,"))).toEqual(['s.yaml:21:19 incident.changes[0].setImage: the scenario creates no deployment "shop/checkot" (did you mean "shop/checkout"?)']);
    expect(problems(edit("object: deployment/checkout, namespace: shop", "object: deployment/checkout"))).toEqual(['s.yaml:18:17 cluster.events[0].object: the scenario creates no deployment default/checkout (did you mean "shop/checkout"?)']);
  });

  it("with an unknown field, or a field of another kind of condition: at the key", () => {
    expect(problems(edit("replicas: 2 }\n  services", "replicass: 2 }\n  services"))).toEqual(['s.yaml:14:70 cluster.deployments[0].replicass: unknown field (did you mean "replicas"?)']);
    expect(problems(edit("severity: high", "severity: high\nbriefng: x"))).toEqual(['s.yaml:8:1 briefng: unknown field (did you mean "briefing"?)']);
    expect(problems(edit("until: { pods: shop/checkout, image: shop/checkout:2.4.0, restarted: true }", "until: { pods: shop/checkout, readyReplicas: 1 }"))).toEqual([
      "s.yaml:22:33 incident.until.readyReplicas: readyReplicas applies to deployment: conditions, not pods:",
    ]);
    expect(problems(edit("- { endpoint: /health, status: 200 }", "- { endpoint: /health, deployment: shop/checkout, status: 200 }"))).toEqual([
      "s.yaml:32:9 health.all[1].endpoint: a condition is about one thing; this one names deployment and endpoint (combine them with all:)",
    ]);
  });

  it("with inputs the runbook does not take, or misses one it needs", () => {
    expect(problems(edit("inputs: { namespace: shop }", "inputs: { namespace: shop, servce: checkout }"))).toEqual(['s.yaml:8:28 inputs.servce: runbook checkout-down has no input "servce" (did you mean "service"?)']);
    expect(problems(edit("inputs: { namespace: shop }", "inputs: { namespace: Shop }"))).toEqual([expect.stringMatching(/^s\.yaml:8:22 inputs\.namespace: not a value the runbook's namespace accepts: expected a name/)]);
    expect(problems(edit("inputs: { namespace: shop }", "inputs: { service: checkout }"))).toEqual(["s.yaml:8:1 inputs: runbook checkout-down needs the input namespace (it has no default): give it in inputs"]);
    expect(problems(edit("inputs: { namespace: shop }", "inputs: { namespace: shop, replicas: two }"))).toEqual([expect.stringMatching(/^s\.yaml:8:38 inputs\.replicas: not a value the runbook's replicas accepts/)]);
    expect(problems(edit("    input: health_url", "    input: health"))).toEqual(['s.yaml:25:12 endpoints[0].input: runbook checkout-down has no input "health" (did you mean "health_url"?)']);
  });

  it("with a change or an endpoint that cannot work", () => {
    expect(problems(edit("- { setImage: shop/checkout, image: shop/checkout:2.4.0 }", "- { setImage: shop/checkout }"))).toEqual(["s.yaml:21:7 incident.changes[0]: setImage needs the image to set"]);
    expect(problems(edit("      - { status: 503 }", "      - { when: { pods: shop/checkout }, status: 503 }"))).toEqual(["s.yaml:28:11 endpoints[0].answers[1].when: the last answer is the one given when no other holds: it has no when"]);
  });

  it("with a file outside the drill directory", () => {
    expect(problems(edit("health:\n", "files: { ../escape.txt: x }\nhealth:\n"))).toEqual(["s.yaml:29:10 files.../escape.txt: expected a path inside the drill directory, such as manifests/api.yaml (relative, no ..)"]);
    expect(problems(edit("health:\n", "files: { /etc/passwd: x }\nhealth:\n"))).toHaveLength(1);
  });

  it("with a kind close to Scenario is read as a scenario, so the message is about the kind alone", () => {
    expect(problems(edit("kind: Scenario", "kind: Scenaro"))).toEqual(['s.yaml:2:7 kind: expected "Scenario", got "Scenaro"']);
  });
});

describe("the shipped scenario files", () => {
  const dir = path.join(ROOT, "runbooks", "scenarios");
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();

  it("are crashloop-rollback and stuck-rollout, each named after its id, valid to the loader and to the committed JSON Schema", async () => {
    expect(files).toEqual(["crashloop-rollback.yaml", "stuck-rollout.yaml"]);
    const committed = JSON.parse(readFileSync(path.join(ROOT, "schema/handrail-v1-scenario.schema.json"), "utf8")) as Record<string, unknown>;
    expect(scenarioJsonSchema()).toEqual(committed);
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(committed);
    for (const file of files) {
      const text = readFileSync(path.join(dir, file), "utf8");
      expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../../schema/handrail-v1-scenario.schema.json");
      const r = await loadRunbookFile(path.join(dir, file), file);
      expect(r.problems.map(formatProblem)).toEqual([]);
      expect(`${r.scenario?.spec.id}.yaml`).toBe(file);
      expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it("are included in the package (files: runbooks)", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { files: string[] };
    expect(pkg.files).toContain("runbooks");
  });
});

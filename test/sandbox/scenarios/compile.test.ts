/**
 * A scenario file compiled to the Scenario a drill runs: the world it builds (objects, image
 * behaviours, the incident set in), the endpoints answering from the world's state over real HTTP,
 * and a health that turns only when the world does. Conditions are judged against a real store.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadRunbookText } from "../../../src/runbooks/load.js";
import type { ScenarioSpec } from "../../../src/runbooks/scenario-schema.js";
import { DRILL_TICK_MS, startDrill, type Drill } from "../../../src/sandbox/drill.js";
import { compileScenario, imageBehaviourOf } from "../../../src/sandbox/scenarios/compile.js";
import type { DrillHealth } from "../../../src/sandbox/scenarios/types.js";
import { judge } from "../../../src/sandbox/scenarios/world-conditions.js";
import { ClusterStore } from "../../../src/sandbox/store.js";
import { waitForStore } from "../harness.js";

/** A scenario's spec from its text, failing the test on any problem of its own. */
function spec(text: string): ScenarioSpec {
  const r = loadRunbookText(text, "s.yaml");
  expect(r.problems).toEqual([]);
  return r.scenario!.spec;
}

const CHECKOUT = `apiVersion: handrail/v1
kind: Scenario
id: checkout-bad-release
runbook: checkout-down
title: checkout crash-loops
briefing: "  checkout is down  "
severity: high
inputs: { namespace: shop, participants: [a, b] }
fixes: { remediate: rollback }
alsoFixes: [{ remediate: redeploy }]
images:
  shop/checkout:2.4.0: { behaviour: crashloop, exitCode: 3, logs: [INFO starting, FATAL no config] }
cluster:
  namespaces: [payments]
  deployments:
    - { name: checkout, namespace: shop, image: shop/checkout:2.3.0, replicas: 2, progressDeadlineSeconds: 10, labels: { app: checkout, tier: web }, env: { MODE: live } }
  services:
    - { name: checkout, namespace: shop, ports: [80, { port: 443, targetPort: 8443 }] }
  configMaps:
    - { name: checkout-config, namespace: shop, data: { PAYMENT_PROVIDER: stripe } }
  events:
    - { object: service/checkout, namespace: shop, reason: EnsuringLoadBalancer, message: ensuring, type: Normal, count: 3 }
incident:
  changes:
    - { setImage: shop/checkout, image: shop/checkout:2.4.0 }
  until: { pods: shop/checkout, image: shop/checkout:2.4.0, restarted: true }
endpoints:
  - path: /health
    input: health_url
    answers:
      - when: { deployment: shop/checkout, image: shop/checkout:2.3.0 }
        status: 200
        body: { status: ok }
      - status: 503
        body: checkout is crash-looping
        headers: { Retry-After: "5", Content-Type: text/x-drill }
files:
  manifests/checkout-fixed.yaml: |
    image: shop/checkout:2.3.1
  notes.txt: see the runbook
health:
  all:
    - { deployment: shop/checkout, image: shop/checkout:2.3.0 }
    - { endpoint: /health, status: 200 }
`;

let drill: Drill | undefined;
afterEach(async () => {
  await drill?.stop();
  drill = undefined;
});

describe("compileScenario", () => {
  it("carries what the drill list, the summary and handrail test read: id, runbook, remedy, alsoFixes, source", () => {
    const s = compileScenario(spec(CHECKOUT), { source: "team/s.yaml", file: "team/s.yaml" });
    expect(s).toMatchObject({ id: "checkout-bad-release", runbook: "checkout-down", title: "checkout crash-loops", briefing: "checkout is down", severity: "high", remedy: { remediate: "rollback" }, alsoFixes: [{ remediate: "redeploy" }], source: "team/s.yaml", file: "team/s.yaml" });
  });

  it("builds the world before the incident, sets the incident in, and serves the endpoint from the world's state", async () => {
    const d = (drill = await startDrill(compileScenario(spec(CHECKOUT), { source: "s.yaml", file: "s.yaml" }), { tickMs: 50 }));
    const store = d.world.kube.store;
    // The objects of the file, as written.
    const dep = store.peek("deployments", "shop", "checkout")!;
    expect(dep.spec.progressDeadlineSeconds).toBe(10);
    expect(dep.spec.selector.matchLabels).toEqual({ app: "checkout", tier: "web" });
    expect(dep.spec.template.spec.containers[0]?.env).toEqual([{ name: "MODE", value: "live" }]);
    expect(store.peek("namespaces", undefined, "payments")).toBeDefined();
    expect(store.peek("services", "shop", "checkout")?.spec.ports).toEqual([{ port: 80, protocol: "TCP", targetPort: 80 }, { port: 443, targetPort: 8443, protocol: "TCP" }]);
    expect(store.peek("configmaps", "shop", "checkout-config")?.data).toEqual({ PAYMENT_PROVIDER: "stripe" });
    expect(store.peekAll("events", "shop").find((e) => e.reason === "EnsuringLoadBalancer")).toMatchObject({ count: 3, type: "Normal", involvedObject: { kind: "Service", name: "checkout" }, source: { component: "service-controller" } });
    // The incident has set in: the new pod crash-loops with the file's exit code and logs; the old ones serve.
    const bad = store.podsOf("shop", "checkout").find((p) => p.spec.containers[0]?.image === "shop/checkout:2.4.0")!;
    expect(bad.status.containerStatuses?.[0]?.restartCount).toBeGreaterThan(0);
    expect(bad.status.containerStatuses?.[0]?.lastState.terminated?.exitCode).toBe(3);
    // Its files, in the directory every step runs in.
    expect(readFileSync(path.join(d.world.dir, "manifests/checkout-fixed.yaml"), "utf8")).toBe("image: shop/checkout:2.3.1\n");
    expect(readFileSync(path.join(d.world.dir, "notes.txt"), "utf8")).toBe("see the runbook");
    // The inputs: the file's, lists as lists, and the endpoint's URL.
    expect(d.inputs).toMatchObject({ namespace: "shop", participants: ["a", "b"] });
    expect(d.inputs.health_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/health$/);
    const broken = await fetch(String(d.inputs.health_url));
    expect([broken.status, broken.headers.get("retry-after"), broken.headers.get("content-type"), await broken.text()]).toEqual([503, "5", "text/x-drill", "checkout is crash-looping"]);
    expect(await d.health()).toEqual({ healthy: false, detail: expect.stringMatching(/^2\/2 pods of checkout ready on shop\/checkout:2\.3\.0; .*\(still on shop\/checkout:2\.4\.0\).*; \/health answers 503$/) });
    expect((await fetch(String(d.inputs.health_url).replace("/health", "/nope"))).status).toBe(404);

    // The fix (what rollout undo does): the endpoint and the health turn with the world.
    store.setDeploymentImage("shop", "checkout", "shop/checkout:2.3.0");
    await waitForStore(store, () => (d.scenario.health(d.world) as DrillHealth).healthy, "checkout healthy", 20_000);
    const healed = await fetch(String(d.inputs.health_url));
    expect([healed.status, healed.headers.get("content-type"), await healed.json()]).toEqual([200, "application/json", { status: "ok" }]);
    expect((await d.health()).detail).toBe("2/2 pods of checkout ready on shop/checkout:2.3.0; /health answers 200");
  });

  it("a world whose incident never sets in fails to start, saying which condition was not reached", async () => {
    const never = CHECKOUT.replace("until: { pods: shop/checkout, image: shop/checkout:2.4.0, restarted: true }", "until: { pods: shop/checkout, image: shop/checkout:2.4.0, status: ImagePullBackOff }");
    await expect(startDrill(compileScenario(spec(never), { source: "s.yaml", file: "s.yaml" }), { tickMs: 50 })).rejects.toThrow(
      /^scenario checkout-bad-release: the incident did not set in \(incident\.until\) within 500 steps of the cluster: 0 pods of checkout ImagePullBackOff on shop\/checkout:2\.4\.0$/,
    );
  });
});

describe("image behaviours", () => {
  it("map onto the simulated kubelet's, a slow start counted in ticks at drill speed", () => {
    expect(imageBehaviourOf({ behaviour: "crashloop", logs: ["x"] })).toEqual({ crash: true, logs: ["x"] });
    expect(imageBehaviourOf({ behaviour: "never-ready" })).toEqual({ readyAfterTicks: Number.MAX_SAFE_INTEGER });
    expect(imageBehaviourOf({ behaviour: "pull-error" })).toEqual({ unpullable: true });
    expect(imageBehaviourOf({ behaviour: "healthy", logs: ["ok"] })).toEqual({ logs: ["ok"] });
    expect(imageBehaviourOf({ behaviour: "slow-start", readyAfter: "20s" })).toEqual({ readyAfterTicks: 20_000 / DRILL_TICK_MS });
  });

  it("healthy overrides the rule that a tag with bad in it crashes; a slow start settles before the incident", async () => {
    const text = `apiVersion: handrail/v1
kind: Scenario
id: slow
runbook: r
title: t
briefing: b
severity: low
fixes: {}
images:
  shop/api:1-bad-name: { behaviour: healthy }
  shop/web:2: { behaviour: slow-start, readyAfter: 2s }
  shop/web:3: { behaviour: pull-error }
cluster:
  deployments:
    - { name: api, namespace: shop, image: shop/api:1-bad-name, replicas: 1 }
    - { name: web, namespace: shop, image: shop/web:2, replicas: 2 }
incident:
  changes:
    - { scale: shop/api, replicas: 3 }
    - { setImage: shop/web, image: shop/web:3 }
  until: { all: [{ deployment: shop/api, readyReplicas: 3, replicas: 3 }, { pods: shop/web, status: ImagePullBackOff }] }
health: { deployment: shop/web, image: shop/web:2 }
`;
    const d = (drill = await startDrill(compileScenario(spec(text), { source: "s.yaml", file: "s.yaml" }), { tickMs: 50 }));
    const store = d.world.kube.store;
    expect(store.podsOf("shop", "api").filter((p) => p.status.containerStatuses?.[0]?.ready)).toHaveLength(3);
    expect(store.podsOf("shop", "web").filter((p) => p.spec.containers[0]?.image === "shop/web:2" && p.status.containerStatuses?.[0]?.ready)).toHaveLength(2);
    expect(await d.health()).toMatchObject({ healthy: false, detail: expect.stringContaining("(still on shop/web:3)") });
  });
});

describe("conditions", () => {
  function world(): ClusterStore {
    const store = new ClusterStore();
    store.setImageBehaviour("shop/api:2", { crash: true });
    store.createDeployment({ namespace: "shop", name: "api", image: "shop/api:1", replicas: 2 });
    store.tickUntil(() => store.podsOf("shop", "api").filter((p) => p.status.containerStatuses?.[0]?.ready).length === 2);
    return store;
  }
  const view = (store: ClusterStore) => ({ store, replicas: new Map([["shop/api", 2]]), endpointStatus: (p: string) => (p === "/health" ? 204 : 404) });

  it("deployment: ready pods (the replicas it was created with unless given), on an image, with the replicas wanted", () => {
    const v = view(world());
    expect(judge({ deployment: "shop/api" }, v)).toEqual({ holds: true, detail: "2/2 pods of api ready" });
    expect(judge({ deployment: "shop/api", readyReplicas: 3 }, v)).toEqual({ holds: false, detail: "2/3 pods of api ready" });
    expect(judge({ deployment: "shop/api", image: "shop/api:1" }, v)).toMatchObject({ holds: true, detail: "2/2 pods of api ready on shop/api:1" });
    expect(judge({ deployment: "shop/api", replicas: 3 }, v)).toEqual({ holds: false, detail: "api wants 2 replicas, not 3" });
    expect(judge({ deployment: "shop/gone" }, v)).toEqual({ holds: false, detail: "deployment gone is gone from shop" });
  });

  it("pods: how many match, every one of them, by status, readiness and restarts", () => {
    const store = world();
    const v = view(store);
    expect(judge({ pods: "shop/api", ready: true, count: 2, every: true }, v)).toEqual({ holds: true, detail: "2/2 pods of api ready" });
    store.setDeploymentImage("shop", "api", "shop/api:2");
    store.tickUntil(() => store.podsOf("shop", "api").some((p) => (p.status.containerStatuses?.[0]?.restartCount ?? 0) > 0));
    expect(judge({ pods: "shop/api", image: "shop/api:2", restarted: true }, v)).toMatchObject({ holds: true });
    expect(judge({ pods: "shop/api", image: "shop/api:2", restarted: true, every: true }, v)).toMatchObject({ holds: false });
    expect(judge({ pods: "shop/api", status: "Running", image: "shop/api:1", count: 2 }, v)).toEqual({ holds: true, detail: "2 pods of api Running on shop/api:1" });
  });

  it("endpoint, all, any and not", () => {
    const v = view(world());
    expect(judge({ endpoint: "/health", status: [200, 204] }, v)).toEqual({ holds: true, detail: "/health answers 204" });
    expect(judge({ all: [{ deployment: "shop/api" }, { endpoint: "/health", status: 200 }] }, v)).toEqual({ holds: false, detail: "/health answers 204" });
    expect(judge({ any: [{ deployment: "shop/api", readyReplicas: 5 }, { endpoint: "/health", status: 204 }] }, v)).toEqual({ holds: true, detail: "/health answers 204" });
    expect(judge({ not: { endpoint: "/health", status: 204 } }, v)).toEqual({ holds: false, detail: "still /health answers 204" });
  });
});

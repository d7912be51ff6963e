/** The real kubectl reading the sandbox: get with columns and selectors, describe, logs, errors an operator meets. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTable, pollFor, readyPods, startHarness, waitForStore, type SandboxHarness } from "./harness.js";

let h: SandboxHarness;

beforeAll(async () => {
  h = await startHarness({
    seed: (store) => {
      store.createDeployment({ name: "api", image: "shop/api:1.0", replicas: 3 });
      // Asks for more CPU than the node has: stays Pending, Unschedulable.
      store.createDeployment({ name: "big", image: "shop/batch:1.0", replicas: 1, resources: { requests: { cpu: "64" } } });
      store.createDeployment({ name: "web", namespace: "shop", image: "shop/web:2.1", replicas: 2 });
    },
  });
  await waitForStore(h.store, () => readyPods(h.store, "default", "api") === 3 && readyPods(h.store, "shop", "web") === 2, "seeded pods ready");
  await waitForStore(h.store, () => h.store.peekAll("events").some((e) => e.reason === "FailedScheduling"), "the big pod to fail scheduling");
});

afterAll(async () => {
  await h?.stop();
});

describe("kubectl get", () => {
  it("lists pods with kubectl's columns", async () => {
    const r = await h.kubectl(["get", "pods"]);
    expect(r.exitCode).toBe(0);
    const table = parseTable(r.stdout);
    expect(table.headers).toEqual(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    const api = table.rows.filter((row) => row.NAME?.startsWith("api-"));
    expect(api).toHaveLength(3);
    for (const row of api) expect(row).toMatchObject({ READY: "1/1", STATUS: "Running", RESTARTS: "0" });
    expect(table.rows.find((row) => row.NAME?.startsWith("big-"))).toMatchObject({ READY: "0/1", STATUS: "Pending" });
  });

  it("filters by label selector and by field selector", async () => {
    const byLabel = parseTable((await h.kubectl(["get", "pods", "-l", "app=api"])).stdout);
    expect(byLabel.rows.map((r) => r.NAME?.split("-")[0])).toEqual(["api", "api", "api"]);
    const setBased = parseTable((await h.kubectl(["get", "pods", "-A", "-l", "app in (web,big)"])).stdout);
    expect(setBased.headers[0]).toBe("NAMESPACE");
    expect(setBased.rows.map((r) => `${r.NAMESPACE}/${r.NAME?.split("-")[0]}`).sort()).toEqual(["default/big", "shop/web", "shop/web"]);

    const notRunning = await h.kubectl(["get", "pods", "--field-selector=status.phase!=Running"]);
    expect(notRunning.exitCode).toBe(0);
    const rows = parseTable(notRunning.stdout).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ STATUS: "Pending" });
    expect(rows[0]?.NAME).toMatch(/^big-/);
  });

  it("lists deployments, replica sets and namespaces", async () => {
    const deploys = parseTable((await h.kubectl(["get", "deployments"])).stdout);
    expect(deploys.headers).toEqual(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
    expect(deploys.rows.find((r) => r.NAME === "api")).toMatchObject({ READY: "3/3", "UP-TO-DATE": "3", AVAILABLE: "3" });
    expect(deploys.rows.find((r) => r.NAME === "big")).toMatchObject({ READY: "0/1", AVAILABLE: "0" });

    const rs = parseTable((await h.kubectl(["get", "rs", "-o", "wide"])).stdout);
    expect(rs.headers).toEqual(["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]);
    const apiRs = rs.rows.find((r) => r.NAME?.startsWith("api-"));
    expect(apiRs).toMatchObject({ DESIRED: "3", CURRENT: "3", READY: "3", IMAGES: "shop/api:1.0" });
    expect(apiRs?.SELECTOR).toMatch(/^app=api,pod-template-hash=[a-z0-9]{10}$/);

    const ns = await h.kubectl(["get", "namespaces"]);
    expect(parseTable(ns.stdout).rows.map((r) => r.NAME)).toEqual(expect.arrayContaining(["default", "kube-system", "shop"]));
  });

  it("lists events with what the controllers, scheduler and kubelet reported", async () => {
    const r = await h.kubectl(["get", "events"]);
    expect(r.exitCode).toBe(0);
    const table = parseTable(r.stdout);
    expect(table.headers).toEqual(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]);
    const seen = table.rows.map((row) => `${row.TYPE} ${row.REASON} ${row.OBJECT?.split("/")[0]}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        "Normal ScalingReplicaSet deployment",
        "Normal SuccessfulCreate replicaset",
        "Normal Scheduled pod",
        "Normal Pulled pod",
        "Normal Started pod",
        "Warning FailedScheduling pod",
      ]),
    );
    expect(r.stdout).toContain("0/1 nodes are available: 1 Insufficient cpu.");
  });

  it("prints full objects for -o json, -o yaml and -o jsonpath", async () => {
    const json = JSON.parse((await h.kubectl(["get", "deployment", "api", "-o", "json"])).stdout) as { metadata: { resourceVersion: string; generation: number }; status: { readyReplicas: number } };
    expect(json.status.readyReplicas).toBe(3);
    expect(Number(json.metadata.resourceVersion)).toBeGreaterThan(0);
    const yaml = await h.kubectl(["get", "pods", "-n", "shop", "-o", "yaml"]);
    expect(yaml.stdout).toContain("kind: List");
    expect(yaml.stdout).toContain("image: shop/web:2.1");
    const image = await h.kubectl(["get", "deployment", "api", "-o", "jsonpath={.spec.template.spec.containers[0].image}"]);
    expect(image.stdout).toBe("shop/api:1.0");
  });
});

describe("kubectl describe and logs", () => {
  it("describes a pod with its owner, container state and events", async () => {
    const pod = h.store.podsOf("default", "api")[0];
    const r = await h.kubectl(["describe", "pod", pod?.metadata.name ?? ""]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+api-/m);
    expect(r.stdout).toMatch(/^Status:\s+Running$/m);
    expect(r.stdout).toMatch(/^Controlled By:\s+ReplicaSet\/api-/m);
    expect(r.stdout).toMatch(/Image:\s+shop\/api:1.0/);
    expect(r.stdout).toMatch(/Ready:\s+True/);
    expect(r.stdout).toMatch(/Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\/api-/);
    expect(r.stdout).toMatch(/Normal\s+Started\s+.*kubelet\s+Started container api/);
  });

  it("shows the last lines of a deployment's logs and a pod's whole log", async () => {
    const pod = h.store.podsOf("default", "api").find((p) => p.status.containerStatuses?.[0]?.ready);
    const name = pod?.metadata.name ?? "";
    for (let i = 1; i <= 8; i++) for (const p of h.store.podsOf("default", "api")) h.store.appendLog("default", p.metadata.name, `ERROR request ${i} failed`);
    const tail = await h.kubectl(["logs", "deployment/api", "--tail=5"]);
    expect(tail.exitCode).toBe(0);
    const lines = tail.stdout.split("\n");
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toMatch(/ERROR request 8 failed|INFO GET \/healthz/);

    const whole = await h.kubectl(["logs", name]);
    expect(whole.exitCode).toBe(0);
    expect(whole.stdout).toContain("INFO starting shop/api:1.0");
    expect(whole.stdout).toContain("ERROR request 8 failed");
  });

  it("follows a pod's log until the pod goes away", async () => {
    const name = h.store.podsOf("shop", "web")[0]?.metadata.name ?? "";
    const follow = h.spawnKubectl(["logs", "-f", "-n", "shop", name]);
    let out = "";
    follow.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    await pollFor(async () => (out.includes("INFO listening on :8080") ? true : undefined), "the existing log");
    h.store.appendLog("shop", name, "WARN cache miss storm");
    await pollFor(async () => (out.includes("WARN cache miss storm") ? true : undefined), "the appended line to stream");
    h.store.delete("pods", "shop", name, { gracePeriodSeconds: 0 });
    const result = await follow;
    expect(result.exitCode).toBe(0);
  });
});

describe("errors as the real API server words them", () => {
  it("404 for a missing deployment", async () => {
    const r = await h.kubectl(["get", "deployment", "nope"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "nope" not found');
    const pod = await h.kubectl(["logs", "ghost"]);
    expect(pod.stderr.trim()).toBe('error: error from server (NotFound): pods "ghost" not found in namespace "default"');
  });

  it("403 in the namespace 'forbidden'", async () => {
    const r = await h.kubectl(["get", "pods", "-n", "forbidden"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): pods is forbidden: User "sandbox" cannot list resource "pods" in API group "" in the namespace "forbidden"',
    );
    const scale = await h.kubectl(["scale", "deployment/api", "-n", "forbidden", "--replicas=1"]);
    expect(scale.exitCode).toBe(1);
    expect(scale.stderr).toContain('deployments.apps "api" is forbidden: User "sandbox" cannot get resource "deployments" in API group "apps" in the namespace "forbidden"');
  });
});

/** @kubernetes/client-node against the sandbox: typed reads, errors, a watch, logs, the scale subresource. */
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readyPods, startHarness, waitForStore, type SandboxHarness } from "./harness.js";

let h: SandboxHarness;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  h = await startHarness({ seed: (store) => store.createDeployment({ name: "api", image: "shop/api:1.0", replicas: 2 }) });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(h.kubeconfig);
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
  await waitForStore(h.store, () => readyPods(h.store, "default", "api") === 2, "api ready");
});

afterAll(async () => {
  await h?.stop();
});

describe("client-node", () => {
  it("loads the written kubeconfig: context sandbox, namespace default", () => {
    expect(kc.getCurrentContext()).toBe("sandbox");
    expect(kc.getContextObject("sandbox")?.namespace).toBe("default");
    expect(kc.getCurrentCluster()?.server).toBe(h.sandbox.url);
  });

  it("lists pods by label and reads a deployment", async () => {
    const pods = await core.listNamespacedPod({ namespace: "default", labelSelector: "app=api" });
    expect(pods.items).toHaveLength(2);
    expect(pods.items.every((p) => p.status?.phase === "Running")).toBe(true);
    expect(pods.items[0]?.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(pods.metadata?.resourceVersion).toMatch(/^\d+$/);

    const d = await apps.readNamespacedDeployment({ name: "api", namespace: "default" });
    expect(d.spec?.replicas).toBe(2);
    expect(d.status?.availableReplicas).toBe(2);
    expect(d.status?.conditions?.find((c) => c.type === "Available")?.status).toBe("True");
    expect(d.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
  });

  it("gets a 404 with the Status body for a missing deployment", async () => {
    const error = await apps.readNamespacedDeployment({ name: "nope", namespace: "default" }).then(
      () => undefined,
      (e: unknown) => e as { code?: number; body?: string },
    );
    expect(error?.code).toBe(404);
    expect(JSON.parse(error?.body ?? "{}")).toMatchObject({ kind: "Status", reason: "NotFound", code: 404, message: 'deployments.apps "nope" not found' });
  });

  it("a Watch on pods receives the pods a scale-up creates", async () => {
    const list = await core.listNamespacedPod({ namespace: "default" });
    const seen: string[] = [];
    let done: unknown = "open";
    const watch = new k8s.Watch(kc);
    const request = await watch.watch(
      "/api/v1/namespaces/default/pods",
      { resourceVersion: list.metadata?.resourceVersion, labelSelector: "app=api" },
      (type: string, obj: k8s.V1Pod) => seen.push(`${type} ${obj.metadata?.name ?? ""}`),
      (err: unknown) => (done = err),
    );
    h.store.mutate("deployments", "default", "api", (d) => {
      d.spec.replicas = 3;
    });
    await waitForStore(h.store, () => readyPods(h.store, "default", "api") === 3, "a third pod");
    const added = seen.filter((s) => s.startsWith("ADDED "));
    expect(added).toHaveLength(1);
    expect(seen.filter((s) => s.startsWith("MODIFIED ")).length).toBeGreaterThan(0);
    request.abort();
    expect(done).not.toBe("open");
  });

  it("reads logs and patches the scale subresource", async () => {
    const name = h.store.podsOf("default", "api")[0]?.metadata.name ?? "";
    h.store.appendLog("default", name, "ERROR upstream timeout");
    const log = await core.readNamespacedPodLog({ name, namespace: "default", tailLines: 1 });
    expect(log).toBe("ERROR upstream timeout\n");

    const scale = await apps.patchNamespacedDeploymentScale(
      { name: "api", namespace: "default", body: { spec: { replicas: 1 } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    expect(scale.kind).toBe("Scale");
    expect(scale.spec?.replicas).toBe(1);
    expect(scale.status?.selector).toBe("app=api");
    await waitForStore(h.store, () => h.store.podsOf("default", "api").length === 1, "scaled down to one pod");
  });
});

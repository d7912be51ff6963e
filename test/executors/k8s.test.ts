/** `k8s` steps through client-node against the simulated cluster, next to the real kubectl doing the same. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execute } from "../../src/executors/execute.js";
import { prepareKube } from "../../src/executors/kubeconfig.js";
import type { ExecContext } from "../../src/executors/types.js";
import type { Step } from "../../src/runbooks/schema.js";
import { startKubeSandbox, type KubeSandbox } from "../../src/sandbox/index.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { context, recorder, waitFor } from "../helpers/steps.js";

let sandbox: KubeSandbox;
let dir: string;
let ctx: ExecContext;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "handrail-k8s-"));
  sandbox = await startKubeSandbox({ tickMs: 50 });
  sandbox.store.createDeployment({ namespace: "shop", name: "api", image: "shop/api:1.0", replicas: 3, labels: { app: "api" } });
  const kubeconfig = await sandbox.writeKubeconfig(dir, { context: "sandbox", namespace: "shop" });
  const prepared = await prepareKube({ kubeconfig, env: {} }, dir);
  if (!prepared.ok) throw new Error(prepared.message);
  ctx = context({ service: "api" }, { kube: prepared.target, env: { PATH: process.env.PATH, HOME: dir } });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const k8s = (spec: Step["k8s"], extra: Partial<Step> = {}) => ({ id: "k", title: "k8s", k8s: spec, ...extra }) as Step;
const kubectl = (run: string, extra: Partial<Step> = {}) => ({ id: "c", title: "kubectl", run: `${run} --cache-dir "${dir}/cache"`, ...extra }) as Step;

describe("k8s steps against the simulated cluster", () => {
  it("rollout status waits until the deployment is available", async () => {
    const r = await execute(k8s({ action: "rollout-status", deployment: "$service" }, { timeout: "30s" }), ctx);
    expect(r.status).toBe("passed");
    expect(r.output.tail.at(-1)?.line).toBe('deployment "api" successfully rolled out');
  });

  it("pods by selector: phase, readiness, restarts, reason", async () => {
    const rec = recorder();
    const r = await execute(k8s({ action: "pods", selector: "app=$service" }), ctx, { onEvent: rec.onEvent });
    expect(r.status).toBe("passed");
    expect(rec.lines()[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+REASON$/);
    expect((r.details?.pods as unknown[]).length).toBe(3);
  });

  it("pods that are all ready but fewer than their deployment wants fail: 1 of 3 serving is not healthy", async () => {
    // A cluster that moves only when told: the deployment is scaled to 3 and its new pods are not created yet.
    const still = await startKubeSandbox({ tickMs: 0 });
    const d2 = mkdtempSync(path.join(tmpdir(), "handrail-k8s-short-"));
    try {
      still.store.createDeployment({ namespace: "shop", name: "cart", image: "shop/cart:1.0", replicas: 1, labels: { app: "cart" } });
      still.store.tickUntil(() => still.store.listPods("shop", "app=cart").some((p) => p.status.containerStatuses?.every((c) => c.ready) === true));
      still.store.mutate("deployments", "shop", "cart", (d) => {
        d.spec.replicas = 3;
      });
      const kubeconfig = await still.writeKubeconfig(d2, { context: "still", namespace: "shop" });
      const prepared = await prepareKube({ kubeconfig, env: {} }, d2);
      if (!prepared.ok) throw new Error(prepared.message);
      const c2 = context({}, { kube: prepared.target, env: { PATH: process.env.PATH, HOME: d2 } });
      const rec = recorder();
      const r = await execute(k8s({ action: "pods", selector: "app=cart" }), c2, { onEvent: rec.onEvent });
      expect(r.status).toBe("failed");
      expect(r.expectations.find((e) => !e.passed)?.reason).toBe("deployment cart has 1 of 3 wanted pods ready");
      expect(rec.lines()).toContain("deployment cart: 1 of 3 wanted pods ready");
      // Once the cluster catches up, the same check passes.
      still.store.tickUntil(() => still.store.listPods("shop", "app=cart").filter((p) => p.status.containerStatuses?.every((c) => c.ready) === true).length === 3);
      expect((await execute(k8s({ action: "pods", selector: "app=cart" }), c2)).status).toBe("passed");
    } finally {
      await still.stop();
      rmSync(d2, { recursive: true, force: true });
    }
  });

  it("a bad image: pods crash-loop, rollout status times out, undo brings the old image back", async () => {
    const set = await execute(kubectl('kubectl set image deployment/"$service" api=shop/api:2.0-bad'), ctx);
    expect(set.status).toBe("passed");
    await waitFor(() => sandbox.store.listPods("shop").some((p) => p.status?.containerStatuses?.some((c) => c.state?.waiting?.reason === "CrashLoopBackOff")), "a pod in CrashLoopBackOff", 20_000);
    const pods = await execute(k8s({ action: "pods", selector: "app=api" }), ctx);
    expect(pods.status).toBe("failed");
    expect(pods.expectations[0]?.reason).toContain("CrashLoopBackOff");
    const stuck = await execute(k8s({ action: "rollout-status", deployment: "api" }, { timeout: "2s" }), ctx);
    expect(stuck.status).toBe("timeout");
    const undo = await execute(k8s({ action: "rollout-undo", deployment: "api" }), ctx);
    expect(undo.status).toBe("passed");
    expect(undo.output.tail[0]?.line).toMatch(/^deployment.apps\/api rolled back \(to revision 1\)$/);
    const done = await execute(k8s({ action: "rollout-status", deployment: "api" }, { timeout: "30s" }), ctx);
    expect(done.status).toBe("passed");
    const image = await execute(kubectl(`kubectl get deployment api -o jsonpath='{.spec.template.spec.containers[0].image}'`, { expect: { stdout: { contains: "shop/api:1.0" } } }), ctx);
    expect(image.status).toBe("passed");
  });

  it("scale and restart through client-node, seen by kubectl", async () => {
    expect((await execute(k8s({ action: "scale", deployment: "api", replicas: 5 }), ctx)).status).toBe("passed");
    await waitFor(() => sandbox.store.listPods("shop").filter((p) => p.status?.phase === "Running").length === 5, "5 running pods", 20_000);
    expect((await execute(k8s({ action: "rollout-restart", deployment: "api" }), ctx)).status).toBe("passed");
    const status = await execute(kubectl('kubectl rollout status deployment/"$service" --timeout=30s', { timeout: "40s" }), ctx);
    expect(status.status).toBe("passed");
  });

  it("events of an object", async () => {
    const pod = sandbox.store.listPods("shop")[0]!.metadata!.name!;
    const rec = recorder();
    const r = await execute(k8s({ action: "events", name: pod, kind: "Pod" }), ctx, { onEvent: rec.onEvent });
    expect(r.status).toBe("passed");
    expect(rec.lines()[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(rec.lines().length).toBeGreaterThan(1);
  });

  it("RBAC: a forbidden namespace is a failed step with the forbidden diagnosis, for kubectl and client-node", async () => {
    const native = await execute(k8s({ action: "pods", selector: "app=api", namespace: "forbidden" }), ctx);
    expect(native.status).toBe("failed");
    expect(native.diagnosis?.code).toBe("forbidden");
    const cli = await execute(kubectl("kubectl get pods -n forbidden"), ctx);
    expect(cli.diagnosis).toMatchObject({ code: "forbidden", summary: expect.stringContaining("cannot list pods in namespace forbidden") });
  });

  it("the server stopped: both say the server refused", async () => {
    const other = await startKubeSandbox();
    const kubeconfig = await other.writeKubeconfig(dir, { context: "gone" });
    const prepared = await prepareKube({ kubeconfig, env: {} }, path.join(dir));
    if (!prepared.ok) throw new Error(prepared.message);
    await other.stop();
    const c = context({}, { kube: prepared.target, env: { PATH: process.env.PATH, HOME: dir } });
    expect((await execute(k8s({ action: "pods", selector: "app=api" }), c)).diagnosis?.code).toBe("cluster-unreachable");
    expect((await execute(kubectl("kubectl get pods"), c)).diagnosis?.code).toBe("cluster-unreachable");
  });
});

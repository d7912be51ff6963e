/** The cluster store without HTTP, as scenarios use it: build a cluster in a few lines, drive it with tick(). */
import { describe, expect, it } from "vitest";
import { ClusterStore, podStatusReason, type ChangeEvent } from "../../src/sandbox/index.js";

function cluster(now?: () => Date): ClusterStore {
  return new ClusterStore(now ? { now } : {});
}

const reasons = (store: ClusterStore, ns: string, name: string) => store.podsOf(ns, name).map(podStatusReason);

describe("pods", () => {
  it("go Pending → ContainerCreating → Running over ticks, with events and startup logs", () => {
    const store = cluster();
    store.createDeployment({ name: "api", image: "shop/api:1.0", replicas: 1, port: 9090 });
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      store.tick();
      seen.push(...reasons(store, "default", "api"));
    }
    expect([...new Set(seen)]).toEqual(["Pending", "ContainerCreating", "Running"]);
    const pod = store.podsOf("default", "api")[0];
    expect(pod?.status.containerStatuses?.[0]).toMatchObject({ ready: true, restartCount: 0, state: { running: {} } });
    expect(store.logs.read(pod?.metadata.uid ?? "", "api")?.map((l) => l.text)).toContain("INFO listening on :9090");
    expect(store.peekAll("events").map((e) => e.reason)).toEqual(expect.arrayContaining(["ScalingReplicaSet", "SuccessfulCreate", "Scheduled", "Pulling", "Pulled", "Created", "Started"]));
  });

  it("crash-loop for a crashing image: restarts climb, last state terminated, error logs kept as --previous", () => {
    const store = cluster();
    store.setImageBehaviour("shop/api:2.0", { crash: true, exitCode: 137, logs: ["ERROR out of memory", "FATAL killed"] });
    store.createDeployment({ name: "api", image: "shop/api:2.0", replicas: 1 });
    const pod = () => store.podsOf("default", "api")[0];
    expect(store.tickUntil(() => (pod()?.status.containerStatuses?.[0]?.restartCount ?? 0) >= 3, 100)).toBe(true);
    expect(store.tickUntil(() => pod()?.status.containerStatuses?.[0]?.state.waiting?.reason === "CrashLoopBackOff", 50)).toBe(true);
    const status = pod()?.status.containerStatuses?.[0];
    expect(status?.ready).toBe(false);
    expect(status?.lastState.terminated).toMatchObject({ exitCode: 137, reason: "Error" });
    expect(pod()?.status.phase).toBe("Running");
    expect(status?.state.waiting?.message).toMatch(/^back-off \d+s restarting failed container=api pod=api-/);
    const uid = pod()?.metadata.uid ?? "";
    expect(store.logs.read(uid, "api", { previous: true })?.map((l) => l.text)).toEqual(["ERROR out of memory", "FATAL killed"]);
    expect(store.peekAll("events").find((e) => e.reason === "BackOff")?.count).toBeGreaterThanOrEqual(2);
  });

  it("cannot pull a missing image (ImagePullBackOff, Pending) until the image appears", () => {
    const store = cluster();
    store.createDeployment({ name: "api", image: "shop/api:missing", replicas: 1 });
    expect(store.tickUntil(() => reasons(store, "default", "api")[0] === "ImagePullBackOff", 20)).toBe(true);
    expect(store.podsOf("default", "api")[0]?.status.phase).toBe("Pending");
    expect(store.peekAll("events").map((e) => e.message)).toContain("Error: ErrImagePull");
    store.setImageBehaviour("shop/api:missing", {});
    expect(store.tickUntil(() => reasons(store, "default", "api")[0] === "Running", 30)).toBe(true);
  });

  it("stay Pending while their requests do not fit the node, and schedule once room is made", () => {
    const store = cluster();
    store.createDeployment({ name: "hog", image: "shop/hog:1.0", replicas: 1, resources: { requests: { cpu: "3" } } });
    store.createDeployment({ name: "api", image: "shop/api:1.0", replicas: 1, resources: { requests: { cpu: "2", memory: "1Gi" } } });
    store.tickUntil(() => store.peekAll("events").some((e) => e.reason === "FailedScheduling"), 10);
    const [hog, api] = [store.podsOf("default", "hog")[0], store.podsOf("default", "api")[0]];
    const pending = [hog, api].find((p) => !p?.spec.nodeName);
    expect(pending?.status.conditions?.find((c) => c.type === "PodScheduled")).toMatchObject({ status: "False", reason: "Unschedulable" });
    expect(pending?.status.conditions?.[0]?.message).toContain("0/1 nodes are available: 1 Insufficient cpu.");
    const other = pending === hog ? "api" : "hog";
    store.mutate("deployments", "default", other, (d) => {
      d.spec.replicas = 0;
    });
    expect(store.tickUntil(() => store.podsOf("default", pending === hog ? "hog" : "api")[0]?.status.phase === "Running", 20)).toBe(true);
  });
});

describe("deployments", () => {
  it("a rollout to a crashing image sticks at 1 of 3; restoring the template re-uses the old replica set as a new revision", () => {
    const store = cluster();
    store.createDeployment({ name: "api", image: "shop/api:1.0", replicas: 3 });
    store.tickUntil(() => store.peek("deployments", "default", "api")?.status.availableReplicas === 3);
    store.setDeploymentImage("default", "api", "shop/api:bad");
    for (let i = 0; i < 30; i++) store.tick();
    const d = store.peek("deployments", "default", "api");
    expect(d?.status).toMatchObject({ observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3 });
    expect(d?.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");

    store.setDeploymentImage("default", "api", "shop/api:1.0");
    expect(store.tickUntil(() => store.peek("deployments", "default", "api")?.status.conditions?.some((c) => c.reason === "NewReplicaSetAvailable") === true, 20)).toBe(true);
    const sets = store.peekAll("replicasets").map((rs) => [rs.spec.template.spec.containers[0]?.image, rs.metadata.annotations?.["deployment.kubernetes.io/revision"], rs.spec.replicas]);
    expect(sets).toEqual(expect.arrayContaining([["shop/api:1.0", "3", 3], ["shop/api:bad", "2", 0]]));
    expect(store.peekAll("replicasets").find((rs) => rs.spec.replicas === 3)?.metadata.annotations?.["deployment.kubernetes.io/revision-history"]).toBe("1");
    expect(store.peek("deployments", "default", "api")?.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
  });

  it("report ProgressDeadlineExceeded when a rollout makes no progress for progressDeadlineSeconds", () => {
    let clock = Date.parse("2025-01-01T00:00:00Z");
    const store = cluster(() => new Date(clock));
    store.createDeployment({ name: "api", image: "shop/api:1.0", replicas: 2, progressDeadlineSeconds: 30 });
    store.tickUntil(() => store.peek("deployments", "default", "api")?.status.availableReplicas === 2);
    store.setDeploymentImage("default", "api", "shop/api:bad");
    for (let i = 0; i < 10; i++) store.tick();
    const progressing = () => store.peek("deployments", "default", "api")?.status.conditions?.find((c) => c.type === "Progressing");
    expect(progressing()?.status).toBe("True");
    clock += 31_000;
    store.tick();
    expect(progressing()).toMatchObject({ status: "False", reason: "ProgressDeadlineExceeded" });
  });

  it("Recreate stops every old pod before starting new ones", () => {
    const store = cluster();
    store.createDeployment({ name: "db", image: "shop/db:1", replicas: 2, strategy: { type: "Recreate" } });
    store.tickUntil(() => store.peek("deployments", "default", "db")?.status.availableReplicas === 2);
    store.setDeploymentImage("default", "db", "shop/db:2");
    let mixed = false;
    store.tickUntil(() => {
      const images = new Set(store.podsOf("default", "db").map((p) => p.spec.containers[0]?.image));
      mixed ||= images.size > 1;
      return store.peek("deployments", "default", "db")?.status.updatedReplicas === 2 && store.podsOf("default", "db").length === 2;
    });
    expect(mixed).toBe(false);
  });

  it("deleting a deployment removes its replica sets and pods", () => {
    const store = cluster();
    store.createDeployment({ name: "api", namespace: "shop", image: "shop/api:1.0", replicas: 2 });
    store.tickUntil(() => store.podsOf("shop", "api").length === 2);
    store.delete("deployments", "shop", "api");
    expect(store.tickUntil(() => store.peekAll("pods", "shop").length === 0 && store.peekAll("replicasets", "shop").length === 0, 10)).toBe(true);
  });
});

describe("change feed", () => {
  it("delivers every write in resourceVersion order, even when a listener writes (a scenario rule)", () => {
    const store = cluster();
    const order: number[] = [];
    // A reaction rule: the first time a crash loop shows, "fix" the image so restarts succeed.
    store.subscribe((e: ChangeEvent) => {
      if (e.resource === "pods" && e.type === "MODIFIED" && podStatusReason(e.object as never) === "CrashLoopBackOff") store.setImageBehaviour("shop/api:bad", {});
    });
    store.subscribe((e) => order.push(e.resourceVersion));
    store.createDeployment({ name: "api", image: "shop/api:bad", replicas: 1 });
    expect(store.tickUntil(() => store.podsOf("default", "api")[0]?.status.containerStatuses?.[0]?.ready === true, 60)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(store.changesSince(order[0] ?? 0)?.map((e) => e.resourceVersion)).toEqual(order.slice(1));
  });

  it("does not bump resourceVersion for a no-op write, and freezes stored objects", () => {
    const store = cluster();
    const d = store.createDeployment({ name: "api", image: "shop/api:1.0" });
    const rv = store.resourceVersion;
    store.mutate("deployments", "default", "api", (draft) => {
      draft.spec.replicas = 1;
    });
    expect(store.resourceVersion).toBe(rv);
    expect(() => {
      (d.spec as { replicas: number }).replicas = 5;
    }).toThrow(TypeError);
    const copy = store.get("deployments", "default", "api");
    if (copy) copy.spec.replicas = 5;
    expect(store.peek("deployments", "default", "api")?.spec.replicas).toBe(1);
  });
});

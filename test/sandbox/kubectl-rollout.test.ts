/**
 * The real kubectl changing the sandbox: scale, rollout restart / status / history / undo, a bad
 * image that crash-loops and a rollout that stays stuck, pod deletion, `get -w`, create/apply -f.
 * The tests run in order: each starts from the state the previous one left.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTable, pollFor, readyPods, rolledOut, startHarness, waitForStore, type SandboxHarness } from "./harness.js";

let h: SandboxHarness;

beforeAll(async () => {
  h = await startHarness({ seed: (store) => store.createDeployment({ name: "api", image: "shop/api:1.0", replicas: 3 }) });
  await waitForStore(h.store, () => rolledOut(h.store, "default", "api"), "api rolled out");
});

afterAll(async () => {
  await h?.stop();
});

async function podRows(selector = "app=api"): Promise<Record<string, string>[]> {
  const r = await h.kubectl(["get", "pods", "-l", selector]);
  expect(r.exitCode).toBe(0);
  return parseTable(r.stdout).rows;
}

describe("kubectl changing the sandbox", () => {
  it("scales a deployment and the new pods appear", async () => {
    const r = await h.kubectl(["scale", "deployment/api", "--replicas=5"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe("deployment.apps/api scaled");
    const rows = await pollFor(async () => {
      const now = await podRows();
      return now.length === 5 && now.every((p) => p.STATUS === "Running" && p.READY === "1/1") ? now : undefined;
    }, "5 running api pods");
    expect(rows).toHaveLength(5);
  });

  it("restarts a deployment and rollout status waits until it is done", async () => {
    const before = new Set(h.store.podsOf("default", "api").map((p) => p.metadata.name));
    // New pods take 10 ticks to turn ready, so the rollout takes long enough to watch it progress.
    h.store.setImageBehaviour("shop/api:1.0", { readyAfterTicks: 10 });
    const restart = await h.kubectl(["rollout", "restart", "deployment/api"]);
    expect(restart.exitCode).toBe(0);
    expect(restart.stdout.trim()).toBe("deployment.apps/api restarted");
    const status = await h.kubectl(["rollout", "status", "deployment/api", "--timeout=60s"]);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toMatch(/^Waiting for deployment "api" rollout to finish: \d (out of 5 new replicas have been updated|old replicas are pending termination)/m);
    expect(status.stdout.trim().split("\n").at(-1)).toBe('deployment "api" successfully rolled out');
    h.store.setImageBehaviour("shop/api:1.0", {});
    const pods = h.store.podsOf("default", "api").filter((p) => !p.metadata.deletionTimestamp);
    expect(pods).toHaveLength(5);
    for (const p of pods) expect(before.has(p.metadata.name)).toBe(false);
    expect(pods[0]?.metadata.annotations?.["kubectl.kubernetes.io/restartedAt"]).toBeDefined();
  });

  it("a bad image crash-loops and the rollout stays stuck until it times out", async () => {
    const set = await h.kubectl(["set", "image", "deployment/api", "api=shop/api:bad"]);
    expect(set.exitCode).toBe(0);
    expect(set.stdout.trim()).toBe("deployment.apps/api image updated");
    const crashing = await pollFor(async () => {
      const rows = (await podRows()).filter((p) => p.STATUS === "CrashLoopBackOff");
      return rows.length > 0 ? rows : undefined;
    }, "a pod in CrashLoopBackOff");
    expect(crashing[0]?.READY).toBe("0/1");
    expect(crashing[0]?.RESTARTS).toMatch(/^[1-9]\d* \(\d+s ago\)$/);

    const status = await h.kubectl(["rollout", "status", "deployment/api", "--timeout=3s"]);
    expect(status.exitCode).toBe(1);
    expect(status.stdout).toMatch(/Waiting for deployment "api" rollout to finish: \d out of 5 new replicas have been updated/);
    expect(status.stderr).toContain("timed out waiting for the condition");
    // The old pods keep serving: maxUnavailable of 25% leaves 4 of 5 up.
    expect(readyPods(h.store, "default", "api")).toBe(4);

    const name = crashing[0]?.NAME ?? "";
    const previous = await h.kubectl(["logs", name, "--previous"]);
    expect(previous.exitCode).toBe(0);
    expect(previous.stdout).toContain("ERROR failed to connect to database");
    const describe = await h.kubectl(["describe", "pod", name]);
    expect(describe.stdout).toMatch(/State:\s+(Waiting|Running|Terminated)/);
    expect(describe.stdout).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1/);
    expect(describe.stdout).toMatch(/Warning\s+BackOff\s+.*Back-off restarting failed container api/);
  });

  it("rollout undo brings the previous image back and the rollout completes", async () => {
    const undo = await h.kubectl(["rollout", "undo", "deployment/api"]);
    expect(undo.exitCode).toBe(0);
    expect(undo.stdout.trim()).toBe("deployment.apps/api rolled back");
    const status = await h.kubectl(["rollout", "status", "deployment/api", "--timeout=60s"]);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain('deployment "api" successfully rolled out');
    const image = await h.kubectl(["get", "deployment", "api", "-o", "jsonpath={.spec.template.spec.containers[0].image}"]);
    expect(image.stdout).toBe("shop/api:1.0");
    await waitForStore(h.store, () => h.store.podsOf("default", "api").every((p) => p.spec.containers[0]?.image === "shop/api:1.0"), "bad pods gone");
  });

  it("rollout history lists the revisions, the rolled-back one moved to the top", async () => {
    const r = await h.kubectl(["rollout", "history", "deployment/api"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("REVISION  CHANGE-CAUSE");
    const revisions = r.stdout.split("\n").map((l) => /^(\d+)\s/.exec(l)?.[1]).filter((x) => x !== undefined);
    // 1 created, 2 restart, 3 bad image; the undo re-used revision 2's replica set as revision 4.
    expect(revisions).toEqual(["1", "3", "4"]);
    const rs = parseTable((await h.kubectl(["get", "rs"])).stdout).rows;
    expect(rs).toHaveLength(3);
    expect(rs.filter((row) => row.DESIRED !== "0")).toHaveLength(1);
  });

  it("a deleted pod is replaced by its replica set", async () => {
    const victim = h.store.podsOf("default", "api")[0]?.metadata.name ?? "";
    const r = await h.kubectl(["delete", "pod", victim]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(`pod "${victim}" deleted`);
    expect(h.store.peek("pods", "default", victim)).toBeUndefined();
    const rows = await pollFor(async () => {
      const now = await podRows();
      return now.length === 5 && now.every((p) => p.STATUS === "Running") ? now : undefined;
    }, "a replacement pod");
    expect(rows.map((p) => p.NAME)).not.toContain(victim);
  });

  it("get -w prints the change as it happens", async () => {
    const watch = h.spawnKubectl(["get", "pods", "-l", "app=api", "-w"]);
    let out = "";
    watch.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    await pollFor(async () => (out.split("\n").length > 5 ? true : undefined), "the initial list");
    const victim = h.store.podsOf("default", "api")[0]?.metadata.name ?? "";
    h.store.delete("pods", "default", victim);
    await pollFor(async () => (out.split("\n").some((l) => l.startsWith(victim) && l.includes("Terminating")) ? true : undefined), "the Terminating line");
    watch.kill();
    await watch;
    expect(out.split("\n")[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
  });

  it("create -f and apply -f work with the server doing validation", async () => {
    const file = path.join(h.dir, "worker.yaml");
    const manifest = (replicas: number, image: string) =>
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: { name: worker }",
        "spec:",
        `  replicas: ${replicas}`,
        "  selector: { matchLabels: { app: worker } }",
        "  template:",
        "    metadata: { labels: { app: worker } }",
        `    spec: { containers: [ { name: worker, image: "${image}" } ] }`,
        "",
      ].join("\n");
    await writeFile(file, manifest(1, "shop/worker:1.0"));
    const create = await h.kubectl(["create", "-f", file]);
    expect(create.stdout.trim()).toBe("deployment.apps/worker created");
    const again = await h.kubectl(["create", "-f", file]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('Error from server (AlreadyExists): error when creating "');
    expect(again.stderr).toContain('deployments.apps "worker" already exists');
    await writeFile(file, manifest(2, "shop/worker:1.1"));
    const apply = await h.kubectl(["apply", "-f", file]);
    expect(apply.exitCode).toBe(0);
    expect(apply.stdout.trim()).toBe("deployment.apps/worker configured");
    const status = await h.kubectl(["rollout", "status", "deployment/worker", "--timeout=60s"]);
    expect(status.exitCode).toBe(0);
    expect(h.store.peek("deployments", "default", "worker")?.spec.template.spec.containers[0]?.image).toBe("shop/worker:1.1");
  });
});

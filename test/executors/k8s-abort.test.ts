/** k8s steps against an API server that accepts and never answers: the timeout and cancel end the requests themselves. */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { prepareKube } from "../../src/executors/kubeconfig.js";
import { runK8s } from "../../src/executors/k8s.js";
import { watchPods } from "../../src/executors/pod-watch.js";
import type { K8sStep, Step } from "../../src/runbooks/schema.js";
import { scratchDir } from "../helpers/cli.js";
import { silentServer, writeKubeconfig } from "../helpers/kube.js";
import { context, recorder, waitFor } from "../helpers/steps.js";

async function silentCluster() {
  const silent = await silentServer();
  onTestFinished(() => silent.close());
  const dir = scratchDir(onTestFinished);
  const prepared = await prepareKube({ kubeconfig: writeKubeconfig(dir, `http://127.0.0.1:${silent.port}`), env: {} }, dir);
  if (!prepared.ok) throw new Error(prepared.message);
  return { silent, kube: prepared.target };
}

const k8sStep = (k8s: K8sStep, extra: Partial<Step> = {}) => ({ id: "k", title: "k8s", k8s, ...extra }) as Step;

describe("k8s steps and a silent API server", () => {
  it.each([
    ["pods", { action: "pods", selector: "app=api" }],
    ["rollout-status", { action: "rollout-status", deployment: "api" }],
    ["scale", { action: "scale", deployment: "api", replicas: 2 }],
  ] as Array<[string, K8sStep]>)("%s: timeout: is honoured, and the request is closed, not abandoned", async (_name, spec) => {
    const { silent, kube } = await silentCluster();
    const r = await runK8s(spec, k8sStep(spec, { timeout: "1s" }), context({}, { kube }));
    expect(r.status).toBe("timeout");
    expect(r.error).toBe("timed out after 1s: the Kubernetes API server did not answer");
    await waitFor(() => silent.connections() === 0, "the client to close its connection");
  });

  it("cancel (the abort signal) ends the waiting request at once", async () => {
    const { silent, kube } = await silentCluster();
    const ac = new AbortController();
    const rec = recorder();
    const spec: K8sStep = { action: "pods", selector: "app=api" };
    const running = runK8s(spec, k8sStep(spec), context({}, { kube }), { signal: ac.signal, onEvent: rec.onEvent });
    await waitFor(() => silent.accepted() > 0, "the request to reach the server");
    ac.abort();
    const r = await running;
    expect(r.status).toBe("cancelled");
    expect(rec.events.at(-1)).toMatchObject({ type: "exit" });
    await waitFor(() => silent.connections() === 0, "the client to close its connection");
  });

  it("a signal aborted before the step starts: cancelled without a request", async () => {
    const { silent, kube } = await silentCluster();
    const spec: K8sStep = { action: "pods", selector: "app=api" };
    const r = await runK8s(spec, k8sStep(spec), context({}, { kube }), { signal: AbortSignal.abort() });
    expect(r.status).toBe("cancelled");
    expect(silent.connections()).toBe(0);
  });
});

describe("the pod watch and a silent API server", () => {
  it("stop() closes the waiting list request", async () => {
    const { silent, kube } = await silentCluster();
    const errors: string[] = [];
    const w = watchPods(kube, "app=api", (s) => void (s.error && errors.push(s.error)));
    await waitFor(() => silent.connections() > 0, "the list request");
    w.stop();
    await waitFor(() => silent.connections() === 0, "the watch to close its connection");
    expect(errors).toEqual([]);
  });

  it("stop() closes a watch the server accepted and never answered", async () => {
    // Answers the list; holds the watch request open without a word.
    const held = new Set<ServerResponse>();
    const server = createServer((req, res) => {
      if (req.url?.includes("watch=true")) {
        held.add(res);
        res.on("close", () => held.delete(res));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "1" }, items: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => {
      server.closeAllConnections();
      server.close();
    });
    const dir = scratchDir(onTestFinished);
    const prepared = await prepareKube({ kubeconfig: writeKubeconfig(dir, `http://127.0.0.1:${(server.address() as AddressInfo).port}`), env: {} }, dir);
    if (!prepared.ok) throw new Error(prepared.message);
    const lists: number[] = [];
    const w = watchPods(prepared.target, "app=api", (s) => lists.push(s.items.length));
    await waitFor(() => lists.length > 0 && held.size > 0, "the list, then the watch request");
    w.stop();
    await waitFor(() => held.size === 0, "the watch connection to close");
  });
});

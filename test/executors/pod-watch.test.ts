/**
 * The cluster panel's pod watch against the real simulated cluster (HTTPS where credentials
 * matter): one plain list, then a watch from its resourceVersion, with the kubeconfig's TLS and
 * credentials honoured as kubectl does, and client-node never loaded for it.
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { isK8sLoaded } from "../../src/executors/k8s-client.js";
import { prepareKube } from "../../src/executors/kubeconfig.js";
import { watchPods, type PodsState } from "../../src/executors/pod-watch.js";
import { startKubeSandbox, type KubeSandbox } from "../../src/sandbox/index.js";
import { scratchDir } from "../helpers/cli.js";
import { closedPort, writeKubeconfig } from "../helpers/kube.js";
import { makePki, type TestPki } from "../helpers/pki.js";
import { startProxy } from "../helpers/proxy.js";

const TOKEN = "panel-token";

function pod(name: string, app = "api") {
  return {
    metadata: { name, namespace: "shop", labels: { app } },
    spec: { nodeName: "sandbox-node", containers: [{ name: "api", image: "shop/api:1.0" }] },
    status: { phase: "Running", containerStatuses: [{ name: "api", image: "shop/api:1.0", imageID: "", ready: true, started: true, restartCount: 0, state: { running: {} }, lastState: {} }] },
  };
}

async function tlsCluster(dir: string): Promise<{ pki: TestPki; sandbox: KubeSandbox }> {
  const pki = await makePki(dir);
  const sandbox = await startKubeSandbox({ tickMs: 0, tls: { cert: pki.pem.serverCert, key: pki.pem.serverKey, ca: pki.pem.caCert, tokens: [TOKEN] } });
  onTestFinished(() => sandbox.stop());
  sandbox.store.ensureNamespace("shop");
  sandbox.store.create("pods", pod("api-one"));
  sandbox.store.create("pods", pod("api-two"));
  sandbox.store.create("pods", pod("web-one", "web"));
  return { pki, sandbox };
}

/** A kubeconfig with the given cluster and user fields (YAML flow mappings), made private as the console does. */
async function target(dir: string, cluster: string, user: string) {
  const file = path.join(dir, "config");
  writeFileSync(file, ["apiVersion: v1", "kind: Config", "current-context: prod", "clusters:", `  - { name: prod, cluster: { ${cluster} } }`, "users:", `  - { name: oncall, user: { ${user} } }`, "contexts:", "  - { name: prod, context: { cluster: prod, user: oncall, namespace: shop } }", ""].join("\n"));
  const prepared = await prepareKube({ kubeconfig: file, env: {} }, dir);
  if (!prepared.ok) throw new Error(prepared.message);
  return prepared.target;
}

/** Follow the pods; `until` waits for a state the panel was given. */
function follow(kube: Awaited<ReturnType<typeof target>>, selector = "app=api") {
  const states: PodsState[] = [];
  const w = watchPods(kube, selector, (s) => states.push(s));
  onTestFinished(() => w.stop());
  const until = async (what: string, ok: (s: PodsState) => boolean): Promise<PodsState> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const s = states.at(-1);
      if (s && ok(s)) return s;
      if (Date.now() > deadline) throw new Error(`no ${what}; the last state was ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { states, until, stop: () => w.stop() };
}

const names = (s: PodsState) => s.items.map((p) => p.name);

describe("the pod watch over plain requests", () => {
  it("a token and a CA: lists the service's pods, then a pod that changes shows its change and a deleted pod disappears", async () => {
    const dir = scratchDir(onTestFinished);
    const { pki, sandbox } = await tlsCluster(dir);
    const w = follow(await target(dir, `server: "${sandbox.url}", certificate-authority: ${pki.caCert}`, `token: ${TOKEN}`));
    const listed = await w.until("list", (s) => !s.listing && s.items.length === 2);
    expect(names(listed)).toEqual(["api-one", "api-two"]);
    expect(listed).toMatchObject({ stale: false });
    expect(listed.error).toBeUndefined();
    sandbox.store.mutate("pods", "shop", "api-two", (p) => {
      const c = p.status.containerStatuses![0]!;
      c.ready = false;
      c.restartCount = 3;
      c.state = { waiting: { reason: "CrashLoopBackOff" } };
    });
    const changed = await w.until("the crash", (s) => s.items.some((p) => p.name === "api-two" && p.reason === "CrashLoopBackOff"));
    expect(changed.items.find((p) => p.name === "api-two")).toMatchObject({ ready: "0/1", restarts: 3 });
    sandbox.store.create("pods", pod("api-three"));
    await w.until("the new pod", (s) => names(s).includes("api-three"));
    // Its node stopped reporting: the Ready condition is Unknown while the containers' last statuses still say ready.
    sandbox.store.mutate("pods", "shop", "api-three", (p) => {
      p.status.conditions = [{ type: "Ready", status: "Unknown" }];
    });
    const unknown = await w.until("the unknown pod", (s) => s.items.some((p) => p.name === "api-three" && p.reason !== ""));
    expect(unknown.items.find((p) => p.name === "api-three")).toMatchObject({ ready: "1/1", reason: "ReadyUnknown" });
    // Deleted with a grace period: Terminating (not its last healthy look) until it is gone.
    sandbox.store.delete("pods", "shop", "api-one");
    const terminating = await w.until("terminating", (s) => s.items.some((p) => p.name === "api-one" && p.reason === "Terminating"));
    expect(terminating.items.find((p) => p.name === "api-one")).toMatchObject({ reason: "Terminating" });
    sandbox.store.delete("pods", "shop", "api-one", { gracePeriodSeconds: 0 });
    const after = await w.until("the deletion", (s) => !names(s).includes("api-one"));
    expect(names(after)).toEqual(["api-three", "api-two"]);
    // A pod of another service never shows.
    expect(w.states.some((s) => names(s).includes("web-one"))).toBe(false);
    expect(isK8sLoaded()).toBe(false);
  });

  it("a client certificate and key by path (no token) are presented to the server", async () => {
    const dir = scratchDir(onTestFinished);
    const { pki, sandbox } = await tlsCluster(dir);
    const w = follow(await target(dir, `server: "${sandbox.url}", certificate-authority: ${pki.caCert}`, `client-certificate: ${pki.clientCert}, client-key: ${pki.clientKey}`));
    expect(names(await w.until("list", (s) => !s.listing && s.items.length === 2))).toEqual(["api-one", "api-two"]);
    expect(isK8sLoaded()).toBe(false);
  });

  it("an exec plugin's token is used, through the same credentials code as the k8s steps", async () => {
    const dir = scratchDir(onTestFinished);
    const { pki, sandbox } = await tlsCluster(dir);
    const plugin = path.join(dir, "login.sh");
    writeFileSync(plugin, `#!/bin/sh\nprintf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${TOKEN}"}}'\n`);
    chmodSync(plugin, 0o755);
    const w = follow(await target(dir, `server: "${sandbox.url}", certificate-authority: ${pki.caCert}`, `exec: { apiVersion: client.authentication.k8s.io/v1, command: ${plugin}, interactiveMode: Never }`));
    expect(names(await w.until("list", (s) => !s.listing && s.items.length === 2))).toEqual(["api-one", "api-two"]);
  });

  it("an exec plugin runs once while the cluster is unreachable, and again after a 401 (its credential may have expired)", async () => {
    const dir = scratchDir(onTestFinished);
    const plugin = path.join(dir, "login.sh");
    writeFileSync(plugin, `#!/bin/sh\necho run >> "${dir}/runs"\nprintf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"stale"}}'\n`);
    chmodSync(plugin, 0o755);
    const runs = () => readFileSync(path.join(dir, "runs"), "utf8").trim().split("\n").length;
    const user = `exec: { apiVersion: client.authentication.k8s.io/v1, command: ${plugin}, interactiveMode: Never }`;
    const refused = follow(await target(dir, `server: "http://127.0.0.1:${await closedPort()}"`, user));
    await refused.until("three refusals", () => refused.states.filter((s) => s.error === "the cluster refused the connection").length >= 3);
    refused.stop();
    expect(runs()).toBe(1);
    const { pki, sandbox } = await tlsCluster(dir);
    const rejected = follow(await target(dir, `server: "${sandbox.url}", certificate-authority: ${pki.caCert}`, user));
    await rejected.until("two rejections", () => rejected.states.filter((s) => s.error?.includes("401")).length >= 2);
    rejected.stop();
    expect(runs()).toBeGreaterThanOrEqual(3);
  });

  it("a rejected token: one clear line, and no pods", async () => {
    const dir = scratchDir(onTestFinished);
    const { pki, sandbox } = await tlsCluster(dir);
    const w = follow(await target(dir, `server: "${sandbox.url}", certificate-authority: ${pki.caCert}`, "token: expired"));
    const s = await w.until("an error", (x) => x.error !== undefined);
    expect(s.error).toBe("the cluster rejected the credentials (401 Unauthorized): log in again or refresh the kubeconfig's token");
    expect(s.items).toEqual([]);
  });

  it("a server certificate the kubeconfig does not trust: says it is the TLS certificate", async () => {
    const dir = scratchDir(onTestFinished);
    const { sandbox } = await tlsCluster(dir);
    const w = follow(await target(dir, `server: "${sandbox.url}"`, `token: ${TOKEN}`));
    const s = await w.until("an error", (x) => x.error !== undefined);
    expect(s.error).toMatch(/^the cluster's TLS certificate was not accepted: /);
  });

  it("connection refused: says so", async () => {
    const dir = scratchDir(onTestFinished);
    const file = writeKubeconfig(dir, `http://127.0.0.1:${await closedPort()}`, { namespace: "shop" });
    const prepared = await prepareKube({ kubeconfig: file, env: {} }, dir);
    if (!prepared.ok) throw new Error(prepared.message);
    const w = follow(prepared.target);
    expect((await w.until("an error", (x) => x.error !== undefined)).error).toBe("the cluster refused the connection");
  });

  it("the cluster going away: the pods shown are marked stale (status unknown), beside the reason", async () => {
    const dir = scratchDir(onTestFinished);
    const { pki, sandbox } = await tlsCluster(dir);
    const w = follow(await target(dir, `server: "${sandbox.url}", certificate-authority: ${pki.caCert}`, `token: ${TOKEN}`));
    await w.until("list", (s) => !s.listing && s.items.length === 2);
    await sandbox.stop();
    const s = await w.until("stale pods", (x) => x.stale);
    expect(names(s)).toEqual(["api-one", "api-two"]);
    expect(s.error).toBeDefined();
  });
});

describe("a server that ends every watch at once", () => {
  it("is shown as an error and retried a second later, not reopened in a busy loop", async () => {
    let watches = 0;
    const server = createServer((req, res) => {
      if (req.url?.includes("watch=true")) {
        watches++;
        res.writeHead(200, { "content-type": "application/json" }).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "7" }, items: [pod("api-one")] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => {
      server.closeAllConnections();
      server.close();
    });
    const dir = scratchDir(onTestFinished);
    const prepared = await prepareKube({ kubeconfig: writeKubeconfig(dir, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, { namespace: "shop" }), env: {} }, dir);
    if (!prepared.ok) throw new Error(prepared.message);
    const w = follow(prepared.target);
    const s = await w.until("the error", (x) => x.error !== undefined);
    expect(s).toMatchObject({ error: "the cluster ended the watch as soon as it began", stale: true });
    expect(names(s)).toEqual(["api-one"]);
    expect(watches).toBeLessThanOrEqual(2);
  });
});

describe("a kubeconfig only client-node speaks", () => {
  it("proxy-url: the panel goes through client-node and the proxy", async () => {
    const dir = scratchDir(onTestFinished);
    const { pki, sandbox } = await tlsCluster(dir);
    const proxy = await startProxy();
    onTestFinished(() => proxy.stop());
    const w = follow(await target(dir, `server: "${sandbox.url}", certificate-authority: ${pki.caCert}, proxy-url: "${proxy.url}"`, `token: ${TOKEN}`));
    expect(names(await w.until("list", (s) => !s.listing && s.items.length === 2))).toEqual(["api-one", "api-two"]);
    expect(isK8sLoaded()).toBe(true);
    expect(proxy.seen.some((x) => x.startsWith("CONNECT 127.0.0.1:"))).toBe(true);
  });

  it("a rejected token through client-node: the same one clear line as over plain requests", async () => {
    const dir = scratchDir(onTestFinished);
    const { pki, sandbox } = await tlsCluster(dir);
    const proxy = await startProxy();
    onTestFinished(() => proxy.stop());
    const w = follow(await target(dir, `server: "${sandbox.url}", certificate-authority: ${pki.caCert}, proxy-url: "${proxy.url}"`, "token: expired"));
    const s = await w.until("an error", (x) => x.error !== undefined);
    expect(s.error).toBe("the cluster rejected the credentials (401 Unauthorized): log in again or refresh the kubeconfig's token");
    expect(s.items).toEqual([]);
  });
});

/**
 * The cluster panel reads the kubeconfig through the same client code as k8s steps: here a
 * tokenFile and a CA by paths relative to a kubeconfig in another directory, against the HTTPS
 * sandbox, listed and then watched live.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { prepareKube } from "../../src/executors/kubeconfig.js";
import { startKubeSandbox } from "../../src/sandbox/index.js";
import { ROOT, scratchDir } from "../helpers/cli.js";
import { makePki } from "../helpers/pki.js";
import { renderConsole } from "../helpers/ui.js";

function pod(name: string) {
  return {
    metadata: { name, namespace: "shop", labels: { app: "api" } },
    spec: { nodeName: "sandbox-node", containers: [{ name: "api", image: "shop/api:1.0" }] },
    status: { phase: "Running", containerStatuses: [{ name: "api", image: "shop/api:1.0", imageID: "", ready: true, started: true, restartCount: 0, state: { running: {} }, lastState: {} }] },
  };
}

describe("the cluster panel against a TLS cluster", () => {
  it("lists and watches the service's pods with a tokenFile and a CA relative to the kubeconfig", async () => {
    const dir = scratchDir(onTestFinished);
    const pki = await makePki(dir);
    const sandbox = await startKubeSandbox({ tickMs: 0, tls: { cert: pki.pem.serverCert, key: pki.pem.serverKey, ca: pki.pem.caCert, tokens: ["panel-token"] } });
    onTestFinished(() => sandbox.stop());
    sandbox.store.ensureNamespace("shop");
    sandbox.store.create("pods", pod("api-one"));
    const conf = path.join(dir, "conf");
    mkdirSync(conf);
    copyFileSync(pki.caCert, path.join(conf, "ca.crt"));
    writeFileSync(path.join(conf, "tok"), "panel-token\n");
    const file = path.join(conf, "config");
    writeFileSync(
      file,
      ["apiVersion: v1", "kind: Config", "current-context: prod", "clusters:", `  - { name: prod, cluster: { server: "${sandbox.url}", certificate-authority: ca.crt } }`, "users:", "  - { name: oncall, user: { tokenFile: tok } }", "contexts:", "  - { name: prod, context: { cluster: prod, user: oncall, namespace: shop } }", ""].join("\n"),
    );
    const prepared = await prepareKube({ kubeconfig: file, env: {} }, dir);
    if (!prepared.ok) throw new Error(prepared.message);
    const c = await renderConsole({ runbooksDir: path.join(ROOT, "test/fixtures/engine"), onCleanup: onTestFinished, kube: prepared.target });
    await c.controller.startIncident("walk", "high", { service: "api", participants: ["a"], marker: "none" });
    await c.waitFor("Assess › Say hello");
    await c.press("k");
    expect(await c.waitFor("api-one")).not.toContain("Unauthorized");
    // A pod made after the list arrives through the watch, over the same TLS and token.
    sandbox.store.create("pods", pod("api-two"));
    expect(await c.waitFor("api-two")).toContain("api-one");
  });

  it("a token the cluster rejects: the panel says so on one line, and shows no pods", async () => {
    const dir = scratchDir(onTestFinished);
    const pki = await makePki(dir);
    const sandbox = await startKubeSandbox({ tickMs: 0, tls: { cert: pki.pem.serverCert, key: pki.pem.serverKey, ca: pki.pem.caCert, tokens: ["panel-token"] } });
    onTestFinished(() => sandbox.stop());
    sandbox.store.ensureNamespace("shop");
    sandbox.store.create("pods", pod("api-one"));
    const file = path.join(dir, "config");
    writeFileSync(
      file,
      ["apiVersion: v1", "kind: Config", "current-context: prod", "clusters:", `  - { name: prod, cluster: { server: "${sandbox.url}", certificate-authority: ${pki.caCert} } }`, "users:", "  - { name: oncall, user: { token: expired-token } }", "contexts:", "  - { name: prod, context: { cluster: prod, user: oncall, namespace: shop } }", ""].join("\n"),
    );
    const prepared = await prepareKube({ kubeconfig: file, env: {} }, dir);
    if (!prepared.ok) throw new Error(prepared.message);
    const c = await renderConsole({ runbooksDir: path.join(ROOT, "test/fixtures/engine"), onCleanup: onTestFinished, kube: prepared.target });
    await c.controller.startIncident("walk", "high", { service: "api", participants: ["a"], marker: "none" });
    await c.waitFor("Assess › Say hello");
    await c.press("k");
    const frame = await c.waitFor("the cluster rejected the credentials (401 Unauthorized)");
    expect(frame).not.toContain("api-one");
  });

  it("a credential plugin that is not installed: the panel says so on one line, with its installHint", async () => {
    const dir = scratchDir(onTestFinished);
    const pki = await makePki(dir);
    const sandbox = await startKubeSandbox({ tickMs: 0, tls: { cert: pki.pem.serverCert, key: pki.pem.serverKey, ca: pki.pem.caCert, tokens: ["panel-token"] } });
    onTestFinished(() => sandbox.stop());
    const file = path.join(dir, "config");
    writeFileSync(
      file,
      ["apiVersion: v1", "kind: Config", "current-context: prod", "clusters:", `  - { name: prod, cluster: { server: "${sandbox.url}", certificate-authority: ca.crt } }`, "users:", "  - { name: oncall, user: { exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: handrail-missing-login, installHint: \"Ask for access in #platform\" } } }", "contexts:", "  - { name: prod, context: { cluster: prod, user: oncall, namespace: shop } }", ""].join("\n"),
    );
    const prepared = await prepareKube({ kubeconfig: file, env: {} }, dir);
    if (!prepared.ok) throw new Error(prepared.message);
    const c = await renderConsole({ runbooksDir: path.join(ROOT, "test/fixtures/engine"), onCleanup: onTestFinished, kube: prepared.target });
    await c.controller.startIncident("walk", "high", { service: "api", participants: ["a"], marker: "none" });
    await c.waitFor("Assess › Say hello");
    await c.press("k");
    // (The line wraps at the panel's width.)
    expect(await c.waitFor("handrail-missing-login not found — Ask for access")).toContain("#platform");
  });
});

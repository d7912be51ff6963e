/** The real kubectl and client-node against clusters that are down, silent or unknown: each a one-line diagnosis. */
import { symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { execute } from "../../src/executors/execute.js";
import { prepareKube } from "../../src/executors/kubeconfig.js";
import type { Step } from "../../src/runbooks/schema.js";
import { scratchDir } from "../helpers/cli.js";
import { closedPort, silentServer, writeKubeconfig } from "../helpers/kube.js";
import { context } from "../helpers/steps.js";

async function target(server: string) {
  const dir = scratchDir(onTestFinished);
  const prepared = await prepareKube({ kubeconfig: writeKubeconfig(dir, server), env: {} }, dir);
  if (!prepared.ok) throw new Error(prepared.message);
  return { dir, kube: prepared.target };
}

const kubectl = (script: string, extra: Partial<Step> = {}) => ({ id: "k", title: "kubectl", run: script, ...extra }) as Step;

describe("kube failures on-call meets", () => {
  it("server down: kubectl and client-node both say the server refused", async () => {
    const port = await closedPort();
    const { dir, kube } = await target(`http://127.0.0.1:${port}`);
    const ctx = context({}, { kube, env: { PATH: process.env.PATH, HOME: dir } });
    const r = await execute(kubectl(`kubectl get pods --cache-dir "${dir}/cache"`), ctx);
    expect(r.status).toBe("failed");
    expect(r.exitCode).toBe(1);
    expect(r.diagnosis).toMatchObject({ code: "cluster-unreachable", summary: `the Kubernetes API server at 127.0.0.1:${port} refused the connection` });
    expect(r.output.tail.map((t) => t.line).join("\n")).toContain("was refused - did you specify the right host or port?");

    const native = await execute({ id: "p", title: "pods", k8s: { action: "pods", selector: "app=api" } } as Step, ctx);
    expect(native.status).toBe("failed");
    expect(native.diagnosis).toMatchObject({ code: "cluster-unreachable", summary: `the Kubernetes API server at http://127.0.0.1:${port} refused the connection` });
  });

  it("a server that never answers: the step timeout covers kubectl's own long wait", async () => {
    const silent = await silentServer();
    onTestFinished(() => silent.close());
    const { dir, kube } = await target(`http://127.0.0.1:${silent.port}`);
    const r = await execute(kubectl(`kubectl get pods --request-timeout=1s --cache-dir "${dir}/cache"`, { timeout: "3s" }), context({}, { kube, env: { PATH: process.env.PATH, HOME: dir } }));
    expect(["timeout", "failed"]).toContain(r.status);
    if (r.status === "failed") expect(r.diagnosis?.code).toBe("cluster-timeout");
    else expect(r.error).toBe("timed out after 3s; the step's processes were ended");
  });

  it("an unknown context on the command line of a step", async () => {
    const port = await closedPort();
    const { dir, kube } = await target(`http://127.0.0.1:${port}`);
    const r = await execute(kubectl("kubectl --context prod-eu get pods"), context({}, { kube, env: { PATH: process.env.PATH, HOME: dir } }));
    expect(r.diagnosis).toMatchObject({ code: "unknown-context", summary: 'no context named "prod-eu" in the kubeconfig' });
  });

  it("kubectl not installed: exit 127 and what to install", async () => {
    // A PATH holding bash and nothing else (on merged-/usr systems /bin holds kubectl too).
    const bin = scratchDir(onTestFinished);
    symlinkSync("/bin/bash", path.join(bin, "bash"));
    const r = await execute(kubectl("kubectl get pods"), context({}, { env: { PATH: bin } }));
    expect(r.exitCode).toBe(127);
    expect(r.diagnosis).toMatchObject({ code: "command-not-found", summary: "kubectl is not installed or not on PATH" });
    expect(r.diagnosis?.hint).toContain("Install kubectl");
  });
});

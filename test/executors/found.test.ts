/**
 * `found:` on every step kind: evaluated over the same output as `expect` (the whole of it), the
 * outcome named `found.…`, the status `found` only when every found check held and no expect
 * check failed. A found never turns a failed step green; a timeout or a cancel stays what it is.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execute } from "../../src/executors/execute.js";
import { prepareKube } from "../../src/executors/kubeconfig.js";
import type { ExecContext } from "../../src/executors/types.js";
import type { Step } from "../../src/runbooks/schema.js";
import { startKubeSandbox, type KubeSandbox } from "../../src/sandbox/index.js";
import { context, runStep } from "../helpers/steps.js";

describe("found on run steps (real bash)", () => {
  const run = (script: string, extra: Partial<Step>) => execute(runStep(script, extra), context());

  it("the symptom seen: found, with the found outcomes apart from the expectations", async () => {
    const r = await run("echo 'api-1 0/1 CrashLoopBackOff'", { found: { stdout: { contains: "CrashLoopBackOff" } } });
    expect(r.status).toBe("found");
    expect(r.expectations).toEqual([{ check: "exitCode", passed: true }]);
    expect(r.found).toEqual([{ check: "found.stdout.contains", passed: true }]);
    expect(r.diagnosis).toBeUndefined();
  });

  it("the symptom absent: passed, the found outcome saying why", async () => {
    const r = await run("echo 'api-1 1/1 Running'", { found: { stdout: { contains: "CrashLoopBackOff" } } });
    expect(r.status).toBe("passed");
    expect(r.found).toEqual([{ check: "found.stdout.contains", passed: false, reason: 'stdout does not contain "CrashLoopBackOff"' }]);
  });

  it("a failed expect stays failed when the found holds (the default exit-code-0 expectation too)", async () => {
    const r = await run("echo CrashLoopBackOff; exit 3", { found: { stdout: { contains: "CrashLoopBackOff" } } });
    expect(r.status).toBe("failed");
    expect(r.expectations).toEqual([{ check: "exitCode", passed: false, reason: "exit code 3, expected 0" }]);
    expect(r.found).toEqual([{ check: "found.stdout.contains", passed: true }]);
    const s = await run("echo ERROR; echo 5", { expect: { stdout: { max: 1 } }, found: { stdout: { contains: "ERROR" } } });
    expect(s.status).toBe("failed");
  });

  it("every found check must hold: exit code and stderr too", async () => {
    const grep = { expect: { exitCode: [0, 1] }, found: { exitCode: 0, stderr: { contains: "warning" } } };
    expect((await run("echo warning >&2; exit 0", grep)).status).toBe("found");
    expect((await run("echo warning >&2; exit 1", grep)).status).toBe("passed");
    expect((await run("exit 0", grep)).status).toBe("passed");
  });

  it("the symptom past the first MiB of output is found", async () => {
    const r = await run("seq 1 300000; echo OOMKilled", { found: { stdout: { matches: "^OOMKilled$" } } });
    expect(r.status).toBe("found");
  });

  it("a timeout stays a timeout, with no found outcome", async () => {
    const r = await run("echo CrashLoopBackOff; sleep 1000", { timeout: "1s", found: { stdout: { contains: "CrashLoopBackOff" } } });
    expect(r.status).toBe("timeout");
    expect(r.found).toBeUndefined();
  });

  it("a found pattern stopped at the deadline does not hold", async () => {
    const r = await run("printf 'a%.0s' $(seq 1 40); echo '!'", { found: { stdout: { matches: "^(a+)+$" } } });
    expect(r.status).toBe("passed");
    expect(r.found?.[0]).toMatchObject({ check: "found.stdout.matches", passed: false });
    expect(r.found?.[0]?.reason).toContain("was stopped");
  });
});

describe("found on http steps (a server on 127.0.0.1)", () => {
  let server: Server;
  let base = "";
  beforeAll(async () => {
    server = createServer((req, res) => {
      const degraded = req.url === "/degraded";
      res.writeHead(degraded ? 503 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: degraded ? "degraded" : "healthy", data: { result: [{ value: [1700000000, "+Inf"] }] } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const http = (url: string, extra: Partial<Step>) => ({ id: "h", title: "check", http: { url }, ...extra }) as Step;

  it("found on the body, on JSON and on the status, each as expect would check it", async () => {
    const r = await execute(http(`${base}/degraded`, { expect: { status: [200, 503] }, found: { status: 503, json: { path: "status", equals: "degraded" }, stdout: { contains: "degraded" } } }), context());
    expect(r.status).toBe("found");
    expect(r.found?.map((f) => f.check)).toEqual(["found.status", "found.stdout.contains", "found.json status equals"]);
  });

  it("a found adds no default status check; an unmet found is passed", async () => {
    const r = await execute(http(`${base}/ok`, { found: { json: { path: "status", equals: "degraded" } } }), context());
    expect(r.status).toBe("passed");
    expect(r.found).toEqual([{ check: "found.json status equals", passed: false, reason: 'status is "\\"healthy\\"", expected "degraded"' }]);
  });

  it("a 503 fails the default 2xx expectation even when the found holds", async () => {
    const r = await execute(http(`${base}/degraded`, { found: { json: { path: "status", equals: "degraded" } } }), context());
    expect(r.status).toBe("failed");
  });

  it("a Prometheus +Inf sample is a number to a found's min", async () => {
    const r = await execute(http(`${base}/ok`, { found: { json: { path: "data.result[0].value[1]", min: 100 } } }), context());
    expect(r.status).toBe("found");
  });
});

describe("found on k8s steps (the simulated cluster)", () => {
  let sandbox: KubeSandbox;
  let dir: string;
  let ctx: ExecContext;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "handrail-found-"));
    sandbox = await startKubeSandbox({ tickMs: 50 });
    sandbox.store.createDeployment({ namespace: "shop", name: "api", image: "shop/api:1.0", replicas: 2, labels: { app: "api" } });
    const kubeconfig = await sandbox.writeKubeconfig(dir, { context: "sandbox", namespace: "shop" });
    const prepared = await prepareKube({ kubeconfig, env: {} }, dir);
    if (!prepared.ok) throw new Error(prepared.message);
    ctx = context({ service: "api" }, { kube: prepared.target, env: { PATH: process.env.PATH, HOME: dir } });
    // Wait for the pods to run (a condition, not a sleep).
    const ready = await execute({ id: "r", title: "ready", k8s: { action: "rollout-status", deployment: "api" }, timeout: "30s" } as Step, ctx);
    if (ready.status !== "passed") throw new Error(`the sandbox deployment did not roll out: ${ready.status}`);
  });
  afterAll(async () => {
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const pods = (selector: string, extra: Partial<Step>) => ({ id: "k", title: "pods", k8s: { action: "pods", selector }, ...extra }) as Step;

  it("found over the action's output; passed when the symptom is absent", async () => {
    const running = await execute(pods("app=$service", { found: { stdout: { matches: "^api-\\S+\\s+1/1\\s+Running" } } }), ctx);
    expect(running.status).toBe("found");
    expect(running.found).toEqual([{ check: "found.stdout.matches", passed: true }]);
    const crash = await execute(pods("app=$service", { found: { stdout: { contains: "CrashLoopBackOff" } } }), ctx);
    expect(crash.status).toBe("passed");
  });

  it("the action's own failure stays failed when the found holds", async () => {
    const r = await execute(pods("app=nothing", { found: { stdout: { contains: "No pods match" } } }), ctx);
    expect(r.status).toBe("failed");
    expect(r.found).toEqual([{ check: "found.stdout.contains", passed: true }]);
  });
});

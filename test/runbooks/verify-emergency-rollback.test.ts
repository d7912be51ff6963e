/**
 * The emergency-rollback runbook's verification steps that once passed while what they check was
 * broken, each run as a walk runs it (its own script in real bash, its own expect): against a broken
 * state and a healthy one. External CLIs are the real kubectl against the simulated cluster, the real
 * psql against a private PostgreSQL, or, for canned `kubectl get pods` / `kubectl logs` output, a
 * small kubectl on PATH that prints it.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { execute } from "../../src/executors/execute.js";
import { prepareKube } from "../../src/executors/kubeconfig.js";
import type { KubeTarget, StepResult } from "../../src/executors/types.js";
import { checkInputValue } from "../../src/runbooks/inputs.js";
import type { Runbook, Step } from "../../src/runbooks/schema.js";
import { startKubeSandbox, type KubeSandbox } from "../../src/sandbox/index.js";
import { ROOT, scratchDir } from "../helpers/cli.js";
import { shippedRunbook, stepById } from "../helpers/drill-incident.js";
import { PG_PASSWORD, sharedPostgres } from "../helpers/postgres.js";

const runbook: Runbook = await shippedRunbook("emergency-rollback");

const step = (id: string): Step => stepById(runbook, id);

interface Ran {
  status: StepResult["status"];
  out: string;
  result: StepResult;
}

interface RunOptions {
  vars?: Record<string, string>;
  /** Directories put before PATH (a kubectl that prints canned output). */
  path?: string[];
  env?: Record<string, string>;
  kube?: KubeTarget;
  cwd?: string;
  /** Called with the output so far, each time more arrives. */
  onOutput?: (text: string) => void;
}

const BASE_VARS = { service: "api", namespace: "shop", db_pod: "postgres-0", database: "app", table: "events", incident_id: "verify-test", severity: "critical", runbook_id: "emergency-rollback" };

async function run(id: string, opts: RunOptions = {}): Promise<Ran> {
  let seen = "";
  const env = { PATH: [...(opts.path ?? []), process.env.PATH ?? ""].join(":"), HOME: opts.cwd ?? ROOT, ...opts.env };
  const result = await execute(
    step(id),
    { vars: { ...BASE_VARS, ...opts.vars }, env, cwd: opts.cwd ?? ROOT, ...(opts.kube ? { kube: opts.kube } : {}) },
    {
      onEvent: (e) => {
        if (e.type !== "data") return;
        seen += e.chunk.toString();
        opts.onOutput?.(seen);
      },
    },
  );
  return { status: result.status, out: result.output.tail.map((t) => t.line).join("\n"), result };
}

/** A directory holding an executable `kubectl` with this bash body. */
function fakeKubectl(dir: string, body: string): string {
  const bin = path.join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, "kubectl"), `#!/bin/bash\n${body}\n`);
  chmodSync(path.join(bin, "kubectl"), 0o755);
  return bin;
}

describe("all-pods: a pod that restarted minutes ago fails, one that restarted days ago does not", () => {
  // Columns as kubectl 1.32 prints them.
  const table = (rows: string[]) => ["NAME                   READY   STATUS    RESTARTS       AGE", ...rows].join("\n");
  const podsSaying = async (restarts: string) => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "pods.txt"), `${table([`gateway-6d4b9c7f8-x2kq9   1/1     Running   0              5d`, `api-7c9d8b6f5-abcde      1/1     Running   ${restarts.padEnd(14)} 20m`])}\n`);
    return run("all-pods", { path: [fakeKubectl(dir, `cat "${path.join(dir, "pods.txt")}"`)] });
  };

  it.each(["6 (12s ago)", "1 (119s ago)", "3 (2m ago)", "4 (3m10s ago)", "9 (9m59s ago)"])("a restart %s, the pod Ready again: failed", async (restarts) => {
    const r = await podsSaying(restarts);
    expect(r.status, r.out).toBe("failed");
    expect(r.result.expectations.find((e) => !e.passed)?.reason).toContain("api-7c9d8b6f5-abcde");
  });

  it.each(["0", "2 (5d ago)", "1 (10m ago)", "5 (45m ago)", "7 (3h10m ago)"])("restarts %s: passed", async (restarts) => {
    const r = await podsSaying(restarts);
    expect(r.status, r.out).toBe("passed");
  });

  it("against the real kubectl: a pod whose container restarted 30 s ago fails; 3 days ago passes", async () => {
    const sandbox = await startKubeSandbox({ tickMs: 0 });
    onTestFinished(() => sandbox.stop());
    const { store } = sandbox;
    store.createDeployment({ namespace: "shop", name: "api", image: "shop/api:1.0", replicas: 2 });
    store.tickUntil(() => store.listPods("shop").filter((p) => p.status.containerStatuses?.every((c) => c.ready)).length === 2);
    const dir = scratchDir(onTestFinished);
    const kube = await kubeTarget(sandbox, dir);
    const [victim] = store.listPods("shop").map((p) => p.metadata.name);
    const restartedAgo = (seconds: number) =>
      store.mutate("pods", "shop", victim!, (pod) => {
        const c = pod.status.containerStatuses![0]!;
        c.restartCount = 4;
        c.lastState = { terminated: { exitCode: 1, reason: "Error", startedAt: store.timestamp(-seconds - 20), finishedAt: store.timestamp(-seconds) } };
      });
    restartedAgo(30);
    const recent = await run("all-pods", { kube, cwd: dir });
    expect(recent.out).toMatch(new RegExp(`^${victim} +1/1 +Running +4 \\(3\\ds ago\\) `, "m"));
    expect(recent.status, recent.out).toBe("failed");
    restartedAgo(3 * 86_400);
    const old = await run("all-pods", { kube, cwd: dir });
    expect(old.out).toMatch(new RegExp(`^${victim} +1/1 +Running +4 \\(3d ago\\) `, "m"));
    expect(old.status, old.out).toBe("passed");
  }, 30_000);
});

async function kubeTarget(sandbox: KubeSandbox, dir: string): Promise<KubeTarget> {
  const kubeconfig = await sandbox.writeKubeconfig(dir, { context: "sandbox", namespace: "shop" });
  const prepared = await prepareKube({ kubeconfig, env: {} }, dir);
  if (!prepared.ok) throw new Error(prepared.message);
  return prepared.target;
}

describe("the service check (rollout-status, recovery-status, available): no restart during the soak", () => {
  let sandbox: KubeSandbox;
  beforeAll(async () => {
    sandbox = await startKubeSandbox({ tickMs: 50 });
  });
  afterAll(async () => sandbox?.stop());

  /** A fresh namespace with api on 3 ready pods, and a runner for the service check in it. */
  async function healthyService(namespace: string) {
    const { store } = sandbox;
    store.createDeployment({ namespace, name: "api", image: "shop/api:1.0", replicas: 3 });
    store.tickUntil(() => store.listPods(namespace).filter((p) => p.status.containerStatuses?.every((c) => c.ready)).length === 3);
    const dir = scratchDir(onTestFinished);
    const kube = await kubeTarget(sandbox, dir);
    const pods = store.listPods(namespace).map((p) => p.metadata.name);
    return { pods, check: (id: string, opts: Omit<RunOptions, "kube" | "cwd"> = {}) => run(id, { ...opts, vars: { namespace, soak_seconds: "2", ...opts.vars }, kube, cwd: dir }) };
  }

  /** Do `change` once the check has read the pods and is waiting out the soak. */
  const duringSoak = (change: () => void) => {
    let done = false;
    return (text: string) => {
      if (done || !text.includes("watching the pods of api")) return;
      done = true;
      change();
    };
  };

  it("a container that crashes after the rollout reported success: failed, naming the pod", async () => {
    const { pods, check } = await healthyService("soak-restart");
    const victim = pods[1]!;
    const r = await check("available", {
      onOutput: duringSoak(() =>
        sandbox.store.mutate("pods", "soak-restart", victim, (pod) => {
          pod.status.containerStatuses![0]!.restartCount++;
        }),
      ),
    });
    expect(r.out).toContain("3/3 pods of api ready on shop/api:1.0, 0 on another image");
    expect(r.status, r.out).toBe("failed");
    expect(r.out).toContain(`restarted, gone or no longer ready during the 2s soak: ${victim}`);
  }, 30_000);

  it("a pod deleted during the soak (replaced by the replica set): failed, naming it", async () => {
    const { pods, check } = await healthyService("soak-gone");
    const victim = pods[0]!;
    const r = await check("rollout-status", { onOutput: duringSoak(() => sandbox.store.delete("pods", "soak-gone", victim, { gracePeriodSeconds: 0 })) });
    expect(r.status, r.out).toBe("failed");
    expect(r.out).toContain(`restarted, gone or no longer ready during the 2s soak: ${victim}`);
  }, 30_000);

  it("every pod up and unchanged through the soak: passed, after waiting the soak out", async () => {
    const { check } = await healthyService("soak-healthy");
    const r = await check("recovery-status");
    expect(r.status, r.out).toBe("passed");
    expect(r.out).toContain("no pod of api restarted, went or stopped being ready in 2s");
    expect(r.result.durationMs).toBeGreaterThanOrEqual(2_000);
  }, 30_000);

  it("the soak is an input of a minute by default, at most the 300 s every service check's timeout has room for", () => {
    const soak = runbook.inputs!.soak_seconds!;
    expect(soak).toMatchObject({ type: "int", default: 60 });
    expect(checkInputValue(soak, "300")).toEqual({ ok: true, value: "300" });
    for (const bad of ["301", "-1", "60s", "1m"]) expect(checkInputValue(soak, bad).ok, bad).toBe(false);
    // 300 s of rollout wait, 300 s of soak, a minute for the reads.
    for (const id of ["rollout-status", "train-service-status", "recovery-status", "available"]) expect(step(id).timeout, id).toBe("11m");
  });
});

describe("errors-after: error lines in any case, from every pod of the service", () => {
  /** A kubectl that lists one pod and prints `logs` as the logs of the service (exit `logsExit`). */
  function kubectlWithLogs(logs: string, logsExit = 0): string {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "logs.txt"), logs);
    return fakeKubectl(
      dir,
      [
        'case "$1" in',
        "  get) echo pod/api-7c9d8b6f5-abcde ;;",
        `  logs) cat "${path.join(dir, "logs.txt")}"; ${logsExit === 0 ? "" : `echo 'error: You must be logged in to the server (Unauthorized)' >&2; exit ${logsExit}`} ;;`,
        "  *) exit 2 ;;",
        "esac",
      ].join("\n"),
    );
  }

  it.each([
    ['a JSON logger\'s "level":"error": failed, with the count', ['{"level":"info","msg":"listening on :8080"}', '{"level":"error","msg":"upstream payments refused the connection"}', '{"level":"error","msg":"order 42 not saved"}'], "failed", 2],
    ["logfmt level=Error and a bracketed [error]: failed; words that only contain 'error' do not count", ["ts=1 level=Error msg=timeout", "[error] cache miss storm", "INFO errors_total=0 error_rate=0", "INFO 0 errors in the last minute"], "failed", 2],
    ["clean logs: passed with 0 (grep finding nothing does not fail the step)", ["INFO listening on :8080", "INFO GET /healthz 200 3ms", "INFO errors_total=0"], "passed", 0],
  ] as const)("%s", async (_name, lines, status, count) => {
    const r = await run("errors-after", { path: [kubectlWithLogs([...lines, ""].join("\n"))] });
    expect(r.status, r.out).toBe(status);
    expect(r.out).toMatch(new RegExp(`^${count}$`, "m"));
  });

  it("logs that cannot be read: failed, not 0 errors", async () => {
    const r = await run("errors-after", { path: [kubectlWithLogs("", 1)] });
    expect(r.status, r.out).toBe("failed");
    expect(r.out).toContain("Unauthorized");
  });

  describe("against the real kubectl and the simulated cluster", () => {
    let sandbox: KubeSandbox;
    let kube: KubeTarget;
    let dir: string;
    beforeAll(async () => {
      sandbox = await startKubeSandbox({ tickMs: 0 });
      const { store } = sandbox;
      store.createDeployment({ namespace: "shop", name: "api", image: "shop/api:1.0", replicas: 3 });
      store.tickUntil(() => store.listPods("shop").filter((p) => p.status.containerStatuses?.every((c) => c.ready)).length === 3);
      dir = scratchDir(afterAll);
      kube = await kubeTarget(sandbox, dir);
    });
    afterAll(async () => sandbox?.stop());

    it("an error in one pod's logs, 20 lines before its end: failed, whichever pod kubectl logs deployment/… would read", async () => {
      const { store } = sandbox;
      for (const pod of store.listPods("shop")) for (let i = 0; i < 20; i++) store.appendLog("shop", pod.metadata.name, `INFO GET /orders/${i} 200 4ms`);
      const healthy = await run("errors-after", { kube, cwd: dir });
      expect(healthy.status, healthy.out).toBe("passed");
      expect(healthy.out).toMatch(/^0$/m);
      // kubectl reads only the last 10 lines of each pod with -l unless told: the error is further up.
      const pods = store.listPods("shop").map((p) => p.metadata.name);
      store.appendLog("shop", pods[2]!, 'level=error msg="payment provider timed out"');
      for (let i = 0; i < 20; i++) store.appendLog("shop", pods[2]!, `INFO GET /orders/${i} 200 4ms`);
      const broken = await run("errors-after", { kube, cwd: dir });
      expect(broken.status, broken.out).toBe("failed");
      expect(broken.out).toMatch(/^1$/m);
    }, 30_000);

    it("no pod of the service at all: failed (kubectl logs -l finds nothing and exits 0)", async () => {
      const r = await run("errors-after", { kube, cwd: dir, vars: { service: "billing" } });
      expect(r.status, r.out).toBe("failed");
      expect(r.out).toContain("no pod of billing in shop: no logs to count errors in");
    }, 30_000);
  });
});

describe("db-integrity and data-count: the count itself must be at least 1", () => {
  const pg = sharedPostgres({
    init: false,
    setup: async (server) => {
      await server.psql("CREATE DATABASE app");
      await server.psql("CREATE TABLE events (id serial primary key, body text)", "app");
    },
  });

  /** A kubectl whose exec runs the command here, against the test's PostgreSQL instead of the pod's. */
  function execHere(): RunOptions {
    const dir = scratchDir(onTestFinished);
    const bin = fakeKubectl(dir, '[ "$1" = exec ] || exit 2\nwhile [ $# -gt 0 ] && [ "$1" != -- ]; do shift; done\nshift\nexec "$@"');
    const { port } = pg.server;
    return { path: [bin], env: { PGHOST: "127.0.0.1", PGPORT: String(port), PGUSER: "postgres", PGPASSWORD: PG_PASSWORD } };
  }

  it("an empty table: both fail; rows in it: both pass with the count", async (t) => {
    const server = pg.need(t);
    await server.psql("TRUNCATE events", "app");
    for (const id of ["db-integrity", "data-count"]) {
      const r = await run(id, execHere());
      expect(r.status, `${id}: ${r.out}`).toBe("failed");
      expect(r.out).toMatch(/^0$/m);
      expect(r.result.expectations.find((e) => !e.passed)?.reason).toBe("stdout 0 is below the minimum 1");
    }
    await server.psql("INSERT INTO events (body) VALUES ('a'), ('b'), ('c')", "app");
    for (const id of ["db-integrity", "data-count"]) {
      const r = await run(id, execHere());
      expect(r.status, `${id}: ${r.out}`).toBe("passed");
      expect(r.out).toMatch(/^3$/m);
    }
  }, 30_000);

  it("a table that is not there: failed (psql's error)", async (t) => {
    pg.need(t);
    const r = await run("db-integrity", { ...execHere(), vars: { table: "no_such_table" } });
    expect(r.status).toBe("failed");
    expect(r.out).toContain('relation "no_such_table" does not exist');
  }, 30_000);
});

describe("verify-image: the deployment runs the image the previous configuration names", () => {
  let sandbox: KubeSandbox;
  let kube: KubeTarget;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startKubeSandbox({ tickMs: 0 });
    sandbox.store.createDeployment({ namespace: "shop", name: "api", image: "shop/api:2.0-bad", replicas: 1 });
    dir = scratchDir(afterAll);
    kube = await kubeTarget(sandbox, dir);
  });
  afterAll(async () => sandbox?.stop());

  /** A previous configuration: a Service, the Deployment api on `image`, and another Deployment. */
  function previousConfig(name: string, image: string): string {
    const deployment = (n: string, img: string) =>
      ["apiVersion: apps/v1", "kind: Deployment", `metadata: { name: ${n} }`, "spec:", `  selector: { matchLabels: { app: ${n} } }`, "  template:", `    metadata: { labels: { app: ${n} } }`, "    spec:", `      containers: [{ name: ${n}, image: "${img}", imagePullPolicy: IfNotPresent }]`].join("\n");
    const text = ["apiVersion: v1", "kind: Service", "metadata: { name: api }", "spec: { selector: { app: api }, ports: [{ port: 80, targetPort: 8080 }] }", "---", deployment("worker", "shop/worker:2.0-bad"), "---", deployment("api", image), ""].join("\n");
    writeFileSync(path.join(dir, name), text);
    return name;
  }

  it("the configuration names shop/api:1.4.2, the deployment still runs 2.0-bad: failed, saying both", async () => {
    const r = await run("verify-image", { kube, cwd: dir, vars: { previous_config: previousConfig("previous.yaml", "shop/api:1.4.2") } });
    expect(r.status, r.out).toBe("failed");
    expect(r.out).toContain("api runs shop/api:2.0-bad, not shop/api:1.4.2 as previous.yaml says");
  }, 30_000);

  it("the deployment runs what the configuration names: passed", async () => {
    const r = await run("verify-image", { kube, cwd: dir, vars: { previous_config: previousConfig("current.yaml", "shop/api:2.0-bad") } });
    expect(r.status, r.out).toBe("passed");
    expect(r.out).toContain("api runs shop/api:2.0-bad; current.yaml says shop/api:2.0-bad");
  }, 30_000);

  it("a configuration without the service's Deployment, or no file at all: failed", async () => {
    writeFileSync(path.join(dir, "other.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: api }\ndata: { a: b }\n");
    const none = await run("verify-image", { kube, cwd: dir, vars: { previous_config: "other.yaml" } });
    expect(none.status, none.out).toBe("failed");
    expect(none.out).toContain("other.yaml has no Deployment named api");
    const missing = await run("verify-image", { kube, cwd: dir, vars: { previous_config: "missing.yaml" } });
    expect(missing.status, missing.out).toBe("failed");
    expect(missing.out).toContain('the path "missing.yaml" does not exist');
  }, 30_000);
});

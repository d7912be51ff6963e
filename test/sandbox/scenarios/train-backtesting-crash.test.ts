/**
 * The release-train drill's world: the real kubectl and curl against it. The platform API follows
 * the cluster (backtesting is unhealthy exactly while its pods crash), a released backtesting never
 * finishes its rollout, the registry has no build nobody pushed, and only a rollback of every
 * released participant makes it healthy. The tests run in order, each from the state the previous
 * one left.
 */
import { execa } from "execa";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDrill, type Drill } from "../../../src/sandbox/drill.js";
import { trainApi, trainBacktestingCrash } from "../../../src/sandbox/scenarios/train-backtesting-crash.js";
import { imageOf, OLD_VERSIONS, TRAIN_NAMESPACE } from "../../../src/sandbox/scenarios/train-catalog.js";
import { waitForStore } from "../harness.js";

let d: Drill;
beforeAll(async () => {
  d = await startDrill(trainBacktestingCrash, { tickMs: 50 });
});
afterAll(async () => d?.stop());

async function sh(script: string, timeoutMs = 60_000) {
  const r = await execa("bash", ["-c", script], {
    reject: false,
    cwd: d.world.dir,
    env: { PATH: process.env.PATH, HOME: d.world.dir, KUBECONFIG: d.kubeconfig, ...d.world.env, api_url: String(d.inputs.api_url), namespace: TRAIN_NAMESPACE },
    extendEnv: false,
    timeout: timeoutMs,
  });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

async function api(pathname: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${String(d.inputs.api_url)}${pathname}`);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

const healthy = () => (trainBacktestingCrash.health(d.world) as { healthy: boolean; detail: string });

describe("release-train drill: backtesting 2.0.0 crash-loops", () => {
  it("starts with the train scheduled: participants running their old versions, gates passing, files in place", async () => {
    expect(d.inputs).toMatchObject({ train: "Q4-curve-upgrade", version: "2.0.0", namespace: "platform", participants: ["curve", "backtesting", "scenario"] });
    // Why the train would be rolled back is the operator's finding: the drill does not supply it.
    expect(d.inputs).not.toHaveProperty("rollback_reason");
    const pods = await sh('kubectl get pods -n "$namespace" --no-headers | grep -c " 1/1 *Running "');
    expect(pods.stdout.trim()).toBe("9");
    const grep = await sh('grep -iF -A 25 "name: Q4-curve-upgrade" catalog/release-trains.yaml');
    expect(grep.exitCode).toBe(0);
    expect(grep.stdout).toContain("- backtesting");
    expect(grep.stdout).toContain("- custom: security_scan_clean");
    expect(readFileSync(path.join(d.world.dir, "config/upgrade-policies.yaml"), "utf8")).toContain("max_failure_rate: 5");
    const quality = await sh('for s in curve backtesting scenario; do curl -fsS "$api_url/api/v1/services/$s/status" | jq -er ".quality_score, .critical_vulns, .coverage, .security_scan_clean, .health_status"; done');
    expect(quality.stdout.split("\n")).toEqual(["91", "0", "84", "true", "healthy", "86", "0", "79", "true", "healthy", "88", "0", "81", "true", "healthy"]);
    expect((await api("/api/v1/monitoring/health/backtesting")).status).toBe(200);
    // Nothing released yet: not an incident that was handled.
    expect(healthy()).toEqual({ healthy: false, detail: "train Q4-curve-upgrade was never released: nothing was tried, nothing rolled back" });
    expect((await api("/api/v1/release-trains/Q4-curve-upgrade/rollback/status")).status).toBe(404);
  });

  it("registers the train and follows its status", async () => {
    const create = await sh(`jq -n '{name: "Q4-curve-upgrade", target_version: "2.0.0", participants: ["curve","backtesting","scenario"]}' | curl -fsS -X POST "$api_url/api/v1/release-trains" -H "Content-Type: application/json" --data @-`);
    expect(create.exitCode).toBe(0);
    expect((await sh(`curl -fsS -X PUT "$api_url/api/v1/release-trains/Q4-curve-upgrade" -d '{"status": "executing"}'`)).exitCode).toBe(0);
    const status = await api("/api/v1/release-trains/Q4-curve-upgrade/status");
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ status: "executing", progress: { released: 0, total: 3 } });
    // A second create is refused, as the runbook's description says.
    expect((await sh(`curl -fsS -X POST "$api_url/api/v1/release-trains" -d '{"name":"Q4-curve-upgrade","target_version":"2.0.0","participants":[]}'`)).exitCode).toBe(22);
  });

  it("curve 2.0.0 rolls out and stays healthy", async () => {
    const r = await sh('kubectl set image deployment/curve -n "$namespace" "curve=registry.254carbon.local/platform/curve:2.0.0" && kubectl rollout status deployment/curve -n "$namespace" --timeout=60s');
    expect(r.exitCode).toBe(0);
    const s = await api("/api/v1/services/curve/status");
    expect(s.body).toMatchObject({ version: "2.0.0", health_status: "healthy" });
    expect(healthy().healthy).toBe(false);
  });

  it("backtesting 2.0.0 crash-loops: its rollout fails at the progress deadline, the API reports it unhealthy", async () => {
    const set = await sh('kubectl set image deployment/backtesting -n "$namespace" "backtesting=registry.254carbon.local/platform/backtesting:2.0.0"');
    expect(set.exitCode).toBe(0);
    const rollout = await sh('kubectl rollout status deployment/backtesting -n "$namespace" --timeout=300s');
    expect(rollout.exitCode).toBe(1);
    expect(rollout.stderr).toContain('deployment "backtesting" exceeded its progress deadline');
    const health = await api("/api/v1/monitoring/health/backtesting");
    expect(health.status).toBe(503);
    expect(String(health.body.reason)).toMatch(/CrashLoopBackOff|Error|NotReady/);
    const perf = await sh('curl -fsS "$api_url/api/v1/monitoring/performance/backtesting" | jq -er .failure_rate');
    expect(Number(perf.stdout)).toBeGreaterThan(5);
    expect((await api("/api/v1/services/backtesting/status")).body.health_status).toBe("unhealthy");
    const crashing = d.world.kube.store.podsOf(TRAIN_NAMESPACE, "backtesting").find((p) => p.spec.containers[0]?.image.endsWith(":2.0.0"));
    const logs = await sh(`kubectl logs ${crashing?.metadata.name ?? "missing"} -n "$namespace" --all-containers --tail=100`);
    expect(logs.stdout).toContain("ERROR curve client: GET /api/v2/curves/snapshot: 404 Not Found");
    const monitoring = await sh('grep -inE "error|warn" analysis/reports/release_monitoring.log');
    expect(monitoring.stdout).toContain("ERROR backtesting unhealthy");
    expect(healthy().detail).toMatch(/backtesting 0\/3 ready on registry\.254carbon\.local\/platform\/backtesting:2\.0\.0, 1 (CrashLoopBackOff|Error|NotReady) \(3 pods still on 1\.6\.3\)/);
  });

  it("rolling back only the failing participant leaves the train half released", async () => {
    const r = await sh('kubectl rollout undo deployment/backtesting -n "$namespace" && kubectl rollout status deployment/backtesting -n "$namespace" --timeout=60s');
    expect(r.exitCode).toBe(0);
    await waitForStore(d.world.kube.store, () => d.world.kube.store.podsOf(TRAIN_NAMESPACE, "backtesting").length === 3, "backtesting back to 3 pods");
    const h = healthy();
    expect(h.healthy).toBe(false);
    expect(h.detail).toContain("curve still on 2.0.0");
  });

  it("the registry has no build nobody pushed: a made-up fix tag cannot be pulled, and undoing it goes back to the old version", async () => {
    const set = await sh('kubectl set image deployment/scenario -n "$namespace" "scenario=registry.254carbon.local/platform/scenario:2.0.1" && kubectl rollout status deployment/scenario -n "$namespace" --timeout=60s');
    expect(set.exitCode).toBe(1);
    expect(set.stderr).toContain('deployment "scenario" exceeded its progress deadline');
    expect(d.world.kube.store.podsOf(TRAIN_NAMESPACE, "scenario").some((p) => p.status.containerStatuses?.[0]?.state.waiting?.reason === "ImagePullBackOff")).toBe(true);
    const undo = await sh('kubectl rollout undo deployment/scenario -n "$namespace" && kubectl rollout status deployment/scenario -n "$namespace" --timeout=60s');
    expect(undo.exitCode).toBe(0);
    expect((await api("/api/v1/services/scenario/status")).body).toMatchObject({ version: "1.5.1", health_status: "healthy" });
  });

  it("the platform's rollback API rolls back what still runs 2.0.0, skips the rest, and the drill is healthy once it completed", { timeout: 60_000 }, async () => {
    const post = await sh(`jq -n '{reason: "backtesting 2.0.0 crash-loops", force: false}' | curl -fsS -X POST "$api_url/api/v1/release-trains/Q4-curve-upgrade/rollback" -H "Content-Type: application/json" --data @-`);
    expect(post.exitCode).toBe(0);
    const rollback = trainApi(d.world)!.rollbacks.get("Q4-curve-upgrade")!;
    const store = d.world.kube.store;
    // The rollback advances on the cluster's ticks (finishing changes no object): wake on each tick.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the platform's rollback did not finish: ${JSON.stringify(rollback.record)}`)), 30_000);
      const off = store.onTick(() => {
        if (!rollback.done) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
    const status = await api("/api/v1/release-trains/Q4-curve-upgrade/rollback/status");
    expect(status.body).toMatchObject({
      status: "completed",
      reason: "backtesting 2.0.0 crash-loops",
      participants: [
        { name: "scenario", state: "skipped" },
        { name: "backtesting", state: "skipped" },
        { name: "curve", from: "2.0.0", to: "1.8.0", state: "rolled_back" },
      ],
    });
    await waitForStore(store, () => healthy().healthy, "the train rolled back");
    expect(healthy().detail).toBe("every participant back on its old version, all pods ready (curve 1.8.0, backtesting 1.6.3, scenario 1.5.1); rolled back backtesting → curve");
    for (const name of ["curve", "backtesting", "scenario"]) {
      const live = store.podsOf(TRAIN_NAMESPACE, name).filter((p) => !p.metadata.deletionTimestamp);
      expect(new Set(live.map((p) => p.spec.containers[0]?.image))).toEqual(new Set([imageOf(name, OLD_VERSIONS[name]!)]));
    }
    expect((await api("/api/v1/monitoring/health/backtesting")).status).toBe(200);
  });
});

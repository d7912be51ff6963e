/**
 * The release-train runbook's own checks, run as handrail runs them (the executor, the real kubectl
 * and curl), against the drill's world while what they check is broken: each must fail there, and
 * pass only once it holds. The tests run in order, each from the state the previous one left.
 */
import { execa } from "execa";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execute } from "../../../src/executors/execute.js";
import { prepareKube } from "../../../src/executors/kubeconfig.js";
import type { StepResult } from "../../../src/executors/types.js";
import { inputToEnv } from "../../../src/runbooks/inputs.js";
import type { Step } from "../../../src/runbooks/schema.js";
import { allSteps } from "../../../src/runbooks/walk.js";
import { startDrill, type Drill } from "../../../src/sandbox/drill.js";
import { ClusterStore } from "../../../src/sandbox/store.js";
import { PlatformApi } from "../../../src/sandbox/scenarios/platform-api.js";
import { trainApi, trainBacktestingCrash } from "../../../src/sandbox/scenarios/train-backtesting-crash.js";
import { TRAIN_NAMESPACE, TRAIN_PARTICIPANTS, TRAIN_QUALITY } from "../../../src/sandbox/scenarios/train-catalog.js";
import { shippedRunbook } from "../../helpers/drill-incident.js";
import { waitForStore } from "../harness.js";

const runbook = await shippedRunbook("release-train");
const stepOf = (id: string): Step => {
  const found = allSteps(runbook).find((s) => s.step.id === id);
  if (!found) throw new Error(`no step ${id}`);
  return found.step;
};

let d: Drill;
let run: (id: string, item?: string, vars?: Record<string, string>) => Promise<StepResult & { text: string }>;
const servers: Server[] = [];

beforeAll(async () => {
  d = await startDrill(trainBacktestingCrash, { tickMs: 50 });
  const prepared = await prepareKube({ kubeconfig: d.kubeconfig, env: {} }, d.world.dir);
  if (!prepared.ok) throw new Error(prepared.message);
  const inputs = Object.fromEntries(Object.entries(d.inputs).map(([k, v]) => [k, inputToEnv(v)]));
  run = async (id, item, vars = {}) => {
    const step = stepOf(id);
    const r = await execute({ ...step, timeout: "90s" }, { env: { PATH: process.env.PATH, HOME: d.world.dir, ...d.world.env }, cwd: d.world.dir, kube: prepared.target, vars: { ...inputs, ...(item ? { item } : {}), ...vars } });
    return { ...r, text: r.output.tail.map((t) => t.line).join("\n") };
  };
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await d?.stop();
});

async function sh(script: string) {
  return execa("bash", ["-c", script], { reject: false, cwd: d.world.dir, env: { PATH: process.env.PATH, HOME: d.world.dir, KUBECONFIG: d.kubeconfig, ...d.world.env, api_url: String(d.inputs.api_url), namespace: TRAIN_NAMESPACE }, extendEnv: false });
}

describe("the release-train runbook's checks against the drill's world", () => {
  it("security_scan_clean: passes only on a clean scan; false or no scan result fails the gate", async () => {
    expect((await run("gate-security-scan", "backtesting")).status).toBe("passed");
    // A platform where backtesting's scan found something and scenario has no scan result.
    const api = new PlatformApi({
      store: new ClusterStore(),
      namespace: TRAIN_NAMESPACE,
      participants: TRAIN_PARTICIPANTS,
      quality: { ...TRAIN_QUALITY, backtesting: { ...TRAIN_QUALITY.backtesting!, security_scan_clean: false }, scenario: { quality_score: 88, critical_vulns: 0, coverage: 81 } },
    });
    const server = createServer(api.handle);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await run("gate-security-scan", "curve", { api_url: url })).status).toBe("passed");
    expect(await run("gate-security-scan", "backtesting", { api_url: url })).toMatchObject({ status: "failed", text: "false" });
    expect(await run("gate-security-scan", "scenario", { api_url: url })).toMatchObject({ status: "failed", text: "null" });
  });

  it("service health: a health endpoint that answers 200 whatever the state does not pass an unhealthy participant", async () => {
    // A platform whose health endpoint is a metrics page (200, always); the service status says who is healthy.
    const health: Record<string, unknown> = { curve: "healthy", backtesting: "unhealthy", scenario: undefined };
    let healthCode = 200;
    const server = createServer((req, res) => {
      const [, , , area, name, sub] = (req.url ?? "").split("/");
      const answer = (code: number, body: unknown) => res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (area === "monitoring" && name === "health") return answer(healthCode, { service: sub, uptime_s: 86400 });
      if (area === "services" && sub === "status" && name! in health) return answer(200, { name, version: "2.0.0", ...(health[name!] ? { health_status: health[name!] } : {}) });
      answer(404, { error: "no route" });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const api_url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const id of ["verify-health", "after-health"]) {
      expect(await run(id, "curve", { api_url }), id).toMatchObject({ status: "passed", text: "healthy: curve (HTTP 200, health_status healthy)" });
      expect(await run(id, "backtesting", { api_url }), id).toMatchObject({ status: "failed", text: "NOT healthy: the platform reports backtesting's health_status as unhealthy" });
      expect(await run(id, "scenario", { api_url }), id).toMatchObject({ status: "failed", text: "NOT healthy: the platform reports scenario's health_status as not reported" });
    }
    // Reported healthy, but the health endpoint answers 503: not healthy either.
    healthCode = 503;
    expect(await run("verify-health", "curve", { api_url })).toMatchObject({ status: "failed", text: "NOT healthy: the health endpoint of curve answered HTTP 503" });
  });

  it("the rollback reason: with nothing unhealthy and no reason given, the walk stops there", async () => {
    const create = await sh(`curl -fsS -X POST "$api_url/api/v1/release-trains" -d '{"name":"Q4-curve-upgrade","target_version":"2.0.0","participants":["curve","backtesting","scenario"]}'`);
    expect(create.exitCode).toBe(0);
    const r = await run("rollback-reason");
    expect(r.status).toBe("failed");
    expect(r.text).toContain("no participant is reported unhealthy: set rollback_reason");
    expect(await run("rollback-reason", undefined, { rollback_reason: "acceptance found wrong curves" })).toMatchObject({ status: "passed", text: "reason (given): acceptance found wrong curves" });
    // No rollback asked for yet: waiting for one fails rather than reading nothing as done.
    expect((await run("rollback-wait")).status).toBe("failed");
  });

  it("after curve is released and backtesting crash-loops: the version checks fail for what is not released, the rollback check fails for what is", async () => {
    const released = await sh(
      'kubectl set image deployment/curve -n "$namespace" "curve=registry.254carbon.local/platform/curve:2.0.0" && kubectl rollout status deployment/curve -n "$namespace" --timeout=60s && kubectl set image deployment/backtesting -n "$namespace" "backtesting=registry.254carbon.local/platform/backtesting:2.0.0"',
    );
    expect(released.exitCode).toBe(0);
    expect(await run("verify-version", "curve")).toMatchObject({ status: "passed", text: expect.stringContaining("released: curve runs registry.254carbon.local/platform/curve:2.0.0") });
    expect(await run("verify-version", "scenario")).toMatchObject({ status: "failed", text: expect.stringContaining("NOT released: scenario runs registry.254carbon.local/platform/scenario:1.5.1, not 2.0.0") });
    // backtesting's deployment asks for 2.0.0, but its rollout does not finish: the image alone must not pass it.
    const backtesting = await run("verify-version", "backtesting");
    expect(backtesting.status).toBe("failed");
    expect(backtesting.text).toContain('deployment "backtesting" exceeded its progress deadline');
    expect(backtesting.text).not.toContain("released: ");
    // curve is healthy, on 2.0.0: healthy is not rolled back.
    expect((await run("after-pods", "curve")).status).toBe("passed");
    expect((await run("after-health", "curve")).status).toBe("passed");
    expect(await run("after-rolled-back", "curve")).toMatchObject({ status: "failed", text: expect.stringContaining("NOT rolled back: curve still runs registry.254carbon.local/platform/curve:2.0.0") });
    // After a hold nothing changed: the checks after the decision fail on backtesting.
    for (const id of ["after-pods", "after-health", "after-failure-rate", "after-performance"]) expect((await run(id, "backtesting")).status, id).toBe("failed");
    expect((await run("after-fixed", "backtesting")).status).toBe("failed");
  });

  it("a fix forward without a build: fix_version unset stops the walk; a tag the registry does not hold fails its rollout", async () => {
    const unset = await run("fix-release");
    expect(unset.status).toBe("failed");
    expect(unset.text).toContain("fix_version is not set: push the fixed build of backtesting");
    const made = await run("fix-release", undefined, { fix_version: "2.0.1" });
    expect(made.status).toBe("failed");
    expect(made.text).toContain("releasing the fix: backtesting -> registry.254carbon.local/platform/backtesting:2.0.1");
    expect(made.text).toContain('deployment "backtesting" exceeded its progress deadline');
    expect((await run("after-fixed", "backtesting", { fix_version: "2.0.1" })).status).toBe("failed");
  });

  it("the kubectl fallback will not undo a fix back to the train's version, and says what to do instead", async () => {
    const r = await run("rollback-undo", "backtesting", { fix_version: "2.0.1" });
    expect(r.status).toBe("failed");
    expect(r.text).toContain("backtesting runs the fix (registry.254carbon.local/platform/backtesting:2.0.1): an undo would only go back to 2.0.0");
  });

  it("the platform's rollback takes every participant back to its version before the train, also after the fix; then the checks pass", async () => {
    expect((await run("rollback-reason")).text).toContain("reason (from the train status): unhealthy after release: backtesting 2.0.1 unhealthy");
    const trigger = await run("rollback-trigger");
    expect(trigger.status).toBe("passed");
    const wait = await run("rollback-wait");
    expect(wait).toMatchObject({ status: "passed", text: expect.stringContaining("completed: scenario skipped, backtesting rolled_back, curve rolled_back") });
    expect(trainApi(d.world)?.rollbacks.get("Q4-curve-upgrade")?.record.reason).toBe("unhealthy after release: backtesting 2.0.1 unhealthy");
    for (const p of TRAIN_PARTICIPANTS) {
      for (const id of ["after-pods", "after-health", "after-rolled-back", "after-failure-rate", "after-performance"]) expect((await run(id, p)).status, `${id}[${p}]`).toBe("passed");
    }
    expect((await d.health()).healthy).toBe(true);
  });

  it("a participant scaled to 0 serves nothing: rollout status calls it rolled out, but no check after the decision passes it", async () => {
    expect((await sh('kubectl scale deployment/curve -n "$namespace" --replicas=0 && kubectl rollout status deployment/curve -n "$namespace" --timeout=30s')).exitCode).toBe(0);
    await waitForStore(d.world.kube.store, () => d.world.kube.store.podsOf(TRAIN_NAMESPACE, "curve").length === 0, "curve without pods");
    const rolledBack = await run("after-rolled-back", "curve");
    expect(rolledBack.status).toBe("failed");
    expect(rolledBack.text).toContain("NOT serving: curve has 0 of 0 replicas ready");
    expect(rolledBack.text).not.toContain("rolled back: ");
    expect((await run("after-fixed", "curve")).status).toBe("failed");
    expect((await run("verify-version", "curve")).status).toBe("failed");
    expect((await run("after-pods", "curve")).status).toBe("failed");
    expect((await run("after-health", "curve")).status).toBe("failed");
    // No traffic is no measurement: the monitoring answers null, never the healthy figures, and the gates fail.
    expect(await run("after-failure-rate", "curve")).toMatchObject({ status: "failed", text: "null" });
    expect(await run("after-performance", "curve")).toMatchObject({ status: "failed", text: "null" });
    expect((await d.health()).healthy).toBe(false);
    // Scaled back, the same checks pass again.
    expect((await sh('kubectl scale deployment/curve -n "$namespace" --replicas=3 && kubectl rollout status deployment/curve -n "$namespace" --timeout=60s')).exitCode).toBe(0);
    for (const id of ["after-pods", "after-health", "after-rolled-back", "after-failure-rate", "after-performance"]) expect((await run(id, "curve")).status, id).toBe("passed");
  });
});

/**
 * The emergency-rollback runbook's own steps run as a walk runs them (bash, the real kubectl, the
 * drill's kubeconfig and working directory) against the worlds of its two drills: its verification
 * fails in every world a wrong or half-done remediation leaves, and passes once the service is back.
 */
import { afterEach, describe, expect, it } from "vitest";
import { execute } from "../../src/executors/execute.js";
import { prepareKube } from "../../src/executors/kubeconfig.js";
import type { StepResult } from "../../src/executors/types.js";
import { inputToEnv } from "../../src/runbooks/inputs.js";
import type { Step } from "../../src/runbooks/schema.js";
import { startDrill, type Drill } from "../../src/sandbox/drill.js";
import { shippedScenario } from "../helpers/scenarios.js";
import { shippedRunbook, stepById } from "../helpers/drill-incident.js";

const runbook = await shippedRunbook("emergency-rollback");

const step = (id: string): Step => stepById(runbook, id);

interface Ran {
  status: StepResult["status"];
  out: string;
}

let drill: Drill | undefined;
afterEach(async () => {
  await drill?.stop();
  drill = undefined;
});

/** The scenario's world and a runner for the runbook's steps in it, with the inputs the drill supplies. */
async function world(id: string): Promise<(stepId: string, extra?: Record<string, string>) => Promise<Ran>> {
  const d = (drill = await startDrill(await shippedScenario(id), { tickMs: 50 }));
  const prepared = await prepareKube({ kubeconfig: d.kubeconfig, env: {} }, d.world.dir);
  if (!prepared.ok) throw new Error(prepared.message);
  const kube = prepared.target;
  const defaults = Object.fromEntries(Object.entries(runbook.inputs ?? {}).map(([k, v]) => [k, v.default === undefined ? "" : inputToEnv(Array.isArray(v.default) ? v.default.map(String) : String(v.default))]));
  const inputs = Object.fromEntries(Object.entries(d.inputs).map(([k, v]) => [k, inputToEnv(v)]));
  const vars = { ...defaults, ...inputs, incident_id: `verify-${id}`, severity: "medium", runbook_id: runbook.id };
  return async (stepId, extra = {}) => {
    const r = await execute(step(stepId), { vars: { ...vars, ...extra }, env: { PATH: process.env.PATH, HOME: d.world.dir, ...d.world.env }, cwd: d.world.dir, kube });
    return { status: r.status, out: r.output.tail.map((t) => t.line).join("\n") };
  };
}

/** Every step of the runbook that answers "is the service back?" runs this one check. */
const SERVICE_CHECKS = ["rollout-status", "train-service-status", "recovery-status", "available"];

describe("emergency-rollback's verification against the crashloop-rollback world", () => {
  it("the service checks are one and the same script", () => {
    expect(new Set(SERVICE_CHECKS.map((id) => step(id).run)).size).toBe(1);
  });

  it("as briefed: the assessment finds the symptom; the service check, all-pods and the error count fail", async () => {
    const run = await world("crashloop-rollback");
    for (const id of ["pods-not-running", "error-count", "failed-deployments"]) expect((await run(id)).status, id).toBe("found");
    const available = await run("available");
    expect(available.status, available.out).toBe("failed");
    expect(available.out).toContain('deployment "api" exceeded its progress deadline');
    // Every pod is listed and read by its state: the crash-looping ones (phase Running) are what fails it.
    const pods = await run("all-pods");
    expect(pods.status).toBe("failed");
    expect(pods.out).toMatch(/^api-\S+ +0\/1 +(CrashLoopBackOff|Error|Running) /m);
    const errors = await run("errors-after");
    expect(errors).toMatchObject({ status: "failed" });
    // Every pod's logs are read (kubectl logs deployment/… read one): 12 ERROR lines from each of the 3.
    expect(errors.out).toMatch(/^36$/m);
  }, 60_000);

  it("the seed's scale to 0 and undo without the scale back: 0 replicas fail the check, and the error count cannot read 0 from no pods", async () => {
    const run = await world("crashloop-rollback");
    for (const id of ["replicas-before", "scale-zero", "undo"]) expect((await run(id)).status, id).toBe("passed");
    const available = await run("available");
    expect(available.status, available.out).toBe("failed");
    expect(available.out).toContain("deployment \"api\" successfully rolled out");
    expect(available.out).toContain("0/0 pods of api ready on shop/api:1.4.2, 0 on another image (recorded before the rollback: 3)");
    expect(available.out).toContain("api is scaled to 0: nothing serves");
    // No pod to read logs from: the check fails rather than count 0 errors (the seed's pipe passed).
    const errors = await run("errors-after");
    expect(errors.status, errors.out).toBe("failed");
    expect(errors.out).toContain("no pod of api in shop: no logs to count errors in");
  }, 60_000);

  it("rolled back but scaled to fewer than before (the seed's fixed count): the check fails", async () => {
    const run = await world("crashloop-rollback");
    for (const id of ["replicas-before", "scale-zero", "undo", "scale-restore"]) expect((await run(id)).status, id).toBe("passed");
    expect((await run("scale-up", { scale_to: "1" })).status).toBe("passed");
    const available = await run("available");
    expect(available.status, available.out).toBe("failed");
    expect(available.out).toContain("api wants 1 replicas, it had 3: capacity is not back");
  }, 60_000);

  it("a restart instead of a rollback brings the bad image back: the check fails", async () => {
    const run = await world("crashloop-rollback");
    expect((await run("restart")).status).toBe("passed");
    const available = await run("recovery-status");
    expect(available.status, available.out).toBe("failed");
    expect(available.out).toContain('deployment "api" exceeded its progress deadline');
  }, 60_000);

  it("the documented fix: the count recorded, scaled to 0, undone, scaled back: every check passes", async () => {
    const run = await world("crashloop-rollback");
    const before = await run("replicas-before");
    expect(before.out).toContain("api in shop: 3 replicas wanted, 0 available");
    for (const id of ["scale-zero", "undo", "scale-restore"]) expect((await run(id)).status, id).toBe("passed");
    const available = await run("available");
    expect(available.status, available.out).toBe("passed");
    expect(available.out).toContain("3/3 pods of api ready on shop/api:1.4.2, 0 on another image (recorded before the rollback: 3)");
    expect((await run("all-pods")).status).toBe("passed");
    const errors = await run("errors-after");
    expect(errors).toMatchObject({ status: "passed" });
    expect(errors.out).toMatch(/^0$/m);
    // The assessment run again finds nothing: its found checks read the symptom, not any output.
    for (const id of ["pods-not-running", "error-count", "failed-deployments"]) expect((await run(id)).status, id).toBe("passed");
  }, 60_000);
});

describe("emergency-rollback's verification against the stuck-rollout world", () => {
  it("as briefed, and after restoring state (a wrong option): the service check and all-pods fail while the old pods serve", async () => {
    const run = await world("stuck-rollout");
    expect((await run("pods-not-running")).status).toBe("found");
    for (const check of ["available", "all-pods"]) expect((await run(check)).status, check).toBe("failed");
    // The pod of 1.5.1 is Running (so the seed's field selector hid it) but not ready: read from its READY column.
    expect((await run("all-pods")).out).toMatch(/^api-\S+ +0\/1 +Running /m);
    expect((await run("state-restore")).status).toBe("passed");
    const available = await run("available");
    expect(available.status, available.out).toBe("failed");
    expect(available.out).toContain('deployment "api" exceeded its progress deadline');
  }, 60_000);

  it("the documented fix: nothing scaled down while the old pods serve, undone: every check passes", async () => {
    const run = await world("stuck-rollout");
    const before = await run("replicas-before");
    expect(before.out).toContain("api in shop: 3 replicas wanted, 3 available");
    expect((await run("undo")).status).toBe("passed");
    const available = await run("available");
    expect(available.status, available.out).toBe("passed");
    expect(available.out).toContain("3/3 pods of api ready on shop/api:1.4.2, 0 on another image (recorded before the rollback: 3)");
    expect((await run("all-pods")).status).toBe("passed");
    expect((await run("pods-not-running")).status).toBe("passed");
  }, 60_000);
});

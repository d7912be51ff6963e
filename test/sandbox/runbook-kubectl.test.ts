/**
 * Every kubectl command of the shipped runbooks that addresses pods, deployments, replica sets,
 * events or logs, run with the real kubectl against the simulated cluster, inputs from defaults.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { execute } from "../../src/executors/execute.js";
import { prepareKube } from "../../src/executors/kubeconfig.js";
import type { ExecContext } from "../../src/executors/types.js";
import { inputToEnv } from "../../src/runbooks/inputs.js";
import { loadRunbookFile } from "../../src/runbooks/load.js";
import type { Runbook, Step } from "../../src/runbooks/schema.js";
import { allSteps } from "../../src/runbooks/walk.js";
import { startKubeSandbox, type KubeSandbox } from "../../src/sandbox/index.js";
import { ROOT } from "../helpers/cli.js";

const ADDRESSES = /\bkubectl\s+(get|describe|logs|scale|rollout|set\s+image|delete|patch)\b[^|;&\n]*\b(pods?|deployments?|deployment\/|replicasets?|rs|events?|logs)\b|\bkubectl\s+logs\b/;
/** Commands that need what no simulated cluster has: a metrics server, an HPA, exec into a container, files (apply, create -f). */
const OUT_OF_SCOPE = /\bkubectl\s+(top|exec|apply|autoscale|create)\b/;

const runbooks: Array<{ file: string; runbook: Runbook }> = [];
for (const f of readdirSync(path.join(ROOT, "runbooks")).filter((n) => n.endsWith(".yaml"))) {
  const r = await loadRunbookFile(path.join(ROOT, "runbooks", f));
  if (r.runbook) runbooks.push({ file: f, runbook: r.runbook });
}

const cases = runbooks.flatMap(({ file, runbook }) =>
  allSteps(runbook)
    .filter(({ step }) => step.run !== undefined && ADDRESSES.test(step.run) && !OUT_OF_SCOPE.test(step.run))
    .map(({ step }) => ({ name: `${file} ${step.id}`, runbook, step })),
);

const DEPLOYMENTS = ["api", "curve", "backtesting", "scenario"];
let sandbox: KubeSandbox;
const allRunning = () => {
  const pods = sandbox.store.listPods("default");
  return pods.length === 8 && pods.every((p) => p.status?.phase === "Running" && p.metadata.deletionTimestamp === undefined && p.status?.containerStatuses?.every((c) => c.ready));
};
let dir: string;
let base: Omit<ExecContext, "vars">;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "handrail-rbk-"));
  sandbox = await startKubeSandbox({ tickMs: 50 });
  for (const name of DEPLOYMENTS) {
    sandbox.store.createDeployment({ namespace: "default", name, image: `${name}:1.0`, replicas: 2, labels: { app: name } });
  }
  sandbox.store.tickUntil(() => allRunning());
  // A second revision, so that rollout undo has somewhere to go back to.
  for (const name of DEPLOYMENTS) sandbox.store.setDeploymentImage("default", name, `${name}:1.1`);
  const prepared = await prepareKube({ kubeconfig: await sandbox.writeKubeconfig(dir), env: {} }, dir);
  if (!prepared.ok) throw new Error(prepared.message);
  base = { env: { PATH: process.env.PATH, HOME: dir }, cwd: dir, kube: prepared.target };
  sandbox.store.tickUntil(() => allRunning());
});

// Each command starts from the same healthy cluster: a previous one may have scaled to zero or just restarted.
beforeEach(() => {
  for (const name of DEPLOYMENTS) {
    sandbox.store.mutate("deployments", "default", name, (d) => {
      d.spec.replicas = 2;
      delete d.spec.template.metadata?.annotations?.["kubectl.kubernetes.io/restartedAt"];
    });
  }
  expect(sandbox.store.tickUntil(() => allRunning())).toBe(true);
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function vars(runbook: Runbook): Record<string, string> {
  const out: Record<string, string> = { item: "curve", incident_id: "test", severity: "critical", runbook_id: runbook.id };
  for (const [name, spec] of Object.entries(runbook.inputs ?? {})) {
    if (spec.default !== undefined) out[name] = inputToEnv(Array.isArray(spec.default) ? spec.default.map(String) : String(spec.default));
  }
  // A short soak: emergency-rollback's service checks watch the pods this long (a minute by default).
  return { ...out, service: "api", namespace: "default", train: "q4", version: "2.0", previous_version: "1.0", soak_seconds: "1" };
}

describe("the shipped runbooks' kubectl commands against the simulated cluster", () => {
  it("there are such commands in several runbooks", () => {
    expect(cases.length).toBeGreaterThan(20);
    expect(new Set(cases.map((c) => c.runbook.id)).size).toBeGreaterThanOrEqual(3);
  });

  it.each(cases)("$name", async ({ runbook, step }) => {
    const s = { ...step, run: step.run!.replace(/\bkubectl\b/g, `kubectl --cache-dir "${dir}/cache"`), timeout: "60s", expect: undefined } as Step;
    const r = await execute(s, { ...base, vars: vars(runbook) });
    const out = r.output.tail.map((t) => t.line).join("\n");
    expect(r.exitCode, `${step.run}\n${out}`).toBe(0);
    expect(out).not.toMatch(/Error from server|error: |the server could not find/);
  }, 90_000);
});

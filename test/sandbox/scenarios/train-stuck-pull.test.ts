/**
 * The stuck-train drill's world through the real kubectl, and the runbook's own steps executed as
 * handrail executes them (their expect and found included), so a check is shown failing against
 * the world it must not pass in. World A walks in order: stuck; wrong fixes leave it stuck; the
 * previous version restores service but not the train, and the version check says so; the
 * rolling resolution heals it with the old pods serving throughout. World B is the seed's trap:
 * scaled to 0 with no fixed config, `kubectl rollout status` passes and the verdict step fails.
 * World C: the stop-and-start option brings back the recorded replica count, and the drill
 * summary names the outage it cost.
 */
import { execa } from "execa";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execute } from "../../../src/executors/execute.js";
import { prepareKube } from "../../../src/executors/kubeconfig.js";
import type { KubeTarget } from "../../../src/executors/types.js";
import { holds } from "../../../src/runbooks/conditions.js";
import { inputToEnv } from "../../../src/runbooks/inputs.js";
import { loadRunbookFile } from "../../../src/runbooks/load.js";
import type { Step } from "../../../src/runbooks/schema.js";
import { allSteps } from "../../../src/runbooks/walk.js";
import { startDrill, type Drill } from "../../../src/sandbox/drill.js";
import { TRAIN_NAMESPACE } from "../../../src/sandbox/scenarios/train-catalog.js";
import { FIXED_CONFIG, trainStuckPull, TYPO_IMAGE } from "../../../src/sandbox/scenarios/train-stuck-pull.js";
import { ROOT } from "../../helpers/cli.js";
import { waitForStore } from "../harness.js";

const loaded = await loadRunbookFile(path.join(ROOT, "runbooks", "release-train-troubleshooting.yaml"));
const runbook = loaded.runbook!;
const stepOf = (id: string): Step => {
  const place = allSteps(runbook).find((s) => s.step.id === id);
  if (!place) throw new Error(`no step ${id} in the runbook`);
  return place.step;
};

interface World {
  d: Drill;
  kube: KubeTarget;
}

async function startWorld(): Promise<World> {
  const d = await startDrill(trainStuckPull, { tickMs: 50 });
  const prepared = await prepareKube({ kubeconfig: d.kubeconfig, env: {} }, d.world.dir);
  if (!prepared.ok) throw new Error(prepared.message);
  return { d, kube: prepared.target };
}

const envOf = (w: World) => ({ PATH: process.env.PATH, HOME: w.d.world.dir, KUBECONFIG: w.d.kubeconfig, ...w.d.world.env });
const inputsOf = (w: World, extra: Record<string, string>) => ({ ...Object.fromEntries(Object.entries(w.d.inputs).map(([k, v]) => [k, inputToEnv(v)])), ...extra });

/** One step of the runbook, executed as handrail does: its status (passed | found | failed …) and output. */
async function step(w: World, id: string, extra: Record<string, string> = {}) {
  const r = await execute(stepOf(id), { vars: inputsOf(w, extra), env: envOf(w), cwd: w.d.world.dir, kube: w.kube });
  return { status: r.status, out: r.output.tail.map((t) => t.line).join("\n") };
}

/** A command the runbook does not hold (the seed's, or a wrong fix), with the drill's inputs in its environment. */
async function sh(w: World, script: string, extra: Record<string, string> = {}) {
  const r = await execa("bash", ["-c", script], { reject: false, cwd: w.d.world.dir, env: { ...envOf(w), ...inputsOf(w, extra) }, extendEnv: false, timeout: 60_000 });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const health = (w: World) => trainStuckPull.health(w.d.world) as { healthy: boolean; detail: string };
const store = (w: World) => w.d.world.kube.store;

/** The newest pod of backtesting for an image has reached ImagePullBackOff (the wrong fix took effect and failed). */
const pullBackOff = (w: World, image: string) => () =>
  store(w).podsOf(TRAIN_NAMESPACE, "backtesting").some((p) => !p.metadata.deletionTimestamp && p.spec.containers[0]?.image === image && p.status.containerStatuses?.[0]?.state.waiting?.reason === "ImagePullBackOff");

describe("world A: backtesting stuck at 1/3 on an unpullable tag, walked to the rolling fix", () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => w?.d.stop());

  it("starts stuck: one new pod in ImagePullBackOff, the old ones serving; the runbook's checks find it", async () => {
    expect(w.d.inputs).toMatchObject({ train: "q4-curve-upgrade", service: "backtesting", namespace: "platform", train_version: "2.0.0", fixed_config: FIXED_CONFIG });
    const deployments = await sh(w, 'kubectl get deployments -l app="$service" -n "$namespace"');
    expect(deployments.stdout).toMatch(/backtesting\s+3\/3\s+1\s+3/);
    const events = await sh(w, 'kubectl get events -n "$namespace" --sort-by=.metadata.creationTimestamp');
    expect(events.stdout).toContain(`Failed to pull image "${TYPO_IMAGE}"`);
    expect((await step(w, "sd-pods")).status).toBe("found");
    const participants = await step(w, "rb-check");
    expect(participants).toMatchObject({ status: "found" });
    expect(participants.out).toMatch(/backtesting: NOT healthy, 3\/3 ready, 1\/3 updated, 4 pods in all/);
    expect(participants.out).toContain("curve: healthy, 3/3 ready");
    // The old pods answer the health endpoint, and 3 are ready: only the rollout and replica counts see it.
    expect((await step(w, "rc-health")).status).toBe("passed");
    expect((await step(w, "rc-check")).status).toBe("found");
    const verdict = await step(w, "rc-ready");
    expect(verdict.status).toBe("failed");
    expect(verdict.out).toContain('deployment "backtesting" exceeded its progress deadline');
    const h = health(w);
    expect(h.healthy).toBe(false);
    expect(h.detail).toMatch(/^train q4-curve-upgrade still stuck: backtesting 0\/3 ready on registry\.254carbon\.local\/platform\/backtesting:v2\.0\.0, 1 (ImagePullBackOff|ErrImagePull) \(3 pods still on 1\.6\.3\)$/);
  });

  it("wrong fixes leave it stuck: new pods, the optimized manifest, the seed's previous version without its registry", async () => {
    // A restart rolls (deleting every pod would be an outage of its own, which the scenario would record).
    expect((await sh(w, 'kubectl rollout restart deployment/"$service" -n "$namespace"')).exitCode).toBe(0);
    await waitForStore(store(w), () => store(w).podsOf(TRAIN_NAMESPACE, "backtesting").some((p) => p.metadata.annotations?.["kubectl.kubernetes.io/restartedAt"] !== undefined && p.status.containerStatuses?.[0]?.state.waiting?.reason === "ImagePullBackOff"), "the restarted pod in ImagePullBackOff");
    expect(health(w).healthy).toBe(false);
    expect((await sh(w, 'kubectl apply -n "$namespace" -f "$optimized_config"')).exitCode).toBe(0);
    await waitForStore(store(w), () => store(w).podsOf(TRAIN_NAMESPACE, "backtesting").some((p) => p.spec.containers[0]?.resources?.requests?.memory === "768Mi" && p.status.containerStatuses?.[0]?.state.waiting?.reason === "ImagePullBackOff"), "the optimized pod in ImagePullBackOff");
    expect(health(w).healthy).toBe(false);
    // Seed 1.0.0's command, as the first translation kept it: no registry, so nothing to pull.
    expect((await sh(w, 'kubectl set image deployment/"$service" -n "$namespace" "$service=$service:$previous_version"')).exitCode).toBe(0);
    await waitForStore(store(w), pullBackOff(w, "backtesting:1.6.3"), "backtesting:1.6.3 in ImagePullBackOff");
    expect(health(w).detail).toContain("still stuck");
    expect((await step(w, "rc-ready")).status).toBe("failed");
  });

  it("the runbook's restore of the previous version (with its registry) serves again, but the train is stuck and rc-version says so", async () => {
    const restore = await step(w, "ir-set-image");
    expect(restore.status).toBe("passed");
    expect(restore.out).toContain("restoring registry.254carbon.local/platform/backtesting:1.6.3 (repository from a serving pod)");
    expect((await step(w, "rc-rollout")).status).toBe("passed");
    // Serving, every replica ready: the service verdict passes, as it should.
    expect((await step(w, "rc-ready")).status).toBe("passed");
    const version = await step(w, "rc-version");
    expect(version.status).toBe("failed");
    expect(version.out).toContain("deployment/backtesting runs registry.254carbon.local/platform/backtesting:1.6.3; the train releases 2.0.0");
    expect(version.out).toContain("verdict: NOT on the train's version");
    expect(health(w)).toEqual({ healthy: false, detail: "train q4-curve-upgrade still stuck: backtesting runs registry.254carbon.local/platform/backtesting:1.6.3, not the train's 2.0.0" });
    expect(health(w).detail).not.toContain("served nothing");
  });

  it("the rolling resolution heals it with the old pods serving throughout: apply the fixed manifest, watch the rollout", async () => {
    const apply = await step(w, "sd-apply");
    expect(apply).toMatchObject({ status: "passed" });
    // What sd-restart's condition reads: the deployment changed, so no restart follows.
    expect(apply.out).toMatch(/^deployment\.apps\/backtesting configured$/m);
    expect((await step(w, "sd-rollout")).status).toBe("passed");
    await waitForStore(store(w), () => health(w).healthy, "the train healthy");
    for (const id of ["rb-check", "rc-check", "rc-rollout", "rc-ready", "rc-version", "rc-health"]) expect([id, (await step(w, id)).status]).toEqual([id, "passed"]);
    // No moment without a serving pod: the outage note is absent.
    expect(health(w).detail).toBe("backtesting 3/3 ready on registry.254carbon.local/platform/backtesting:2.0.0; the train can go on (curve 2.0.0, backtesting 2.0.0, scenario 1.5.1)");
  });
});

describe("world B: the seed's scale to 0 with no fixed configuration", () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => w?.d.stop());

  it("leaves the service at 0; kubectl rollout status passes anyway, the runbook's verdict does not", async () => {
    const noConfig = { fixed_config: "" };
    // The first translation's sequence: scale to 0, then apply an empty input (refused), so nothing comes back.
    expect((await sh(w, 'kubectl scale deployment "$service" -n "$namespace" --replicas=0', noConfig)).exitCode).toBe(0);
    expect((await sh(w, 'kubectl apply -n "$namespace" -f "$fixed_config"', noConfig)).exitCode).not.toBe(0);
    await waitForStore(store(w), () => store(w).podsOf(TRAIN_NAMESPACE, "backtesting").length === 0, "every backtesting pod gone");
    const lie = await sh(w, 'kubectl rollout status deployment/"$service" -n "$namespace" --timeout=30s');
    expect(lie.exitCode).toBe(0);
    expect(lie.stdout).toContain('deployment "backtesting" successfully rolled out');
    expect((await step(w, "rc-rollout")).status).toBe("found");
    const verdict = await step(w, "rc-ready");
    expect(verdict.status).toBe("failed");
    expect(verdict.out).toContain("deployment/backtesting wants 0 replicas: nothing serves");
    expect((await step(w, "rb-check")).out).toContain("backtesting: NOT healthy, 0/0 ready");
    expect(health(w).healthy).toBe(false);
    expect(health(w).detail).toMatch(/but backtesting served nothing since \d\d:\d\d:\d\d UTC: every pod was stopped/);
  });

  it("the runbook offers stopping every pod only with a fixed configuration and not for an image pull failure", () => {
    const option = runbook.phases.find((p) => p.id === "remediate")?.options?.find((o) => o.id === "deployment-recreate");
    const when = option?.when;
    expect(when).toBeDefined();
    const facts = (fixed: string, sdPods: "found" | "passed" | "not-run") => ({ inputs: { fixed_config: fixed }, severity: "high" as const, steps: (id: string) => (id === "sd-pods" && sdPods !== "not-run" ? [{ status: sdPods }] : []) });
    expect(holds(when!, facts("", "not-run"))).toBe(false);
    expect(holds(when!, facts(FIXED_CONFIG, "found"))).toBe(false);
    expect(holds(when!, facts(FIXED_CONFIG, "passed"))).toBe(true);
    expect(holds(when!, facts(FIXED_CONFIG, "not-run"))).toBe(true);
  });
});

describe("world C: the stop-and-start option with a manifest that sets no replica count", () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => w?.d.stop());

  it("records the count, stops every pod, applies, brings the 3 replicas back; healthy, and the summary names the outage", async () => {
    const noReplicas = "manifests/backtesting-fixed-no-replicas.yaml";
    const fixed = readFileSync(path.join(w.d.world.dir, FIXED_CONFIG), "utf8");
    expect(fixed).toMatch(/^ {2}replicas: 3$/m);
    writeFileSync(path.join(w.d.world.dir, noReplicas), fixed.replace(/^ {2}replicas: 3\n/m, ""));
    const config = { fixed_config: noReplicas };
    const stop = await step(w, "sr-scale-down", config);
    expect(stop.status).toBe("passed");
    expect(stop.out).toContain("deployment.apps/backtesting annotated");
    expect((await step(w, "sr-apply", config)).status).toBe("passed");
    expect(store(w).peek("deployments", TRAIN_NAMESPACE, "backtesting")?.spec.replicas).toBe(0);
    const back = await step(w, "sr-scale-up", config);
    expect(back.status).toBe("passed");
    expect(back.out).toContain("deployment.apps/backtesting scaled");
    expect(store(w).peek("deployments", TRAIN_NAMESPACE, "backtesting")?.spec.replicas).toBe(3);
    expect(store(w).peek("deployments", TRAIN_NAMESPACE, "backtesting")?.metadata.annotations?.["handrail/replicas-before-stop"]).toBeUndefined();
    expect((await step(w, "sr-rollout", config)).status).toBe("passed");
    await waitForStore(store(w), () => health(w).healthy, "the train healthy");
    expect((await step(w, "rc-ready")).status).toBe("passed");
    expect(health(w).detail).toMatch(
      /^backtesting 3\/3 ready on registry\.254carbon\.local\/platform\/backtesting:2\.0\.0; the train can go on \(curve 2\.0\.0, backtesting 2\.0\.0, scenario 1\.5\.1\); but backtesting served nothing from \d\d:\d\d:\d\d to \d\d:\d\d:\d\d UTC: every pod was stopped, an outage a rolling fix avoids$/,
    );
  });
});

/**
 * The stuck-train drill's world, through the real kubectl: backtesting's rollout sits at 1/3 with
 * ImagePullBackOff; new pods, the performance team's manifest and the runbook's "previous version"
 * image all leave it stuck; the deployment-failure resolution (scale down, apply the fixed
 * manifest, restart, rollout status) heals it. The tests run in order on one world.
 */
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDrill, type Drill } from "../../../src/sandbox/drill.js";
import { TRAIN_NAMESPACE } from "../../../src/sandbox/scenarios/train-catalog.js";
import { trainStuckPull, TYPO_IMAGE } from "../../../src/sandbox/scenarios/train-stuck-pull.js";
import { waitForStore } from "../harness.js";

let d: Drill;
beforeAll(async () => {
  d = await startDrill(trainStuckPull, { tickMs: 50 });
});
afterAll(async () => d?.stop());

async function sh(script: string, timeoutMs = 60_000) {
  const vars = Object.fromEntries(Object.entries(d.inputs).map(([k, v]) => [k, Array.isArray(v) ? v.join(" ") : v]));
  const r = await execa("bash", ["-c", script], { reject: false, cwd: d.world.dir, env: { PATH: process.env.PATH, HOME: d.world.dir, KUBECONFIG: d.kubeconfig, ...d.world.env, ...vars }, extendEnv: false, timeout: timeoutMs });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const health = () => trainStuckPull.health(d.world) as { healthy: boolean; detail: string };
const store = () => d.world.kube.store;

/** The newest pod of backtesting for an image has reached ImagePullBackOff (the wrong fix took effect and failed). */
function pullBackOff(image: string): () => boolean {
  return () => store().podsOf(TRAIN_NAMESPACE, "backtesting").some((p) => !p.metadata.deletionTimestamp && p.spec.containers[0]?.image === image && p.status.containerStatuses?.[0]?.state.waiting?.reason === "ImagePullBackOff");
}

describe("release-train-troubleshooting drill: backtesting stuck at 1/3 on an unpullable tag", () => {
  it("starts stuck: one new pod in ImagePullBackOff, the old ones serving, the rollout past its deadline", async () => {
    expect(d.inputs).toMatchObject({ train: "q4-curve-upgrade", service: "backtesting", namespace: "platform", fixed_config: "manifests/backtesting-fixed.yaml" });
    const deployments = await sh('kubectl get deployments -l app="$service" -n "$namespace"');
    expect(deployments.stdout).toMatch(/backtesting\s+3\/3\s+1\s+3/);
    const pods = await sh('kubectl get pods -l app="$service" -n "$namespace"');
    expect(pods.stdout).toMatch(/0\/1\s+(ImagePullBackOff|ErrImagePull)/);
    const rollout = await sh('kubectl rollout status deployment/"$service" -n "$namespace" --timeout=60s');
    expect(rollout.exitCode).toBe(1);
    expect(rollout.stderr).toContain('deployment "backtesting" exceeded its progress deadline');
    const events = await sh('kubectl get events -n "$namespace" --sort-by=.metadata.creationTimestamp');
    expect(events.stdout).toContain(`Failed to pull image "${TYPO_IMAGE}"`);
    const h = health();
    expect(h.healthy).toBe(false);
    expect(h.detail).toMatch(/^train q4-curve-upgrade still stuck: backtesting 0\/3 ready on registry\.254carbon\.local\/platform\/backtesting:v2\.0\.0, 1 (ImagePullBackOff|ErrImagePull) \(3 pods still on 1\.6\.3\)$/);
  });

  it("wrong fixes leave it stuck: new pods, the optimized manifest, the previous version without its registry", async () => {
    // Not `rollout restart`: kubectl refuses a second restart within a second, and the next test restarts as the runbook does.
    expect((await sh('kubectl delete pods -l app="$service" -n "$namespace" --wait=false')).exitCode).toBe(0);
    await waitForStore(store(), pullBackOff(TYPO_IMAGE), "the recreated pod back in ImagePullBackOff");
    expect(health().healthy).toBe(false);
    const applied = await sh('kubectl apply -n "$namespace" -f "$optimized_config"');
    expect(applied.exitCode).toBe(0);
    await waitForStore(store(), () => store().podsOf(TRAIN_NAMESPACE, "backtesting").some((p) => p.spec.containers[0]?.resources?.requests?.memory === "768Mi" && p.status.containerStatuses?.[0]?.state.waiting?.reason === "ImagePullBackOff"), "the optimized pod in ImagePullBackOff");
    expect(health().healthy).toBe(false);
    expect((await sh('kubectl set image deployment/"$service" -n "$namespace" "$service=$service:$previous_version"')).exitCode).toBe(0);
    await waitForStore(store(), pullBackOff("backtesting:1.6.3"), "backtesting:1.6.3 in ImagePullBackOff");
    expect(health().detail).toContain("still stuck");
  });

  it("the deployment-failure resolution heals it: scale down, apply the fixed manifest, restart, rollout status", async () => {
    const r = await sh(
      [
        'kubectl scale deployment "$service" -n "$namespace" --replicas=0',
        'kubectl apply -n "$namespace" -f "$fixed_config"',
        'kubectl rollout restart deployment/"$service" -n "$namespace"',
        'kubectl rollout status deployment/"$service" -n "$namespace" --timeout=60s',
      ].join(" && "),
    );
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    await waitForStore(store(), () => health().healthy, "the train healthy");
    expect(health().detail).toBe("backtesting 3/3 ready on registry.254carbon.local/platform/backtesting:2.0.0; the train can go on (curve 2.0.0, backtesting 2.0.0, scenario 1.5.1)");
  });
});

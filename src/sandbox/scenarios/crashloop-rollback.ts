/**
 * emergency-rollback drills: a release that crash-loops, and one whose rollout is stuck at 1/3.
 * Both recover only when the previous revision comes back (`kubectl rollout undo`, the
 * rollback phase's `service` option); restarting or restoring configuration leaves them broken.
 */
import type { ClusterStore } from "../store.js";
import { deploymentHealth } from "./checks.js";
import type { Scenario } from "./types.js";

const NAMESPACE = "shop";
const SERVICE = "api";
const GOOD = "shop/api:1.4.2";
const REPLICAS = 3;
/**
 * Ten minutes into the incident a real rollout that makes no progress is past its deadline and
 * `kubectl rollout status` fails at once; the drill's deadline is this short so that it fails within
 * seconds too (after the briefing, or after a wrong option restarted the broken version) instead of
 * waiting out a step's timeout. A rollback that progresses resets it, as in Kubernetes.
 */
const PROGRESS_DEADLINE_SECONDS = 10;

function inputs(): Record<string, string> {
  return { service: SERVICE, namespace: NAMESPACE, other_service: "gateway" };
}

/** The service as it ran before the release, plus the gateway that depends on it. */
function healthyShop(store: ClusterStore, strategy: "Recreate" | "RollingUpdate"): void {
  store.createDeployment({ namespace: NAMESPACE, name: SERVICE, image: GOOD, replicas: REPLICAS, strategy: { type: strategy }, progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS });
  store.createDeployment({ namespace: NAMESPACE, name: "gateway", image: "shop/gateway:3.1.0", replicas: 1 });
  const settled = store.tickUntil(() => store.listPods(NAMESPACE).filter((p) => p.status.containerStatuses?.every((c) => c.ready) === true).length === REPLICAS + 1);
  if (!settled) throw new Error("the drill's starting cluster did not settle");
}

const BAD = "shop/api:1.5.0-bad";

export const crashloopRollback: Scenario = {
  id: "crashloop-rollback",
  runbook: "emergency-rollback",
  title: "api crash-loops after release 1.5.0",
  briefing:
    "PagerDuty: shop/api is failing its health checks since the 1.5.0 release ten minutes ago. " +
    "Checkout requests return 502; pods are restarting. You are on call: assess, roll back and verify.",
  severity: "medium",
  remedy: { rollback: "service" },
  async setup(world) {
    const store = world.kube.store;
    store.setImageBehaviour(BAD, {
      crash: true,
      logs: [
        `INFO starting ${BAD}`,
        "INFO loading configuration from /etc/api/config.yaml",
        ...Array.from({ length: 12 }, (_, i) => `ERROR migration 0042_orders_currency failed: column "currency" of relation "orders" already exists (attempt ${i + 1}/12)`),
        "FATAL cannot start without a migrated schema, exiting",
      ],
    });
    // api is released with Recreate (its schema migration runs at start), so a bad release takes every pod down.
    healthyShop(store, "Recreate");
    store.setDeploymentImage(NAMESPACE, SERVICE, BAD);
    // Broken before the operator looks: every pod on the new image, and they are already backing off.
    store.tickUntil(() => {
      const pods = store.podsOf(NAMESPACE, SERVICE);
      return pods.length === REPLICAS && pods.every((p) => p.spec.containers[0]?.image === BAD && (p.status.containerStatuses?.[0]?.restartCount ?? 0) > 0);
    });
    return inputs();
  },
  health: (world) => deploymentHealth(world.kube.store, NAMESPACE, SERVICE, { image: GOOD, ready: REPLICAS }),
};

const SLOW = "shop/api:1.5.1";

export const stuckRollout: Scenario = {
  id: "stuck-rollout",
  runbook: "emergency-rollback",
  title: "api rollout of 1.5.1 stuck at 1/3",
  briefing:
    "Deploy bot: the rollout of shop/api 1.5.1 has not progressed for 10 minutes; one new pod is up but never becomes ready. " +
    "The old pods still serve traffic. Decide how to get the service back to a known-good state.",
  severity: "medium",
  remedy: { rollback: "service" },
  async setup(world) {
    const store = world.kube.store;
    // Running but never ready: a readiness probe that never passes.
    store.setImageBehaviour(SLOW, { readyAfterTicks: Number.MAX_SAFE_INTEGER, logs: [`INFO starting ${SLOW}`, "WARN readiness: cache warm-up 0% (waiting for shard map)"] });
    healthyShop(store, "RollingUpdate");
    store.setDeploymentImage(NAMESPACE, SERVICE, SLOW);
    store.tickUntil(() => store.podsOf(NAMESPACE, SERVICE).some((p) => p.spec.containers[0]?.image === SLOW && p.status.phase === "Running"));
    return inputs();
  },
  health: (world) => deploymentHealth(world.kube.store, NAMESPACE, SERVICE, { image: GOOD, ready: REPLICAS }),
};

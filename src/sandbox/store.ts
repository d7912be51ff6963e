/**
 * The simulated cluster's state and controllers, with no HTTP in it: scenarios and tests build
 * and change a cluster here, and drive time with `tick()`; the server only exposes it.
 */
import { deploymentDraft, type DeploymentOptions } from "./builders.js";
import { Kubelet } from "./controllers/kubelet.js";
import { collectGarbage, syncReplicaSets, updateReplicaSetStatuses } from "./controllers/replicaset.js";
import { syncDeployments } from "./controllers/deployment.js";
import { updateDeploymentStatuses } from "./controllers/deployment-status.js";
import { DEFAULT_CAPACITY, type NodeCapacity } from "./controllers/scheduler.js";
import { notFound } from "./errors.js";
import type { ExecHandler } from "./exec.js";
import { recordEvent, type Reporter } from "./events.js";
import { LogBook } from "./logs.js";
import { ObjectStore } from "./object-store.js";
import { matchesLabels, parseLabelSelector } from "./selectors.js";
import type { Deployment, ImageBehaviour, KubeObject, Namespace, Pod } from "./types.js";

export interface ClusterStoreOptions {
  /** The clock for timestamps and progress deadlines (tests can pin it). */
  now?: () => Date;
  nodeCapacity?: Partial<NodeCapacity>;
  /** Start without the default namespaces (default, kube-system, kube-public, kube-node-lease). */
  empty?: boolean;
}

/** Images that misbehave without being told to: a tag containing "bad" crashes, "missing" cannot be pulled. */
export function defaultImageBehaviour(image: string): ImageBehaviour {
  const tag = /:([^/:@]+)(@|$)/.exec(image)?.[1] ?? "";
  if (tag.includes("bad")) return { crash: true };
  if (tag.includes("missing")) return { unpullable: true };
  return {};
}

export class ClusterStore extends ObjectStore {
  readonly logs = new LogBook();
  readonly nodeCapacity: NodeCapacity;
  private readonly images = new Map<string, ImageBehaviour>();
  private readonly tickHooks = new Set<(store: ClusterStore) => void>();
  /** What `kubectl exec` commands answer, in the order registered (see exec.ts for the defaults). */
  readonly execHandlers = new Set<ExecHandler>();
  private readonly kubelet = new Kubelet(this);
  private tickCount = 0;

  constructor(opts: ClusterStoreOptions = {}) {
    super(opts.now);
    this.nodeCapacity = { ...DEFAULT_CAPACITY, ...opts.nodeCapacity };
    if (!opts.empty) for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) this.ensureNamespace(ns);
    // However a pod goes (kubelet, force delete, namespace deletion), its logs go with it and followers stop.
    this.subscribe((change) => {
      if (change.type === "DELETED" && change.resource === "pods") this.logs.forget(change.object.metadata.uid);
    });
  }

  /** Ticks run so far. */
  get ticks(): number {
    return this.tickCount;
  }

  /** One step of every controller, in the order a change travels: node, garbage, deployments, replica sets. */
  tick(): void {
    for (const hook of [...this.tickHooks]) hook(this);
    this.kubelet.step();
    collectGarbage(this);
    updateReplicaSetStatuses(this);
    syncDeployments(this);
    syncReplicaSets(this);
    updateDeploymentStatuses(this);
    this.tickCount++;
  }

  /** Tick until `done()` holds (checked before each tick); false if it did not within `maxTicks`. */
  tickUntil(done: () => boolean, maxTicks = 500): boolean {
    for (let i = 0; i < maxTicks; i++) {
      if (done()) return true;
      this.tick();
    }
    return done();
  }

  /** Run `hook` at the start of every tick (a scenario's clock-driven rules). Returns the remover. */
  onTick(hook: (store: ClusterStore) => void): () => void {
    this.tickHooks.add(hook);
    return () => this.tickHooks.delete(hook);
  }

  /** Answer commands run with `kubectl exec` (a scenario's health endpoint, a database). Returns the remover. */
  onExec(handler: ExecHandler): () => void {
    this.execHandlers.add(handler);
    return () => this.execHandlers.delete(handler);
  }

  setImageBehaviour(image: string, behaviour: ImageBehaviour): void {
    this.images.set(image, { ...behaviour });
  }

  imageBehaviour(image: string): ImageBehaviour {
    return this.images.get(image) ?? defaultImageBehaviour(image);
  }

  ensureNamespace(name: string): Namespace {
    return this.peek("namespaces", undefined, name) ?? this.create("namespaces", { metadata: { name } });
  }

  /** A deployment with N replicas of an image; its namespace is created if missing. Pods follow on the next ticks. */
  createDeployment(opts: DeploymentOptions): Deployment {
    const draft = deploymentDraft(opts);
    this.ensureNamespace(draft.metadata.namespace ?? "default");
    return this.create("deployments", draft);
  }

  /** Change a deployment's container image (what `kubectl set image` does), starting a rollout. */
  setDeploymentImage(namespace: string, name: string, image: string, container?: string): Deployment {
    const updated = this.mutate("deployments", namespace, name, (d) => {
      const target = d.spec.template.spec.containers.find((c) => container === undefined || c.name === container);
      if (target) target.image = image;
    });
    if (!updated) throw notFound("deployments", name);
    return updated;
  }

  /** Copies of the pods in a namespace (every namespace when undefined), optionally filtered by a label selector like "app=api". */
  listPods(namespace?: string, labelSelector?: string): Pod[] {
    const selector = parseLabelSelector(labelSelector);
    return this.list("pods", namespace).filter((p) => matchesLabels(selector, p.metadata.labels));
  }

  /** Pods of a deployment (by its selector's labels), for tests and scenario rules. */
  podsOf(namespace: string, deployment: string): Pod[] {
    const d = this.peek("deployments", namespace, deployment);
    const labels = d?.spec.selector.matchLabels ?? {};
    return this.peekAll("pods", namespace).filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v));
  }

  /** Append a line to a container's current log (the first container unless named); followers see it at once. */
  appendLog(namespace: string, pod: string, text: string, container?: string): void {
    const obj = this.peek("pods", namespace, pod);
    if (!obj) throw notFound("pods", pod);
    const name = container ?? obj.spec.containers[0]?.name ?? "";
    this.logs.append(obj.metadata.uid, name, { time: this.now().toISOString(), text });
  }

  /** Record an event about an object (folded into an existing one with a count when it repeats). */
  recordEvent(involved: KubeObject, type: "Normal" | "Warning", reason: string, message: string, reporter: Reporter = involved.kind === "Pod" ? "kubelet" : "deployment-controller"): void {
    recordEvent(this, involved, type, reason, message, reporter);
  }
}

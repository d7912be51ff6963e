/**
 * The simulated kubelet: moves each container of each scheduled pod through the states a real
 * node shows (ContainerCreating, Running, Error, CrashLoopBackOff, ErrImagePull, ImagePullBackOff),
 * one step per tick, writing the events and log lines an operator would look for.
 */
import { createHash, randomBytes } from "node:crypto";
import { recordEvent, type Reporter } from "../events.js";
import type { ClusterStore } from "../store.js";
import type { Container, ContainerStatus, ImageBehaviour, KubeObject, Pod } from "../types.js";
import { schedulePod } from "./scheduler.js";
import { podConditions } from "./pod-status.js";

/** Ticks a crashing container runs before it exits. */
export const CRASH_AFTER_TICKS = 2;
/** Ticks between the log lines a healthy container writes on its own. */
export const HEARTBEAT_TICKS = 5;
/** Longest back-off, in ticks, before a crashed container is restarted or a pull retried. */
export const MAX_BACKOFF_TICKS = 8;

type Stage = "creating" | "pull-failed" | "pull-backoff" | "running" | "exited" | "crash-backoff";

interface ContainerSim {
  stage: Stage;
  ticks: number;
  failures: number;
}

type PendingEvent = [type: "Normal" | "Warning", reason: string, message: string, fieldPath?: string];

function backoffTicks(failures: number): number {
  return Math.min(2 ** Math.max(0, failures - 1), MAX_BACKOFF_TICKS);
}

function imageId(image: string): string {
  const repo = image.split("@")[0]?.replace(/:[^/:]+$/, "") ?? image;
  return `${repo}@sha256:${createHash("sha256").update(image).digest("hex")}`;
}

function defaultStartupLogs(image: string, behaviour: ImageBehaviour, container: Container): string[] {
  if (behaviour.crash) {
    return [
      `INFO starting ${image}`,
      "ERROR failed to connect to database: dial tcp 10.96.0.12:5432: connect: connection refused",
      "FATAL giving up after 3 attempts, exiting",
    ];
  }
  const port = container.ports?.[0]?.containerPort ?? 8080;
  return [`INFO starting ${image}`, "INFO configuration loaded", `INFO listening on :${port}`];
}

export class Kubelet {
  private readonly sims = new Map<string, Map<string, ContainerSim>>();
  private readonly schedulingEvents = new Map<string, number>();

  constructor(private readonly store: ClusterStore) {}

  /** One tick of the node: bind pending pods, advance containers, remove terminating pods. */
  step(): void {
    const live = new Set<string>();
    for (const pod of this.store.peekAll("pods")) {
      live.add(pod.metadata.uid);
      if (pod.metadata.deletionTimestamp) this.terminate(pod);
      else if (!pod.spec.nodeName) schedulePod(this.store, pod, this.schedulingEvents);
      else this.advance(pod);
    }
    for (const uid of this.sims.keys()) if (!live.has(uid)) this.sims.delete(uid);
    for (const uid of this.schedulingEvents.keys()) if (!live.has(uid)) this.schedulingEvents.delete(uid);
  }

  private terminate(pod: Pod): void {
    const events: PendingEvent[] = pod.spec.containers
      .filter((c) => pod.status.containerStatuses?.find((s) => s.name === c.name)?.state.running)
      .map((c) => ["Normal", "Killing", `Stopping container ${c.name}`, `spec.containers{${c.name}}`]);
    this.emit(pod, events);
    this.store.delete("pods", pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0 });
  }

  private simFor(pod: Pod, container: string): ContainerSim {
    let containers = this.sims.get(pod.metadata.uid);
    if (!containers) this.sims.set(pod.metadata.uid, (containers = new Map()));
    let sim = containers.get(container);
    if (!sim) {
      // A pod written by a scenario may already be running; pick it up where it is.
      const running = pod.status.containerStatuses?.find((s) => s.name === container)?.state.running;
      containers.set(container, (sim = { stage: running ? "running" : "creating", ticks: 0, failures: 0 }));
    }
    return sim;
  }

  private advance(pod: Pod): void {
    const events: PendingEvent[] = [];
    const starts: Container[] = [];
    const exits: Container[] = [];
    const updated = this.store.mutate("pods", pod.metadata.namespace, pod.metadata.name, (draft) => {
      const now = this.store.timestamp();
      const statuses = draft.spec.containers.map((container) => {
        const status = draft.status.containerStatuses?.find((s) => s.name === container.name) ?? this.freshStatus(container);
        const sim = this.simFor(pod, container.name);
        const outcome = this.stepContainer(draft, container, status, sim, now);
        events.push(...outcome.events);
        if (outcome.started) starts.push(container);
        if (outcome.exited) exits.push(container);
        return status;
      });
      draft.status.containerStatuses = statuses;
      if (statuses.some((s) => s.started || s.restartCount > 0 || s.state.terminated)) draft.status.phase = "Running";
      if (draft.status.phase === "Running" && !draft.status.podIP) {
        const ip = `10.244.0.${(parseInt(pod.metadata.uid.slice(0, 2), 16) % 250) + 2}`;
        draft.status.podIP = ip;
        draft.status.podIPs = [{ ip }];
      }
      draft.status.conditions = podConditions(draft, now);
    });
    if (!updated) return;
    for (const c of exits) this.store.logs.end(pod.metadata.uid, c.name);
    for (const c of starts) {
      this.store.logs.start(pod.metadata.uid, c.name);
      const behaviour = this.store.imageBehaviour(c.image);
      for (const line of behaviour.logs ?? defaultStartupLogs(c.image, behaviour, c)) this.store.appendLog(pod.metadata.namespace ?? "default", pod.metadata.name, line, c.name);
    }
    this.heartbeat(updated);
    this.emit(updated, events);
  }

  private freshStatus(container: Container): ContainerStatus {
    return { name: container.name, image: container.image, imageID: "", ready: false, started: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } }, lastState: {} };
  }

  private start(status: ContainerStatus, container: Container, sim: ContainerSim, now: string): void {
    status.state = { running: { startedAt: now } };
    status.started = true;
    status.imageID = imageId(container.image);
    status.containerID = `containerd://${randomBytes(32).toString("hex")}`;
    status.ready = (this.store.imageBehaviour(container.image).readyAfterTicks ?? 0) <= 0 && !this.store.imageBehaviour(container.image).crash;
    sim.stage = "running";
    sim.ticks = 0;
  }

  private stepContainer(pod: Pod, container: Container, status: ContainerStatus, sim: ContainerSim, now: string) {
    const behaviour = this.store.imageBehaviour(container.image);
    const image = container.image;
    const at = `spec.containers{${container.name}}`;
    const events: PendingEvent[] = [];
    let started = false;
    let exited = false;
    sim.ticks++;
    const pull = (): void => {
      events.push(["Normal", "Pulling", `Pulling image "${image}"`, at]);
      if (behaviour.unpullable) {
        sim.failures++;
        const why = `failed to pull and unpack image "${image}": failed to resolve reference "${image}": not found`;
        events.push(["Warning", "Failed", `Failed to pull image "${image}": rpc error: code = NotFound desc = ${why}`, at], ["Warning", "Failed", "Error: ErrImagePull", at]);
        status.state = { waiting: { reason: "ErrImagePull", message: `rpc error: code = NotFound desc = ${why}` } };
        sim.stage = "pull-failed";
        sim.ticks = 0;
        return;
      }
      events.push(["Normal", "Pulled", `Successfully pulled image "${image}" in 812ms (812ms including waiting). Image size: 48213421 bytes.`, at]);
      events.push(["Normal", "Created", `Created container: ${container.name}`, at], ["Normal", "Started", `Started container ${container.name}`, at]);
      this.start(status, container, sim, now);
      started = true;
    };
    switch (sim.stage) {
      case "creating":
        pull();
        break;
      case "pull-failed":
        events.push(["Normal", "BackOff", `Back-off pulling image "${image}"`, at], ["Warning", "Failed", "Error: ImagePullBackOff", at]);
        status.state = { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}": ErrImagePull: not found` } };
        sim.stage = "pull-backoff";
        sim.ticks = 0;
        break;
      case "pull-backoff":
        if (sim.ticks >= backoffTicks(sim.failures)) pull();
        break;
      case "running":
        if (behaviour.crash && sim.ticks >= CRASH_AFTER_TICKS) {
          const startedAt = status.state.running?.startedAt ?? now;
          status.state = { terminated: { exitCode: behaviour.exitCode ?? 1, reason: "Error", startedAt, finishedAt: now, ...(status.containerID ? { containerID: status.containerID } : {}) } };
          status.ready = false;
          sim.stage = "exited";
          sim.ticks = 0;
          exited = true;
        } else if (!behaviour.crash && !status.ready && sim.ticks >= (behaviour.readyAfterTicks ?? 0)) {
          status.ready = true;
        }
        break;
      case "exited":
        if (status.restartCount === 0) {
          // The first crash restarts at once; later ones wait out a growing back-off.
          this.restart(status, container, sim, now, events, at);
          started = true;
        } else {
          sim.failures++;
          const seconds = 10 * 2 ** Math.min(sim.failures - 1, 5);
          status.lastState = { terminated: status.state.terminated ?? { exitCode: 1 } };
          status.state = { waiting: { reason: "CrashLoopBackOff", message: `back-off ${seconds}s restarting failed container=${container.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` } };
          events.push(["Warning", "BackOff", `Back-off restarting failed container ${container.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`, at]);
          sim.stage = "crash-backoff";
          sim.ticks = 0;
        }
        break;
      case "crash-backoff":
        if (sim.ticks >= backoffTicks(sim.failures)) {
          this.restart(status, container, sim, now, events, at);
          started = true;
        }
        break;
    }
    return { events, started, exited };
  }

  private restart(status: ContainerStatus, container: Container, sim: ContainerSim, now: string, events: PendingEvent[], at: string): void {
    if (status.state.terminated) status.lastState = { terminated: status.state.terminated };
    status.restartCount++;
    events.push(["Normal", "Pulled", `Container image "${container.image}" already present on machine`, at]);
    events.push(["Normal", "Created", `Created container: ${container.name}`, at], ["Normal", "Started", `Started container ${container.name}`, at]);
    this.start(status, container, sim, now);
  }

  private heartbeat(pod: Pod): void {
    for (const status of pod.status.containerStatuses ?? []) {
      const sim = this.sims.get(pod.metadata.uid)?.get(status.name);
      if (!sim || sim.stage !== "running" || sim.ticks === 0 || sim.ticks % HEARTBEAT_TICKS !== 0) continue;
      if (this.store.imageBehaviour(status.image).crash) continue;
      this.store.appendLog(pod.metadata.namespace ?? "default", pod.metadata.name, `INFO GET /healthz 200 ${1 + (sim.ticks % 7)}ms`, status.name);
    }
  }

  private emit(obj: KubeObject, events: PendingEvent[], reporter: Reporter = "kubelet"): void {
    for (const [type, reason, message, fieldPath] of events) recordEvent(this.store, obj, type, reason, message, reporter, fieldPath);
  }
}

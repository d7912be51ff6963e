/**
 * A scenario file (kind: Scenario) made into the Scenario every drill runs: the same setup and
 * health a TypeScript scenario has, built from data. Checked before it gets here (scenario-lint.ts):
 * every object a condition or change names exists.
 */
import { mkdir, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { parseDuration } from "../../runbooks/duration.js";
import type { ScenarioSpec, ImageBehaviourSpec, EndpointSpec } from "../../runbooks/scenario-schema.js";
import { qualifiedRef } from "../../runbooks/scenario-lint.js";
import { DRILL_TICK_MS } from "../drill.js";
import type { ClusterStore } from "../store.js";
import type { ImageBehaviour } from "../types.js";
import type { DrillWorld, Scenario } from "./types.js";
import { judge, type WorldView } from "./world-conditions.js";

/** How many steps of the cluster a world may take to settle, before or after its incident, before the scenario is called broken. */
export const SETTLE_TICKS = 500;

const NEVER = Number.MAX_SAFE_INTEGER;

/** What the simulated kubelet does with an image of this behaviour; a duration is counted in ticks at drill speed. */
export function imageBehaviourOf(spec: ImageBehaviourSpec): ImageBehaviour {
  const logs = "logs" in spec && spec.logs !== undefined ? { logs: [...spec.logs] } : {};
  switch (spec.behaviour) {
    case "crashloop":
      return { crash: true, ...(spec.exitCode !== undefined ? { exitCode: spec.exitCode } : {}), ...logs };
    case "never-ready":
      return { readyAfterTicks: NEVER, ...logs };
    case "pull-error":
      return { unpullable: true };
    case "healthy":
      return { ...logs };
    case "slow-start":
      return { readyAfterTicks: Math.ceil((parseDuration(spec.readyAfter) ?? 0) / DRILL_TICK_MS), ...logs };
  }
}

function split(ref: string): [string, string] {
  return qualifiedRef(ref).split("/") as [string, string];
}

/** Whether pods of this image can ever get ready, and after how many ticks. */
function readyAfter(store: ClusterStore, image: string): number | undefined {
  const b = store.imageBehaviour(image);
  if (b.crash || b.unpullable || (b.readyAfterTicks ?? 0) >= NEVER) return undefined;
  return b.readyAfterTicks ?? 0;
}

/** The world before the incident: objects created, pods settled, the events of its past recorded. */
function buildCluster(spec: ScenarioSpec, store: ClusterStore): void {
  const c = spec.cluster;
  for (const ns of c.namespaces ?? []) store.ensureNamespace(ns);
  for (const d of c.deployments ?? []) {
    store.createDeployment({
      name: d.name,
      namespace: d.namespace ?? "default",
      image: d.image,
      replicas: d.replicas ?? 1,
      ...(d.labels ? { labels: d.labels } : {}),
      ...(d.strategy ? { strategy: { type: d.strategy } } : {}),
      ...(d.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: d.progressDeadlineSeconds } : {}),
      ...(d.port !== undefined ? { port: d.port } : {}),
      ...(d.env ? { env: d.env } : {}),
    });
  }
  for (const s of c.services ?? []) {
    store.ensureNamespace(s.namespace ?? "default");
    const ports = s.ports.map((p) => (typeof p === "number" ? { port: p } : { ...p }));
    store.create("services", { metadata: { name: s.name, namespace: s.namespace ?? "default", labels: { app: s.name } }, spec: { type: s.type ?? "ClusterIP", selector: s.selector ?? { app: s.name }, ports } });
  }
  for (const m of c.configMaps ?? []) {
    store.ensureNamespace(m.namespace ?? "default");
    store.create("configmaps", { metadata: { name: m.name, namespace: m.namespace ?? "default" }, data: { ...m.data } });
  }
  // Every deployment whose image can get ready has its pods ready: the service as it ran before the incident.
  const waits = (c.deployments ?? []).flatMap((d) => {
    const after = readyAfter(store, d.image);
    return after === undefined ? [] : [{ d, after }];
  });
  const settled = store.tickUntil(
    () => waits.every(({ d }) => store.podsOf(d.namespace ?? "default", d.name).filter((p) => p.spec.containers.every((k) => k.image === d.image) && p.status.containerStatuses?.every((s) => s.ready) === true).length === (d.replicas ?? 1)),
    SETTLE_TICKS + Math.max(0, ...waits.map((w) => w.after)),
  );
  if (!settled) throw new Error(`scenario ${spec.id}: the starting cluster did not settle (every deployment's pods ready) within ${SETTLE_TICKS} steps`);
  for (const e of c.events ?? []) {
    const [kind, name] = e.object.split("/") as ["deployment" | "service", string];
    const involved = kind === "deployment" ? store.peek("deployments", e.namespace ?? "default", name) : store.peek("services", e.namespace ?? "default", name);
    if (!involved) continue;
    for (let i = 0; i < (e.count ?? 1); i++) store.recordEvent(involved, e.type ?? "Warning", e.reason, e.message, kind === "deployment" ? "deployment-controller" : "service-controller");
  }
}

function applyChanges(spec: ScenarioSpec, store: ClusterStore): void {
  for (const change of spec.incident?.changes ?? []) {
    if (change.setImage !== undefined) {
      const [ns, name] = split(change.setImage);
      store.setDeploymentImage(ns, name, change.image!);
    } else if (change.scale !== undefined) {
      const [ns, name] = split(change.scale);
      store.mutate("deployments", ns, name, (d) => {
        d.spec.replicas = change.replicas!;
      });
    }
  }
}

/** The answer an endpoint gives now: the first whose condition holds (the last has none). */
function answerOf(endpoint: EndpointSpec, view: WorldView) {
  return endpoint.answers.find((a) => a.when === undefined || judge(a.when, view).holds) ?? endpoint.answers[endpoint.answers.length - 1]!;
}

function endpointHandler(spec: ScenarioSpec, view: WorldView) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const endpoint = spec.endpoints?.find((e) => e.path === path);
    if (!endpoint) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(`${JSON.stringify({ error: `not found: ${path}` })}\n`);
      return;
    }
    const a = answerOf(endpoint, view);
    const json = a.body !== undefined && typeof a.body !== "string";
    // Header names are case-insensitive: the file's own content-type, however written, replaces the default.
    const headers = Object.fromEntries(Object.entries(a.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    res.writeHead(a.status, { "content-type": json ? "application/json" : "text/plain; charset=utf-8", ...headers });
    res.end(a.body === undefined ? "" : json ? `${JSON.stringify(a.body)}\n` : a.body);
  };
}

export interface ScenarioOrigin {
  /** What `drill --list` shows: "built-in", or the file's path. */
  source: string;
  /** The file it was read from. */
  file: string;
}

/** The Scenario a checked scenario file describes. */
export function compileScenario(spec: ScenarioSpec, origin: ScenarioOrigin): Scenario {
  const replicas = new Map((spec.cluster.deployments ?? []).map((d) => [`${d.namespace ?? "default"}/${d.name}`, d.replicas ?? 1]));
  const views = new WeakMap<DrillWorld, WorldView>();
  const viewOf = (world: DrillWorld): WorldView => {
    let view = views.get(world);
    if (!view) {
      const base: WorldView = { store: world.kube.store, replicas };
      const endpoints = new Map((spec.endpoints ?? []).map((e) => [e.path, e]));
      view = { ...base, endpointStatus: (path) => {
        const e = endpoints.get(path);
        return e ? answerOf(e, base).status : 404;
      } };
      views.set(world, view);
    }
    return view;
  };
  return {
    id: spec.id,
    runbook: spec.runbook,
    title: spec.title,
    briefing: spec.briefing.trim(),
    severity: spec.severity,
    remedy: { ...spec.fixes },
    ...(spec.alsoFixes ? { alsoFixes: spec.alsoFixes.map((f) => ({ ...f })) } : {}),
    source: origin.source,
    file: origin.file,
    async setup(world) {
      const store = world.kube.store;
      for (const [image, behaviour] of Object.entries(spec.images ?? {})) store.setImageBehaviour(image, imageBehaviourOf(behaviour));
      buildCluster(spec, store);
      applyChanges(spec, store);
      const view = viewOf(world);
      const until = spec.incident?.until;
      if (until && !store.tickUntil(() => judge(until, view).holds, SETTLE_TICKS)) {
        throw new Error(`scenario ${spec.id}: the incident did not set in (incident.until) within ${SETTLE_TICKS} steps of the cluster: ${judge(until, view).detail}`);
      }
      for (const [rel, text] of Object.entries(spec.files ?? {})) {
        const file = path.join(world.dir, rel);
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, text);
      }
      const inputs: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(spec.inputs ?? {})) inputs[name] = Array.isArray(value) ? value.map(String) : String(value);
      if ((spec.endpoints ?? []).length > 0) {
        const base = await world.serve(spec.id, endpointHandler(spec, view));
        for (const e of spec.endpoints ?? []) if (e.input !== undefined) inputs[e.input] = `${base}${e.path}`;
      }
      return inputs;
    },
    health(world) {
      const j = judge(spec.health, viewOf(world));
      return { healthy: j.holds, detail: j.detail, ...(j.settling ? { settling: true } : {}) };
    },
  };
}

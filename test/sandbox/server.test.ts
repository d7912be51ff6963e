/**
 * The HTTP contract itself, spoken directly: discovery, Tables, conflicts, patches, watch
 * semantics, and a stop() that does not wait for open watches. Time is driven by hand (tickMs 0).
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeSandbox, type KubeSandbox } from "../../src/sandbox/index.js";

let sb: KubeSandbox;

beforeAll(async () => {
  sb = await startKubeSandbox({ tickMs: 0, seed: (store) => store.createDeployment({ name: "api", image: "shop/api:1.0", replicas: 2 }) });
  sb.store.tickUntil(() => sb.store.peek("deployments", "default", "api")?.status.availableReplicas === 2);
});

afterAll(async () => {
  await sb?.stop();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: { Accept: "application/json", ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, type: res.headers.get("content-type") ?? "", json: (await res.json()) as Record<string, unknown> };
}

interface WatchEvent {
  type: string;
  object: { metadata: { name: string }; status: { phase: string } };
}

interface TableRow {
  cells: unknown[];
  object: Record<string, unknown>;
}

/** Open a watch and collect its event lines until one satisfies `last`. */
function watchLines(path: string, last: (event: WatchEvent) => boolean): { lines: Promise<WatchEvent[]>; abort: () => void } {
  const controller = new AbortController();
  const lines = (async () => {
    const res = await fetch(`${sb.url}${path}`, { signal: controller.signal });
    const out: WatchEvent[] = [];
    let buffer = "";
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += Buffer.from(chunk).toString();
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        out.push(JSON.parse(buffer.slice(0, nl)) as WatchEvent);
        buffer = buffer.slice(nl + 1);
      }
      if (out.some(last)) break;
    }
    controller.abort();
    return out;
  })();
  return { lines, abort: () => controller.abort() };
}

describe("discovery", () => {
  it("serves version, groups and resources, answering aggregated requests with plain JSON", async () => {
    expect((await call("GET", "/version")).json).toMatchObject({ major: "1", minor: "32" });
    const aggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
    const apis = await call("GET", "/apis", undefined, { Accept: aggregated });
    expect(apis.type).toBe("application/json");
    expect(apis.json).toMatchObject({ kind: "APIGroupList", groups: [{ name: "apps", preferredVersion: { groupVersion: "apps/v1" } }] });
    const core = await call("GET", "/api/v1");
    expect((core.json.resources as { name: string }[]).map((r) => r.name)).toEqual(["namespaces", "namespaces/status", "pods", "pods/log", "pods/status", "events", "services", "services/status", "configmaps"]);
    const apps = await call("GET", "/apis/apps/v1");
    expect((apps.json.resources as { name: string }[]).find((r) => r.name === "deployments/scale")).toMatchObject({ group: "autoscaling", version: "v1", kind: "Scale" });
  });
});

describe("tables", () => {
  const table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

  it("carries PartialObjectMetadata by default and the full object when asked", async () => {
    const partial = await call("GET", "/apis/apps/v1/namespaces/default/deployments", undefined, { Accept: table });
    expect(partial.json).toMatchObject({ kind: "Table", apiVersion: "meta.k8s.io/v1" });
    expect((partial.json.columnDefinitions as { name: string }[]).map((c) => c.name).slice(0, 5)).toEqual(["Name", "Ready", "Up-to-date", "Available", "Age"]);
    const [row] = partial.json.rows as TableRow[];
    expect(row?.cells.slice(0, 4)).toEqual(["api", "2/2", 2, 2]);
    expect(row?.object).toMatchObject({ kind: "PartialObjectMetadata", metadata: { name: "api" } });
    const full = await call("GET", "/api/v1/namespaces/default/pods?includeObject=Object", undefined, { Accept: table });
    expect((full.json.rows as TableRow[])[0]?.object).toMatchObject({ kind: "Pod", spec: { containers: [{ image: "shop/api:1.0" }] } });
  });
});

describe("writes", () => {
  it("refuses a duplicate (409 AlreadyExists) and a stale update (409 Conflict)", async () => {
    const dup = await call("POST", "/api/v1/namespaces", { metadata: { name: "default" } });
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({ kind: "Status", reason: "AlreadyExists", message: 'namespaces "default" already exists' });
    const current = await call("GET", "/apis/apps/v1/namespaces/default/deployments/api");
    const stale = { ...current.json, metadata: { ...(current.json.metadata as object), resourceVersion: "1" } };
    const put = await call("PUT", "/apis/apps/v1/namespaces/default/deployments/api", stale);
    expect(put.status).toBe(409);
    expect(put.json.message).toBe('Operation cannot be fulfilled on deployments.apps "api": the object has been modified; please apply your changes to the latest version and try again');
  });

  it("applies JSON Patch, refuses a failed test op and an invalid result", async () => {
    const jsonPatch = { "Content-Type": "application/json-patch+json" };
    const ok = await call("PATCH", "/apis/apps/v1/namespaces/default/deployments/api", [{ op: "test", path: "/spec/replicas", value: 2 }, { op: "replace", path: "/spec/replicas", value: 3 }], jsonPatch);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ spec: { replicas: 3 }, metadata: { generation: 2 } });
    const failed = await call("PATCH", "/apis/apps/v1/namespaces/default/deployments/api", [{ op: "test", path: "/spec/replicas", value: 9 }], jsonPatch);
    expect(failed.status).toBe(422);
    const invalid = await call("PATCH", "/apis/apps/v1/namespaces/default/deployments/api", { spec: { replicas: -1 } }, { "Content-Type": "application/merge-patch+json" });
    expect(invalid.status).toBe(422);
    expect(invalid.json.message).toBe('Deployment.apps "api" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });

  it("merges containers by name in a strategic merge patch, as `kubectl set image` sends it", async () => {
    const patch = { spec: { template: { spec: { "$setElementOrder/containers": [{ name: "api" }], containers: [{ name: "api", image: "shop/api:1.1" }] } } } };
    const r = await call("PATCH", "/apis/apps/v1/namespaces/default/deployments/api", patch, { "Content-Type": "application/strategic-merge-patch+json" });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ spec: { template: { spec: { containers: [{ name: "api", image: "shop/api:1.1", ports: [{ containerPort: 8080, protocol: "TCP" }] }] } } } });
    expect(JSON.stringify(r.json)).not.toContain("$setElementOrder");
  });
});

describe("watch", () => {
  it("replays changes after a list's resourceVersion, and reports pods leaving a field selector as DELETED", async () => {
    const list = await call("GET", "/api/v1/namespaces/default/pods");
    const rv = (list.json.metadata as { resourceVersion: string }).resourceVersion;
    sb.store.mutate("deployments", "default", "api", (d) => {
      d.spec.replicas += 1;
    });
    sb.store.tickUntil(() => sb.store.peekAll("pods").some((p) => p.status.phase === "Pending"));
    const pending = sb.store.peekAll("pods").find((p) => p.status.phase === "Pending")?.metadata.name;
    // Opened after the pod was created: the ADDED comes from the replay, not from a live event.
    const watch = watchLines(`/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv}&fieldSelector=status.phase%3DPending`, (e) => e.type === "DELETED" && e.object.metadata.name === pending);
    await new Promise((r) => setImmediate(r));
    sb.store.tickUntil(() => sb.store.peek("pods", "default", pending ?? "")?.status.phase === "Running");
    const events = (await watch.lines).filter((e) => e.object.metadata.name === pending);
    // ADDED from the replay, MODIFIED when scheduled (still Pending), DELETED once Running no longer matches.
    expect(events.map((e) => e.type)).toEqual(["ADDED", "MODIFIED", "DELETED"]);
    expect(events.at(-1)?.object.status.phase).toBe("Running");
  });

  it("stop() ends open watches at once", async () => {
    const other = await startKubeSandbox({ tickMs: 0 });
    let connected: () => void = () => undefined;
    const isConnected = new Promise<void>((resolve) => (connected = resolve));
    const ended = new Promise<string>((resolve) => {
      const req = request(`${other.url}/api/v1/pods?watch=true`, (res) => {
        connected();
        res.resume();
        res.on("end", () => resolve("ended"));
        res.on("error", () => resolve("ended"));
      });
      req.on("error", () => resolve("ended"));
      req.end();
    });
    await isConnected;
    const started = Date.now();
    await other.stop();
    expect(await ended).toBe("ended");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

/** Resource requests: get, list, create, replace, patch, delete, and the scale subresource. */
import { includeObject, isTrue, type RequestContext } from "./context.js";
import { ApiError, badRequest, notFound } from "./errors.js";
import { readJsonBody, sendJson } from "./http.js";
import { applyPatch, type Json } from "./patch.js";
import { serveLogs } from "./pod-logs.js";
import { apiVersionOf } from "./resources.js";
import { fromLabelSelector, matchesFilter, parseFieldSelector, parseLabelSelector, selectorToString, type ObjectFilter } from "./selectors.js";
import { toTable } from "./tables.js";
import type { Deployment, KubeObject, ReplicaSet } from "./types.js";
import { serveWatch } from "./watch.js";

type Obj = Record<string, unknown> & { metadata?: Record<string, unknown> };

function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function requestFilter(ctx: RequestContext): ObjectFilter {
  return {
    labels: parseLabelSelector(ctx.query.get("labelSelector")),
    fields: parseFieldSelector(ctx.query.get("fieldSelector"), ctx.route.info.name),
  };
}

function dryRun(ctx: RequestContext): boolean {
  return ctx.query.getAll("dryRun").includes("All");
}

function sendObjects(ctx: RequestContext, objects: KubeObject[], single: boolean): void {
  const { store, route, query } = ctx;
  if (ctx.table) {
    sendJson(ctx.res, 200, toTable(route.info.name, objects, { include: includeObject(query), now: store.now(), resourceVersion: store.resourceVersion }));
  } else if (single) {
    sendJson(ctx.res, 200, objects[0]);
  } else {
    sendJson(ctx.res, 200, { kind: route.info.listKind, apiVersion: apiVersionOf(route.info), metadata: { resourceVersion: store.resourceVersion }, items: objects });
  }
}

function current(ctx: RequestContext): KubeObject {
  const { info, namespace, name } = ctx.route;
  const obj = ctx.store.peek(info.name, namespace, name ?? "");
  if (!obj) throw notFound(info.name, name ?? "");
  return obj;
}

function toScale(obj: Deployment | ReplicaSet): Record<string, unknown> {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: obj.spec.replicas },
    status: { replicas: obj.status.replicas ?? 0, selector: selectorToString(fromLabelSelector(obj.spec.selector)) },
  };
}

/** Write a Scale (from PUT or a patched copy) back into the deployment or replica set it stands for. */
function writeScale(ctx: RequestContext, target: Deployment | ReplicaSet, scale: unknown): void {
  const { info, name = "" } = ctx.route;
  const replicas = isObj(scale) && isObj(scale.spec) ? scale.spec.replicas : undefined;
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError(422, "Invalid", `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
  const rv = isObj(scale) && isObj(scale.metadata) ? scale.metadata.resourceVersion : undefined;
  const updated = ctx.store.replace(
    info.name,
    { ...structuredClone(target), metadata: { ...structuredClone(target.metadata), ...(typeof rv === "string" && rv ? { resourceVersion: rv } : {}) }, spec: { ...structuredClone(target.spec), replicas } },
    { dryRun: dryRun(ctx) },
  ) as Deployment | ReplicaSet;
  sendJson(ctx.res, 200, toScale(updated));
}

async function handleGet(ctx: RequestContext): Promise<void> {
  const { route, query, store } = ctx;
  if (route.subresource === "log") return serveLogs(ctx);
  if (route.watchPath || isTrue(query.get("watch"))) return serveWatch(ctx, requestFilter(ctx));
  if (route.name) {
    const obj = current(ctx);
    if (route.subresource === "scale") return sendJson(ctx.res, 200, toScale(obj as Deployment | ReplicaSet));
    return sendObjects(ctx, [obj], true);
  }
  const filter = requestFilter(ctx);
  sendObjects(ctx, store.listOrder(route.info.name, route.namespace).filter((o) => matchesFilter(filter, o)), false);
}

function withIdentity(ctx: RequestContext, body: unknown): Obj {
  if (!isObj(body)) throw badRequest("the request body must be a JSON object");
  const { route } = ctx;
  const meta: Record<string, unknown> = isObj(body.metadata) ? { ...body.metadata } : {};
  if (route.info.namespaced) {
    if (meta.namespace !== undefined && meta.namespace !== "" && meta.namespace !== route.namespace) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    meta.namespace = route.namespace;
  }
  if (route.name !== undefined) {
    if (meta.name !== undefined && meta.name !== route.name) throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${route.name})`);
    meta.name = route.name;
  }
  return { ...body, metadata: meta };
}

async function handleWrite(ctx: RequestContext): Promise<void> {
  const { req, route, store, res } = ctx;
  const method = req.method ?? "GET";
  const opts = { dryRun: dryRun(ctx) };
  if (method === "POST") {
    if (route.name) throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    return sendJson(res, 201, store.create(route.info.name, withIdentity(ctx, await readJsonBody(req)), opts));
  }
  if (method === "DELETE") {
    if (!route.name) {
      const filter = requestFilter(ctx);
      const victims = store.peekAll(route.info.name, route.namespace).filter((o) => matchesFilter(filter, o));
      const deleted = victims.map((o) => store.delete(route.info.name, o.metadata.namespace, o.metadata.name, opts));
      return sendJson(res, 200, { kind: route.info.listKind, apiVersion: apiVersionOf(route.info), metadata: { resourceVersion: store.resourceVersion }, items: deleted });
    }
    const body = await readJsonBody(req);
    const fromBody = isObj(body) && typeof body.gracePeriodSeconds === "number" ? body.gracePeriodSeconds : undefined;
    const fromQuery = ctx.query.get("gracePeriodSeconds");
    const gracePeriodSeconds = fromBody ?? (fromQuery !== null ? Number(fromQuery) : undefined);
    return sendJson(res, 200, store.delete(route.info.name, route.namespace, route.name, { ...opts, ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}) }));
  }
  if (!route.name) throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  // Body first, then the object: a controller tick can write while the body arrives, and a patch
  // applied to the copy read before it would fail with a conflict no real API server reports.
  const body = await readJsonBody(req);
  const target = current(ctx);
  if (route.subresource === "scale") {
    const scale = method === "PATCH" ? applyPatch(req.headers["content-type"] ?? "", toScale(target as Deployment) as Json, body as Json) : body;
    return writeScale(ctx, target as Deployment | ReplicaSet, scale);
  }
  const next = method === "PATCH" ? applyPatch(req.headers["content-type"] ?? "", target as unknown as Json, body as Json) : body;
  const updated = store.replace(route.info.name, withIdentity(ctx, next), { ...opts, withStatus: route.subresource === "status" });
  sendJson(res, 200, updated);
}

/** Serve one request for a resource URL; throws ApiError for the server to turn into a Status. */
export async function handleResource(ctx: RequestContext): Promise<void> {
  const method = ctx.req.method ?? "GET";
  if (method === "GET" || method === "HEAD") return handleGet(ctx);
  if (["POST", "PUT", "PATCH", "DELETE"].includes(method)) {
    if (ctx.route.subresource === "log") throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    return handleWrite(ctx);
  }
  throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

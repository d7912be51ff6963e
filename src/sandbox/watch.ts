/**
 * `?watch=true`: a chunked stream of `{"type":…,"object":…}` lines. Without a resourceVersion (or
 * with "0") it opens with ADDED for what exists; with one it replays the changes since, so a list
 * followed by a watch (kubectl's and client-go's pattern) misses nothing. An object that stops
 * matching the selectors is reported DELETED, one that starts matching ADDED, as the real server does.
 */
import { statusObject } from "./errors.js";
import { includeObject, type RequestContext } from "./context.js";
import { apiVersionOf } from "./resources.js";
import { matchesFilter, type ObjectFilter } from "./selectors.js";
import { toTable } from "./tables.js";
import type { ChangeEvent, KubeObject } from "./types.js";

type WatchType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export function serveWatch(ctx: RequestContext, filter: ObjectFilter): void {
  const { store, route, query, req, res } = ctx;
  const info = route.info;
  const matches = (obj: KubeObject | undefined): boolean =>
    obj !== undefined && (route.namespace === undefined || obj.metadata.namespace === route.namespace) && (route.name === undefined || obj.metadata.name === route.name) && matchesFilter(filter, obj);
  const encode = (obj: unknown): unknown =>
    ctx.table ? toTable(info.name, [obj as KubeObject], { include: includeObject(query), now: store.now() }) : obj;

  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private", "Transfer-Encoding": "chunked" });
  res.flushHeaders();
  let open = true;
  const write = (type: WatchType, object: unknown): void => {
    if (open) res.write(`${JSON.stringify({ type, object: type === "ERROR" || type === "BOOKMARK" ? object : encode(object) })}\n`);
  };
  const deliver = (change: ChangeEvent): void => {
    if (change.resource !== info.name) return;
    const now = matches(change.object);
    const was = matches(change.previous);
    if (change.type === "ADDED" && now) write("ADDED", change.object);
    else if (change.type === "DELETED" && (now || was)) write("DELETED", change.object);
    else if (change.type === "MODIFIED") {
      if (now && was) write("MODIFIED", change.object);
      else if (now) write("ADDED", change.object);
      else if (was) write("DELETED", change.object);
    }
  };

  const rv = query.get("resourceVersion") ?? "";
  const sendInitial = query.get("sendInitialEvents") === "true";
  if (rv === "" || rv === "0" || sendInitial) {
    for (const obj of store.listOrder(info.name, route.namespace)) if (matches(obj)) write("ADDED", obj);
    if (sendInitial) {
      write("BOOKMARK", { kind: info.kind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: store.resourceVersion, annotations: { "k8s.io/initial-events-end": "true" } } });
    }
  } else {
    const changes = /^\d+$/.test(rv) ? store.changesSince(Number(rv)) : undefined;
    if (!changes) {
      write("ERROR", statusObject(410, "Expired", `too old resource version: ${rv} (${store.resourceVersion})`));
      res.end();
      return;
    }
    for (const change of changes) deliver(change);
  }

  const unsubscribe = store.subscribe(deliver);
  const timeoutSeconds = Number(query.get("timeoutSeconds") ?? "0");
  const timer = timeoutSeconds > 0 ? setTimeout(() => close(), timeoutSeconds * 1000) : undefined;
  function close(): void {
    if (!open) return;
    open = false;
    unsubscribe();
    if (timer) clearTimeout(timer);
    ctx.streams.delete(close);
    res.end();
  }
  ctx.streams.add(close);
  req.on("close", close);
  res.on("close", close);
}

/**
 * `GET …/pods/NAME/log`: the current or previous container instance, `tailLines`, `sinceSeconds`,
 * `timestamps`, `limitBytes`, and `follow`, which keeps the response open and streams lines as the
 * store appends them until the container stops, the pod goes, or the client hangs up.
 */
import { isTrue, type RequestContext } from "./context.js";
import { badRequest, notFound } from "./errors.js";
import type { LogLine } from "./logs.js";
import type { Pod } from "./types.js";

const DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";

function pickContainer(pod: Pod, requested: string | null): string {
  const names = pod.spec.containers.map((c) => c.name);
  if (requested) {
    if (!names.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
    return requested;
  }
  const annotated = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && names.includes(annotated)) return annotated;
  if (names.length === 1 && names[0] !== undefined) return names[0];
  throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(" ")}]`);
}

export function serveLogs(ctx: RequestContext): void {
  const { store, route, query, req, res } = ctx;
  const pod = store.peek("pods", route.namespace, route.name ?? "");
  if (!pod) throw notFound("pods", route.name ?? "");
  const container = pickContainer(pod, query.get("container"));
  const previous = isTrue(query.get("previous"));
  const tail = query.get("tailLines");
  const since = query.get("sinceSeconds");
  const limitBytes = Number(query.get("limitBytes") ?? "0");
  const timestamps = isTrue(query.get("timestamps"));
  const uid = pod.metadata.uid;
  const lines = store.logs.read(uid, container, { previous, ...(tail !== null ? { tailLines: Number(tail) } : {}) });
  if (!lines) {
    if (previous) throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
    const waiting = pod.status.containerStatuses?.find((s) => s.name === container)?.state.waiting?.reason ?? "ContainerCreating";
    throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${waiting}`);
  }
  const cutoff = since !== null ? store.now().getTime() - Number(since) * 1000 : -Infinity;
  let budget = limitBytes > 0 ? limitBytes : Infinity;
  const format = (line: LogLine): string => `${timestamps ? `${line.time} ` : ""}${line.text}\n`;

  res.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache, private", "Transfer-Encoding": "chunked" });
  let open = true;
  const write = (line: LogLine): void => {
    if (!open || Date.parse(line.time) < cutoff || budget <= 0) return;
    const text = format(line);
    const chunk = Buffer.byteLength(text) > budget ? Buffer.from(text).subarray(0, budget).toString() : text;
    budget -= Buffer.byteLength(chunk);
    res.write(chunk);
  };
  for (const line of lines) write(line);
  if (!isTrue(query.get("follow")) || previous || !store.logs.isLive(uid, container) || budget <= 0) {
    res.end();
    return;
  }
  res.flushHeaders();
  const unsubscribe = store.logs.subscribe((event) => {
    if (event.podUid !== uid || event.container !== container) return;
    if (event.kind === "line") write(event.line);
    else close();
  });
  function close(): void {
    if (!open) return;
    open = false;
    unsubscribe();
    ctx.streams.delete(close);
    res.end();
  }
  ctx.streams.add(close);
  req.on("close", close);
  res.on("close", close);
}

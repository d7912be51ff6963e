/**
 * Pods of a service, live: what the console's cluster panel shows. One plain GET lists them,
 * rows handed on as they parse; a watch from the list's resourceVersion follows. client-node is
 * loaded only for a kubeconfig that needs it (pod-watch-client-node.ts).
 */
import type { IncomingMessage } from "node:http";
import { StringDecoder } from "node:string_decoder";
import { CredentialError } from "./kube-credentials.js";
import { kubeEndpoint, type KubeEndpoint } from "./kube-request.js";
import type { PodSummary } from "./k8s.js";
import { ListReader } from "./list-stream.js";
import { clientNodeSession } from "./pod-watch-client-node.js";
import { panelPod, type SessionSink } from "./pod-session.js";
import type { KubeTarget } from "./types.js";
import type * as K8s from "@kubernetes/client-node";

/**
 * Pod changes are gathered for at most one frame before the panel is told; a lone change is told
 * at once. A frame is the console's (30 fps, 34 ms as Ink rounds it), counted from when the last
 * batch has been handed on and drawn: Ink restarts its throttle on every render asked for within
 * it, so a batch landing a little early would wait a whole extra frame.
 */
export const POD_WATCH_FRAME_MS = 34;
/**
 * While a list arrives, the rows it has brought so far are shown at once and then at this pace:
 * a frame of 5,000 pods costs as much as parsing a few hundred of them, so drawing every frame
 * would hold the whole list back.
 */
export const POD_LIST_FRAME_MS = 250;
/** A list, or a watch's first answer, not back within this is given up and tried again. */
export const POD_WATCH_REQUEST_TIMEOUT_MS = 10_000;
const RETRY_MS = 1_000;

/** What the panel shows. */
export interface PodsState {
  items: PodSummary[];
  /** The list is still arriving: `items` is not all of them. */
  listing: boolean;
  /** The connection to the cluster is lost: `items` are the pods as last seen, their status now unknown. */
  stale: boolean;
  /** One line: what went wrong, and what to do when there is something to do. */
  error?: string;
}

export interface PodWatch {
  stop(): void;
}

/** A failed HTTP answer, with the API server's own message when it sent a Status. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The one line the panel shows for a failure: what failed, and what to do (a plugin's installHint). */
export function panelError(e: unknown): string {
  // client-node's ApiException carries the HTTP status as a number and the Status in its body.
  const api = e as { code?: unknown; body?: unknown; message?: string };
  if (!(e instanceof HttpStatusError) && typeof api.code === "number") return panelError(new HttpStatusError(api.code, statusText(api.body) ?? api.message?.split("\n")[0] ?? ""));
  if (e instanceof CredentialError) return `${e.message.split("\n")[0]!}${e.hint ? ` — ${e.hint}` : ""}`;
  if (e instanceof HttpStatusError) {
    if (e.status === 401) return "the cluster rejected the credentials (401 Unauthorized): log in again or refresh the kubeconfig's token";
    if (e.status === 403) return `forbidden by RBAC: ${e.message}`;
    return `the cluster answered ${e.status}: ${e.message}`;
  }
  const err = e as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  if (code === "ECONNREFUSED") return "the cluster refused the connection";
  if (err.name === "AbortError" || err.name === "TimeoutError") return "the cluster did not answer in time";
  if (code && /CERT|SELF_SIGNED|LEAF_SIGNATURE|ISSUER|TLS|SSL|OSSL/.test(code)) return `the cluster's TLS certificate was not accepted: ${err.message ?? code}`;
  return (err.message ?? String(e)).split("\n")[0]!;
}

/** The message of a Kubernetes Status (as JSON text or parsed), if that is what `body` is. */
function statusText(body: unknown): string | undefined {
  let status = body;
  if (typeof body === "string") {
    try {
      status = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const message = (status as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : undefined;
}

async function readText(res: IncomingMessage): Promise<string> {
  res.setEncoding("utf8");
  let text = "";
  for await (const chunk of res) text += chunk as string;
  return text;
}

/** A non-2xx answer as an error carrying the server's Status message. */
async function failure(res: IncomingMessage): Promise<HttpStatusError> {
  const text = await readText(res).catch(() => "");
  // A Status's message, else the body as it is.
  return new HttpStatusError(res.statusCode ?? 0, statusText(text) ?? (text.trim() || res.statusMessage || ""));
}

/** Bounds the wait for a response's headers; the body (a watch) may then last as long as the server keeps it. */
async function answered(ep: KubeEndpoint, pathAndQuery: string, stopping: AbortSignal): Promise<{ res: IncomingMessage; abort: AbortController }> {
  const abort = new AbortController();
  const onStop = () => abort.abort(stopping.reason);
  stopping.addEventListener("abort", onStop, { once: true });
  const timer = setTimeout(() => abort.abort(new DOMException("the cluster did not answer in time", "TimeoutError")), POD_WATCH_REQUEST_TIMEOUT_MS);
  try {
    const res = await ep.get(pathAndQuery, abort.signal);
    res.once("close", () => stopping.removeEventListener("abort", onStop));
    if ((res.statusCode ?? 0) >= 300) throw await failure(res);
    return { res, abort };
  } catch (e) {
    stopping.removeEventListener("abort", onStop);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** List, then watch from the list's resourceVersion until the server ends the watch or it fails; returns only by throwing. */
async function plainSession(ep: KubeEndpoint, selector: string, sink: SessionSink, stopping: AbortSignal): Promise<never> {
  const base = `/api/v1/namespaces/${encodeURIComponent(ep.namespace)}/pods?labelSelector=${encodeURIComponent(selector)}`;
  for (;;) {
    const { res, abort } = await answered(ep, base, stopping);
    // The whole list, not only its first answer, must come within the bound.
    const timer = setTimeout(() => abort.abort(new DOMException("the cluster did not answer in time", "TimeoutError")), POD_WATCH_REQUEST_TIMEOUT_MS);
    const reader = new ListReader();
    const decoder = new StringDecoder("utf8");
    sink.reset();
    let shell: Record<string, unknown>;
    try {
      for await (const chunk of res) for (const item of reader.push(decoder.write(chunk as Buffer))) sink.set(panelPod(item as K8s.V1Pod));
      reader.push(decoder.end());
      shell = reader.end();
    } finally {
      clearTimeout(timer);
    }
    let version = (shell.metadata as { resourceVersion?: string } | undefined)?.resourceVersion ?? "";
    sink.listed();
    // Watch until the server ends the stream (then again from the last version) or the version is too old (then list again).
    for (let gone = false; !gone; ) {
      const w = await answered(ep, `${base}&watch=true&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(version)}`, stopping);
      const decoder = new StringDecoder("utf8");
      const opened = performance.now();
      let partial = "";
      let said = false;
      for await (const chunk of w.res) {
        said = true;
        const lines = (partial + decoder.write(chunk as Buffer)).split("\n");
        partial = lines.pop()!;
        for (const line of lines) {
          if (line.trim() === "") continue;
          const ev = JSON.parse(line) as { type: string; object: K8s.V1Pod & { code?: number; message?: string } };
          if (ev.type === "ERROR") {
            if (ev.object.code === 410) gone = true;
            else throw new HttpStatusError(ev.object.code ?? 500, ev.object.message ?? "the watch failed");
            break;
          }
          version = ev.object.metadata?.resourceVersion ?? version;
          if (ev.type === "DELETED") sink.delete(ev.object.metadata?.name ?? "?");
          else if (ev.type === "ADDED" || ev.type === "MODIFIED") sink.set(panelPod(ev.object));
        }
        if (gone) break;
      }
      w.abort.abort();
      // A server (or a proxy) that ends every watch at once would have it reopened in a busy loop.
      if (!said && !gone && performance.now() - opened < RETRY_MS) throw new Error("the cluster ended the watch as soon as it began");
    }
  }
}

/** A failure of the way to the server (refused, timed out, a status other than 401), not of the kubeconfig or the credentials. */
function networkFailure(e: unknown): boolean {
  if (e instanceof HttpStatusError) return e.status !== 401;
  const err = e as { code?: unknown; name?: string };
  return typeof err.code === "string" || err.name === "TimeoutError" || err.name === "AbortError";
}

const byName = (a: PodSummary, b: PodSummary) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Follow the pods matching `selector` in the target's namespace (or `namespace`). `onState` is
 * called at most once a frame; a failure is shown (`error`, the pods marked stale) and the whole
 * list is fetched again a second later.
 */
export function watchPods(target: KubeTarget | undefined, selector: string, onState: (state: PodsState) => void, namespace?: string): PodWatch {
  const pods = new Map<string, PodSummary>();
  const stopping = new AbortController();
  const stopped = () => stopping.signal.aborted;
  let listing = true;
  let stale = false;
  let error: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let last = -Infinity;
  const frame = () => (listing ? POD_LIST_FRAME_MS : POD_WATCH_FRAME_MS);
  const flush = () => {
    timer = undefined;
    last = performance.now();
    if (stopped()) return;
    onState({ items: [...pods.values()].sort(byName), listing, stale, ...(error ? { error } : {}) });
    // The screen code runs in the microtasks that follow: the frame is counted from after them.
    setImmediate(() => (last = performance.now()));
  };
  const onTimer = () => {
    const wait = last + frame() - performance.now();
    if (wait > 1) timer = setTimeout(onTimer, wait);
    else flush();
  };
  // The first change after a quiet frame is told as soon as the chunk that brought it is parsed
  // (a microtask: not once per pod of a 64 kB chunk); the ones that follow wait for the frame's end.
  let soon = false;
  const schedule = () => {
    if (timer || soon) return;
    const wait = last + frame() - performance.now();
    if (wait > 0) timer = setTimeout(onTimer, wait);
    else {
      soon = true;
      queueMicrotask(() => {
        soon = false;
        if (!timer) flush();
      });
    }
  };
  const sink: SessionSink = {
    reset: () => {
      pods.clear();
      listing = true;
      stale = false;
      error = undefined;
    },
    set: (p) => {
      pods.set(p.name, p);
      schedule();
    },
    delete: (name) => {
      pods.delete(name);
      schedule();
    },
    listed: () => {
      listing = false;
      // The whole list is shown now, not at the end of a listing frame.
      if (timer) clearTimeout(timer);
      timer = undefined;
      schedule();
    },
  };
  // Kept across retries, so an exec plugin is not run again every second while the cluster is
  // unreachable; made afresh after a 401 or a credential failure (client-go refreshes then too).
  let endpoint: Promise<KubeEndpoint | undefined> | undefined;
  const start = async () => {
    try {
      endpoint ??= kubeEndpoint(target, namespace ? { namespace } : {}, process.env, stopping.signal);
      const ep = await endpoint;
      if (stopped()) return;
      if (ep) await plainSession(ep, selector, sink, stopping.signal);
      else await clientNodeSession(target, selector, namespace, sink, stopping.signal, POD_WATCH_REQUEST_TIMEOUT_MS);
      // client-node's watch ended as servers end watches after a while: list and watch again.
      if (!stopped()) retry = setTimeout(() => void start(), 0);
    } catch (e) {
      if (stopped()) return;
      if (!networkFailure(e)) endpoint = undefined;
      // What is on screen is no longer known to be true: it stays, marked stale, beside the reason.
      error = panelError(e);
      stale = true;
      listing = false;
      if (timer) clearTimeout(timer);
      flush();
      retry = setTimeout(() => void start(), RETRY_MS);
    }
  };
  void start();
  return {
    stop: () => {
      stopping.abort();
      if (timer) clearTimeout(timer);
      if (retry) clearTimeout(retry);
    },
  };
}

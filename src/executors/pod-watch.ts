/** Pods of a service, live, through a client-node watch: what the console's cluster panel shows. */
import type * as K8s from "@kubernetes/client-node";
import { Agent } from "node:http";
import { CredentialError } from "./kube-credentials.js";
import { kubeClients } from "./k8s-client.js";
import { summarisePod, type PodSummary } from "./k8s.js";
import type { KubeTarget } from "./types.js";

/** Pod changes are gathered for this long before the panel is told (a rollout changes many at once). */
export const POD_WATCH_BATCH_MS = 100;
/** A list, or a watch's first answer, not back within this is given up and tried again. */
export const POD_WATCH_REQUEST_TIMEOUT_MS = 10_000;
const RETRY_MS = 1_000;

export interface PodWatch {
  stop(): void;
}

/**
 * The config a Watch reads, handing out the agent of each connection it opens: Watch keeps its
 * own AbortController (returned only once the server answers), so a connection to a server that
 * never answers can only be ended by destroying its agent.
 */
function watchConfig(config: K8s.KubeConfig, onAgent: (agent: Agent) => void): K8s.KubeConfig {
  const wrapped = Object.create(config) as K8s.KubeConfig;
  wrapped.applyToFetchOptions = async (opts) => {
    const init = await config.applyToFetchOptions(opts);
    if (init.agent instanceof Agent) onAgent(init.agent);
    return init;
  };
  return wrapped;
}

export function watchPods(target: KubeTarget | undefined, selector: string, onPods: (pods: PodSummary[]) => void, onError: (message: string) => void, namespace?: string): PodWatch {
  const pods = new Map<string, PodSummary>();
  const stopping = new AbortController();
  let abort: AbortController | undefined;
  let agent: Agent | undefined;
  let timer: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  const stopped = () => stopping.signal.aborted;
  const flush = () => {
    timer = undefined;
    if (!stopped()) onPods([...pods.values()].sort((a, b) => a.name.localeCompare(b.name)));
  };
  const schedule = () => {
    timer ??= setTimeout(flush, POD_WATCH_BATCH_MS);
  };
  const again = () => {
    retry = setTimeout(() => void start(), RETRY_MS);
  };
  const start = async () => {
    try {
      // Each attempt's requests end on stop, and on a server that takes too long to answer.
      const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(POD_WATCH_REQUEST_TIMEOUT_MS)]);
      const c = await kubeClients(target, namespace ? { namespace } : {}, signal);
      if (stopped()) return;
      // List first so the panel fills at once, then watch from that version.
      const list = await c.core.listNamespacedPod({ namespace: c.namespace, labelSelector: selector });
      pods.clear();
      for (const p of list.items) pods.set(p.metadata?.name ?? "?", summarisePod(p));
      flush();
      if (stopped()) return;
      const watch = new c.k8s.Watch(watchConfig(c.config, (a) => (agent = a)));
      // The watch itself runs as long as the server keeps it open; only its first answer is bounded.
      let gaveUp = false;
      const silent = setTimeout(() => {
        gaveUp = true;
        agent?.destroy();
      }, POD_WATCH_REQUEST_TIMEOUT_MS);
      abort = await watch.watch(
        `/api/v1/namespaces/${c.namespace}/pods`,
        { labelSelector: selector, resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: false },
        (type: string, pod: K8s.V1Pod) => {
          const name = pod.metadata?.name ?? "?";
          if (type === "DELETED") pods.delete(name);
          else if (type === "ADDED" || type === "MODIFIED") pods.set(name, summarisePod(pod));
          schedule();
        },
        (err: unknown) => {
          clearTimeout(silent);
          if (stopped()) return;
          if (gaveUp) onError("the cluster did not answer in time");
          else if (err) onError((err as Error).message ?? String(err));
          again();
        },
      );
      clearTimeout(silent);
      if (stopped()) abort.abort();
    } catch (e) {
      if (stopped()) return;
      const err = e as { code?: string; name?: string; message?: string };
      // One line in the panel: what failed, then what to do (a plugin's installHint).
      if (e instanceof CredentialError) onError(`${e.message.split("\n")[0]!}${e.hint ? ` — ${e.hint}` : ""}`);
      else onError(err.code === "ECONNREFUSED" ? "the cluster refused the connection" : err.name === "AbortError" ? "the cluster did not answer in time" : (err.message ?? String(e)));
      again();
    }
  };
  void start();
  return {
    stop: () => {
      stopping.abort();
      abort?.abort();
      agent?.destroy();
      if (timer) clearTimeout(timer);
      if (retry) clearTimeout(retry);
    },
  };
}

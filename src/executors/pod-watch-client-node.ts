/**
 * The cluster panel's list and watch through client-node: only for a kubeconfig the plain
 * requests of kube-request.ts do not speak (auth-provider, impersonation, proxy-url, or no
 * kubeconfig file named), so client-node is loaded here and nowhere else on the panel's way.
 */
import type * as K8s from "@kubernetes/client-node";
import { Agent } from "node:http";
import { kubeClients } from "./k8s-client.js";
import { panelPod, type SessionSink } from "./pod-session.js";
import type { KubeTarget } from "./types.js";

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

/** List, then watch from the list's resourceVersion; resolves when the server ends the watch (list again), rejects when it fails or is stopped. */
export async function clientNodeSession(target: KubeTarget | undefined, selector: string, namespace: string | undefined, sink: SessionSink, stopping: AbortSignal, timeoutMs: number): Promise<void> {
  // The list's requests end on stop, and on a server that takes too long to answer.
  const signal = AbortSignal.any([stopping, AbortSignal.timeout(timeoutMs)]);
  const c = await kubeClients(target, namespace ? { namespace } : {}, signal);
  const list = await c.core.listNamespacedPod({ namespace: c.namespace, labelSelector: selector });
  sink.reset();
  for (const p of list.items) sink.set(panelPod(p));
  sink.listed();
  let agent: Agent | undefined;
  const watch = new c.k8s.Watch(watchConfig(c.config, (a) => (agent = a)));
  return new Promise<void>((resolve, reject) => {
    // The watch runs as long as the server keeps it open; only its first answer is bounded.
    let gaveUp = false;
    const silent = setTimeout(() => {
      gaveUp = true;
      agent?.destroy();
    }, timeoutMs);
    let abort: AbortController | undefined;
    const onStop = () => {
      abort?.abort();
      agent?.destroy();
      reject(new Error("stopped"));
    };
    stopping.addEventListener("abort", onStop, { once: true });
    watch
      .watch(
        `/api/v1/namespaces/${c.namespace}/pods`,
        { labelSelector: selector, resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: false },
        (type: string, pod: K8s.V1Pod) => {
          if (type === "DELETED") sink.delete(pod.metadata?.name ?? "?");
          else if (type === "ADDED" || type === "MODIFIED") sink.set(panelPod(pod));
        },
        (err: unknown) => {
          clearTimeout(silent);
          stopping.removeEventListener("abort", onStop);
          if (gaveUp) reject(new DOMException("the cluster did not answer in time", "TimeoutError"));
          else if (err) reject(err);
          else resolve();
        },
      )
      .then((a) => {
        clearTimeout(silent);
        abort = a;
        if (stopping.aborted) a.abort();
      }, (e: unknown) => {
        clearTimeout(silent);
        stopping.removeEventListener("abort", onStop);
        reject(gaveUp ? new DOMException("the cluster did not answer in time", "TimeoutError") : e);
      });
  });
}

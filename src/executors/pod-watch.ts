/** Pods of a service, live, through a client-node watch: what the console's cluster panel shows. */
import type * as K8s from "@kubernetes/client-node";
import { kubeClients } from "./k8s-client.js";
import { summarisePod, type PodSummary } from "./k8s.js";
import type { KubeTarget } from "./types.js";

/** Pod changes are gathered for this long before the panel is told (a rollout changes many at once). */
export const POD_WATCH_BATCH_MS = 100;
const RETRY_MS = 1_000;

export interface PodWatch {
  stop(): void;
}

export function watchPods(target: KubeTarget | undefined, selector: string, onPods: (pods: PodSummary[]) => void, onError: (message: string) => void, namespace?: string): PodWatch {
  const pods = new Map<string, PodSummary>();
  let stopped = false;
  let abort: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (!stopped) onPods([...pods.values()].sort((a, b) => a.name.localeCompare(b.name)));
  };
  const schedule = () => {
    timer ??= setTimeout(flush, POD_WATCH_BATCH_MS);
  };
  const start = async () => {
    try {
      const c = await kubeClients(target, namespace ? { namespace } : {});
      if (stopped) return;
      // List first so the panel fills at once, then watch from that version.
      const list = await c.core.listNamespacedPod({ namespace: c.namespace, labelSelector: selector });
      pods.clear();
      for (const p of list.items) pods.set(p.metadata?.name ?? "?", summarisePod(p));
      flush();
      const watch = new c.k8s.Watch(c.config);
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
          if (stopped) return;
          if (err) onError((err as Error).message ?? String(err));
          retry = setTimeout(() => void start(), RETRY_MS);
        },
      );
    } catch (e) {
      if (stopped) return;
      onError((e as { code?: string; message?: string }).code === "ECONNREFUSED" ? "the cluster refused the connection" : ((e as Error).message ?? String(e)));
      retry = setTimeout(() => void start(), RETRY_MS);
    }
  };
  void start();
  return {
    stop: () => {
      stopped = true;
      abort?.abort();
      if (timer) clearTimeout(timer);
      if (retry) clearTimeout(retry);
    },
  };
}

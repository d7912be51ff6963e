/** The console's cluster panel: the live pods of the incident's service, shown or hidden on a key. */
import { watchPods, type PodWatch } from "../executors/pod-watch.js";
import type { KubeTarget } from "../executors/types.js";
import type { InputValue } from "../runbooks/inputs.js";
import type { ConsoleStore } from "../ui/store.js";

export class ClusterPanel {
  private watch: PodWatch | undefined;

  constructor(private readonly store: ConsoleStore) {}

  /** Show or hide; returns why it cannot be shown, if it cannot. The namespace is the one the steps use. */
  toggle(inputs: Record<string, InputValue> | undefined, kube: KubeTarget | undefined): string | undefined {
    if (this.watch) {
      this.stop();
      return undefined;
    }
    const service = inputs?.service;
    if (typeof service !== "string") return "the cluster panel follows the runbook's service input, and this runbook has none";
    const namespace = typeof inputs?.namespace === "string" ? inputs.namespace : (kube?.namespace ?? "default");
    const selector = `app=${service}`;
    this.store.setState({ pods: { selector, namespace, items: [], listing: true } });
    this.watch = watchPods(
      kube,
      selector,
      ({ items, listing, stale, error }) => this.store.setState((v) => ({ pods: v.pods ? { selector, namespace, items, listing, stale, ...(error ? { error } : {}) } : undefined })),
      namespace,
    );
    return undefined;
  }

  stop(): void {
    if (!this.watch) return;
    this.watch.stop();
    this.watch = undefined;
    this.store.setState({ pods: undefined });
  }
}

/** What a pod list-then-watch session hands the watch that runs it, whichever client it speaks through. */
import type * as K8s from "@kubernetes/client-node";
import { summarisePod, type PodSummary } from "./k8s.js";

/** What a list-then-watch session reports to the watch that runs it. */
export interface SessionSink {
  /** A fresh list begins: the pods seen so far are forgotten. */
  reset(): void;
  set(pod: PodSummary): void;
  delete(name: string): void;
  /** The list is complete; the watch is running. */
  listed(): void;
}

/**
 * A pod as the panel shows it, never healthier than the API server says: one being deleted says
 * Terminating (as kubectl does); a running one whose Ready condition is False or Unknown (its node stopped
 * reporting, so its containers' last statuses are stale) says so, whatever those statuses were.
 */
export function panelPod(pod: K8s.V1Pod): PodSummary {
  const p = summarisePod(pod);
  if (pod.metadata?.deletionTimestamp) return { ...p, reason: "Terminating" };
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready")?.status;
  if (p.phase === "Running" && p.reason === "" && (ready === "False" || ready === "Unknown")) return { ...p, reason: ready === "Unknown" ? "ReadyUnknown" : "NotReady" };
  return p;
}


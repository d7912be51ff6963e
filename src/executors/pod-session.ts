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

/** A pod as the panel shows it: one being deleted says Terminating (as kubectl does), never its last healthy look. */
export function panelPod(pod: K8s.V1Pod): PodSummary {
  const p = summarisePod(pod);
  return pod.metadata?.deletionTimestamp ? { ...p, reason: "Terminating" } : p;
}


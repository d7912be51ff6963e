/**
 * A drill scenario: data plus small reaction rules over the simulated cluster and the drill's
 * own local services. A scenario starts broken and reacts to what the operator does, so the
 * walkthrough, the output and the incident file of a drill are the real ones.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Severity } from "../../runbooks/schema.js";
import type { KubeSandbox } from "../server.js";

/** What a scenario builds its world in. Everything listens on 127.0.0.1 and is stopped with the drill. */
export interface DrillWorld {
  /** The simulated cluster, already listening; steps reach it through the drill's own kubeconfig. */
  kube: KubeSandbox;
  /** The drill's private working directory: the cwd of every step (put catalog files, configs … here). */
  dir: string;
  /** Start an HTTP service on 127.0.0.1 (a random port) and return its base URL, e.g. "http://127.0.0.1:41234". */
  serve(name: string, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string>;
  /** Extra environment for every step of the drill (merged over the process environment). */
  env: Record<string, string>;
}

/** Whether the scenario's incident is over, in words for the drill summary. */
export interface DrillHealth {
  healthy: boolean;
  /** e.g. "3/3 pods of api Running on shop/api:1.0" or "error rate 7.2% > 1%". */
  detail: string;
  /**
   * The world is still moving toward healthy (a rollout of the fixed version in progress): the
   * drill asks again as the simulated cluster changes, for a bounded time, before judging.
   */
  settling?: boolean;
}

export interface Scenario {
  /** Kebab-case, unique across scenarios (the argument of `handrail drill` and `run --drill`). */
  id: string;
  /** The shipped runbook it exercises. */
  runbook: string;
  title: string;
  /** What the operator is told at the start: the page they got, not the answer. */
  briefing: string;
  /** The severity the drill opens at. */
  severity: Severity;
  /** The options (phase id → option id) that fix it: for tests and the summary after a wrong choice. */
  remedy: Record<string, string>;
  /** Other choices that heal it too (`handrail test` does not count them as defects), each a partial phase → option map. */
  alsoFixes?: Array<Record<string, string>>;
  /** What must be on the machine besides the simulated cluster (the drill list says when it is missing). */
  needs?: Array<"docker">;
  /** Build the broken world; resolves to the runbook inputs the scenario supplies (lists as arrays). */
  setup(world: DrillWorld): Promise<Record<string, string | string[]>>;
  /** Checked at the end of the drill (and shown in its summary): healthy only when the right fix was made. */
  health(world: DrillWorld): Promise<DrillHealth> | DrillHealth;
}

/** `k8s` steps: pod health, rollout status, scale, restart, undo and events through client-node. */
import type * as K8s from "@kubernetes/client-node";
import type { K8sStep, Step } from "../runbooks/schema.js";
import { formatDuration } from "../runbooks/duration.js";
import { substitute } from "../runbooks/template.js";
import { table } from "../util/table.js";
import { checkExpectations, verdict } from "./expect.js";
import { diagnoseApiError, kubeClients, type KubeClients } from "./k8s-client.js";
import { OutputCollector, sinkFor } from "./output.js";
import { stepEnvironment } from "./shell.js";
import { OutputChecks } from "./stream-checks.js";
import { stepTimeoutMs } from "./timeout.js";
import type { ExecContext, ExecuteOptions, StepResult, StepStatus } from "./types.js";

export const DEFAULT_ROLLOUT_TIMEOUT_MS = 5 * 60_000;
/** How often rollout status is read while waiting. */
export const ROLLOUT_POLL_MS = 500;

export interface PodSummary {
  name: string;
  phase: string;
  ready: string;
  restarts: number;
  reason: string;
}

/** What an operator needs of a pod: phase, readiness, restarts and the reason it is unhappy. */
export function summarisePod(pod: K8s.V1Pod): PodSummary {
  const statuses = pod.status?.containerStatuses ?? [];
  const readyCount = statuses.filter((s) => s.ready).length;
  const total = pod.spec?.containers?.length ?? statuses.length;
  const restarts = statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0);
  const waiting = statuses.map((s) => s.state?.waiting?.reason).find((r) => r);
  const terminated = statuses.map((s) => s.state?.terminated?.reason ?? s.lastState?.terminated?.reason).find((r) => r);
  const unscheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False")?.reason;
  const phase = pod.status?.phase ?? "Unknown";
  const reason = waiting ?? (phase === "Pending" ? unscheduled : undefined) ?? pod.status?.reason ?? (restarts > 0 ? terminated : undefined) ?? (phase === "Running" && readyCount < total ? "NotReady" : "");
  return { name: pod.metadata?.name ?? "?", phase, ready: `${readyCount}/${total}`, restarts, reason: reason ?? "" };
}

const columns = (rows: string[][]) => table(rows, "   ");

interface ActionOutcome {
  lines: string[];
  ok: boolean;
  reason?: string;
  details?: Record<string, unknown>;
  status?: StepStatus;
}

type Emit = (line: string) => void;

const matches = (want: Record<string, string>, labels: Record<string, string> | undefined) => Object.entries(want).every(([k, v]) => labels?.[k] === v);

/**
 * The deployments these pods belong to and how many ready pods each still lacks: ready pods alone
 * would pass with 1 of 3 serving. Read where allowed; without permission to list deployments the
 * pods are judged alone (and the step's output says so).
 */
async function shortfalls(c: KubeClients, ns: string, items: readonly K8s.V1Pod[], healthy: (p: K8s.V1Pod) => boolean): Promise<{ lines: string[]; short: string[] }> {
  let deployments: K8s.V1Deployment[];
  try {
    deployments = (await c.apps.listNamespacedDeployment({ namespace: ns })).items;
  } catch {
    return { lines: ["(deployments not readable here: the pods are judged without the number each deployment wants)"], short: [] };
  }
  const lines: string[] = [];
  const short: string[] = [];
  for (const d of deployments) {
    const want = d.spec?.selector?.matchLabels;
    if (!want || Object.keys(want).length === 0) continue;
    const mine = items.filter((p) => matches(want, p.metadata?.labels));
    if (mine.length === 0) continue;
    const desired = d.spec?.replicas ?? 1;
    const ready = mine.filter(healthy).length;
    lines.push(`deployment ${d.metadata?.name ?? "?"}: ${ready} of ${desired} wanted pods ready`);
    if (ready < desired) short.push(`deployment ${d.metadata?.name ?? "?"} has ${ready} of ${desired} wanted pods ready`);
  }
  return { lines, short };
}

async function pods(c: KubeClients, ns: string, selector: string): Promise<ActionOutcome> {
  const list = await c.core.listNamespacedPod({ namespace: ns, labelSelector: selector });
  const summaries = list.items.map(summarisePod);
  const isHealthy = (p: PodSummary) => p.phase === "Running" && p.reason === "" && p.ready.split("/")[0] === p.ready.split("/")[1];
  const unhealthy = summaries.filter((p) => !isHealthy(p));
  const { lines: wanted, short } = summaries.length === 0 ? { lines: [], short: [] } : await shortfalls(c, ns, list.items, (p) => isHealthy(summarisePod(p)));
  const lines =
    summaries.length === 0
      ? [`No pods match ${selector} in namespace ${ns}.`]
      : [...columns([["NAME", "READY", "STATUS", "RESTARTS", "REASON"], ...summaries.map((p) => [p.name, p.ready, p.phase, String(p.restarts), p.reason])]), ...wanted];
  const ok = summaries.length > 0 && unhealthy.length === 0 && short.length === 0;
  const reason =
    summaries.length === 0 ? `no pods match ${selector}`
    : unhealthy.length > 0 ? `${unhealthy.length} of ${summaries.length} pods not ready${unhealthy[0] ? ` (${unhealthy[0].name}: ${unhealthy[0].reason || unhealthy[0].phase})` : ""}`
    : short.join("; ");
  return { lines, ok, ...(ok ? {} : { reason }), details: { pods: summaries } };
}

/** kubectl's definition of a finished rollout. */
export function rolloutState(d: K8s.V1Deployment): { done: boolean; failed: boolean; message: string } {
  const name = d.metadata?.name ?? "?";
  const want = d.spec?.replicas ?? 1;
  const st = d.status ?? {};
  const progressing = st.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") return { done: false, failed: true, message: `deployment "${name}" exceeded its progress deadline` };
  if ((d.metadata?.generation ?? 0) > (st.observedGeneration ?? 0)) return { done: false, failed: false, message: `Waiting for deployment spec update to be observed...` };
  const updated = st.updatedReplicas ?? 0;
  const total = st.replicas ?? 0;
  const available = st.availableReplicas ?? 0;
  if (updated < want) return { done: false, failed: false, message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${want} new replicas have been updated...` };
  if (total > updated) return { done: false, failed: false, message: `Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...` };
  if (available < updated) return { done: false, failed: false, message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...` };
  return { done: true, failed: false, message: `deployment "${name}" successfully rolled out` };
}

/** Read the deployment until its rollout is done or failed; the step's signal ends the wait (timeout, cancel). */
async function rolloutStatus(c: KubeClients, ns: string, name: string, signal: AbortSignal, emit: Emit): Promise<ActionOutcome> {
  let last = "";
  for (;;) {
    const d = await c.apps.readNamespacedDeployment({ name, namespace: ns });
    const state = rolloutState(d);
    if (state.message !== last) emit(state.message);
    last = state.message;
    if (state.done) return { lines: [], ok: true };
    if (state.failed) return { lines: [], ok: false, reason: state.message };
    await pause(ROLLOUT_POLL_MS, signal);
    signal.throwIfAborted();
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

const REVISION = "deployment.kubernetes.io/revision";

/** Roll back as kubectl does: the previous (or a named) revision's pod template, without its hash label. */
async function rolloutUndo(c: KubeClients, ns: string, name: string, toRevision: number | undefined): Promise<ActionOutcome> {
  const d = await c.apps.readNamespacedDeployment({ name, namespace: ns });
  const selector = Object.entries(d.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
  const sets = (await c.apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: selector })).items.filter((rs) =>
    rs.metadata?.ownerReferences?.some((o) => o.uid === d.metadata?.uid),
  );
  const current = Number(d.metadata?.annotations?.[REVISION] ?? 0);
  const byRevision = sets.map((rs) => ({ rs, revision: Number(rs.metadata?.annotations?.[REVISION] ?? 0) })).sort((a, b) => b.revision - a.revision);
  const target = toRevision !== undefined ? byRevision.find((x) => x.revision === toRevision) : byRevision.find((x) => x.revision < current);
  if (!target) {
    const why = toRevision !== undefined ? `revision ${toRevision} not found` : "no previous revision to roll back to";
    return { lines: [`error: ${why}`], ok: false, reason: why };
  }
  const template = structuredClone(target.rs.spec!.template!);
  delete template.metadata?.labels?.["pod-template-hash"];
  await c.apps.patchNamespacedDeployment(
    { name, namespace: ns, body: [{ op: "replace", path: "/spec/template", value: template }] },
    c.k8s.setHeaderOptions("Content-Type", c.k8s.PatchStrategy.JsonPatch),
  );
  return { lines: [`deployment.apps/${name} rolled back (to revision ${target.revision})`], ok: true, details: { fromRevision: current, toRevision: target.revision } };
}

async function events(c: KubeClients, ns: string, name: string, kind: string | undefined): Promise<ActionOutcome> {
  const selector = [`involvedObject.name=${name}`, ...(kind ? [`involvedObject.kind=${kind}`] : [])].join(",");
  const list = await c.core.listNamespacedEvent({ namespace: ns, fieldSelector: selector });
  const when = (e: K8s.CoreV1Event) => new Date(e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? 0).getTime();
  const sorted = [...list.items].sort((a, b) => when(a) - when(b));
  const rows = sorted.map((e) => [new Date(when(e)).toISOString(), e.type ?? "", e.reason ?? "", `${e.involvedObject?.kind?.toLowerCase() ?? ""}/${e.involvedObject?.name ?? ""}`, e.message ?? ""]);
  const lines = rows.length === 0 ? [`No events for ${name} in namespace ${ns}.`] : columns([["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], ...rows]);
  return { lines, ok: true, details: { warnings: sorted.filter((e) => e.type === "Warning").length } };
}

async function act(spec: K8sStep, c: KubeClients, ns: string, vars: Record<string, string>, signal: AbortSignal, emit: Emit): Promise<ActionOutcome> {
  const sub = (s: string) => substitute(s, vars);
  switch (spec.action) {
    case "pods":
      return pods(c, ns, sub(spec.selector));
    case "rollout-status":
      return rolloutStatus(c, ns, sub(spec.deployment), signal, emit);
    case "scale": {
      const name = sub(spec.deployment);
      const replicas = Number(typeof spec.replicas === "number" ? spec.replicas : sub(spec.replicas));
      if (!Number.isInteger(replicas) || replicas < 0) return { lines: [], ok: false, status: "error", reason: `replicas must be a whole number ≥ 0, got ${String(spec.replicas)}` };
      await c.apps.patchNamespacedDeploymentScale(
        { name, namespace: ns, body: { spec: { replicas } } },
        c.k8s.setHeaderOptions("Content-Type", c.k8s.PatchStrategy.MergePatch),
      );
      return { lines: [`deployment.apps/${name} scaled to ${replicas}`], ok: true, details: { replicas } };
    }
    case "rollout-restart": {
      const name = sub(spec.deployment);
      const body = { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": new Date().toISOString() } } } } };
      await c.apps.patchNamespacedDeployment({ name, namespace: ns, body }, c.k8s.setHeaderOptions("Content-Type", c.k8s.PatchStrategy.StrategicMergePatch));
      return { lines: [`deployment.apps/${name} restarted`], ok: true };
    }
    case "rollout-undo":
      return rolloutUndo(c, ns, sub(spec.deployment), spec.toRevision);
    case "events":
      return events(c, ns, sub(spec.name), spec.kind !== undefined ? sub(spec.kind) : undefined);
  }
}

/** Why a step's requests were aborted: the step's own timeout or the operator's cancel. */
class StepEnded extends Error {
  constructor(readonly status: "timeout" | "cancelled") {
    super(status);
  }
}

export async function runK8s(spec: K8sStep, step: Step, ctx: ExecContext, opts: ExecuteOptions = {}): Promise<StepResult> {
  const started = performance.now();
  const texts = new OutputChecks({ expect: step.expect, found: step.found });
  const collector = new OutputCollector(sinkFor(opts.onEvent), texts);
  let lastLine: string | undefined;
  const emit: Emit = (line) => {
    lastLine = line;
    collector.push("stdout", Buffer.from(`${line}\n`));
  };
  const timeoutMs = stepTimeoutMs(step, {}, DEFAULT_ROLLOUT_TIMEOUT_MS);
  opts.onEvent?.({ type: "started", command: `k8s ${spec.action}`, at: Date.now() });
  // One signal for every request of the step: the timeout and the operator's cancel both abort it.
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new StepEnded("timeout")), timeoutMs);
  const onCancel = () => ac.abort(new StepEnded("cancelled"));
  if (opts.signal?.aborted) onCancel();
  opts.signal?.addEventListener("abort", onCancel, { once: true });
  // Whatever client-node does with the signal (an exec credential plugin does not see it), the step returns when it fires.
  const ended = new Promise<never>((_, reject) => {
    const fire = () => reject(ac.signal.reason as Error);
    if (ac.signal.aborted) fire();
    else ac.signal.addEventListener("abort", fire, { once: true });
  });
  ended.catch(() => undefined);
  const bounded = <T>(work: Promise<T>): Promise<T> => {
    work.catch(() => undefined);
    return Promise.race([work, ended]);
  };
  const finish = (status: StepStatus, extra: Partial<StepResult>): StepResult => {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onCancel);
    collector.finish();
    opts.onEvent?.({ type: "exit", exitCode: null, signal: null, at: Date.now() });
    return { status, exitCode: null, signal: null, durationMs: Math.round(performance.now() - started), expectations: [], output: collector.summary(), ...extra };
  };
  const stopped = (): StepResult | undefined => {
    const reason: unknown = ac.signal.aborted ? ac.signal.reason : undefined;
    if (!(reason instanceof StepEnded)) return undefined;
    if (reason.status === "cancelled") return finish("cancelled", {});
    const within = formatDuration(timeoutMs);
    return finish("timeout", { error: lastLine !== undefined ? `timed out after ${within}; last seen: ${lastLine}` : `timed out after ${within}: the Kubernetes API server did not answer` });
  };
  let clients: KubeClients;
  try {
    const override = {
      ...(spec.context ? { context: substitute(spec.context, ctx.vars) } : {}),
      ...(spec.namespace ? { namespace: substitute(spec.namespace, ctx.vars) } : {}),
    };
    clients = await bounded(kubeClients(ctx.kube, override, ac.signal, stepEnvironment(ctx)));
  } catch (error) {
    return stopped() ?? finish("error", { error: `cannot use the kubeconfig: ${(error as Error).message}` });
  }
  try {
    const outcome = await bounded(act(spec, clients, clients.namespace, ctx.vars, ac.signal, emit));
    for (const line of outcome.lines) emit(line);
    collector.finish();
    const checks = step.expect?.stdout ? checkExpectations(step.expect, { text: texts.results("expect") }) : [{ check: `k8s ${spec.action}`, passed: outcome.ok, ...(outcome.reason ? { reason: outcome.reason } : {}) }];
    const found = step.found ? checkExpectations(step.found, { text: texts.results("found") }, {}, "found") : undefined;
    const status = outcome.status ?? verdict(checks, found);
    const checked = outcome.status === undefined;
    return finish(status, { expectations: checked ? checks : [], ...(checked && found ? { found } : {}), ...(outcome.details ? { details: outcome.details } : {}), ...(outcome.status === "error" || outcome.status === "timeout" ? { error: outcome.reason } : {}) });
  } catch (error) {
    const end = stopped();
    if (end) return end;
    const { message, diagnosis } = diagnoseApiError(error, clients.config.getCurrentCluster()?.server);
    for (const line of `error: ${message}`.split("\n")) emit(line);
    return finish("failed", { diagnosis, expectations: [{ check: `k8s ${spec.action}`, passed: false, reason: diagnosis.summary }] });
  }
}

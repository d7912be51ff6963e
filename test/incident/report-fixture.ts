/** Incident events for report tests: a runbook outline and a small walk, written as a file would hold them. */
import type { IncidentEvent, IncidentEventBody } from "../../src/incident/events.js";
import type { RunbookOutline } from "../../src/incident/outline.js";

export const OUTLINE: RunbookOutline = {
  respondWithin: { critical: "5m", high: "15m", medium: "1h", low: "24h" },
  phases: [
    { id: "assess", title: "Assess", kind: "assess", steps: [{ id: "pods", title: "Pods that are not running", evidence: true }, { id: "logs", title: "Recent logs", evidence: true }, { id: "extra", title: "Extra check" }] },
    { id: "diagnose", title: "Diagnose", kind: "diagnose", steps: [{ id: "pool", title: "Connection pool" }] },
    {
      id: "fix",
      title: "Fix",
      kind: "remediate",
      steps: [],
      options: [
        { id: "restart", title: "Restart the deployment", steps: [{ id: "restart", title: "Restart" }] },
        { id: "rollback", title: "Roll back", steps: [{ id: "undo", title: "Undo the rollout" }, { id: "wait", title: "Wait for the rollout" }] },
      ],
    },
    { id: "verify", title: "Verify", kind: "verify", steps: [{ id: "health", title: "Health: 200 #1" }] },
  ],
};

/** Events from bodies, one second apart from 03:00:00 UTC unless a body says `at` (seconds after). */
export function events(bodies: Array<IncidentEventBody & { at?: number }>): IncidentEvent[] {
  let t = 0;
  return bodies.map(({ at, ...body }, i) => {
    t = at ?? t + 1;
    return { ...(body as IncidentEventBody), seq: i + 1, ts: new Date(Date.UTC(2026, 10, 24, 3, 0, t)).toISOString() } as IncidentEvent;
  });
}

export const opened = (over: Partial<Extract<IncidentEventBody, { type: "incident.opened" }>> = {}): IncidentEventBody & { at: number } => ({
  type: "incident.opened",
  incident: "2026-11-24-0300-demo-ab12",
  runbook: { id: "demo", title: "Demo outage" },
  severity: "high",
  mode: "run",
  dryRun: false,
  kube: { context: "prod-eu", namespace: "default", server: "https://k8s.prod.example:6443" },
  user: "alice",
  host: "laptop",
  actor: "alice@laptop",
  outline: OUTLINE,
  version: "0.1.0",
  ...over,
  at: 0,
});

type Body = IncidentEventBody;
export const started = (step: string, phase: string, extra: Partial<Extract<Body, { type: "step.started" }>> = {}): Body => ({ type: "step.started", step, phase, kind: "run", command: `echo ${step}`, attempt: 1, ...extra });
export const finished = (step: string, status: "passed" | "failed" | "found", extra: Partial<Extract<Body, { type: "step.finished" }>> = {}): Body => ({
  type: "step.finished",
  step,
  status,
  exitCode: status === "failed" ? 1 : 0,
  durationMs: 500,
  expectations: status === "failed" ? [{ check: "exitCode", passed: false, reason: "exit code 1, expected 0" }] : [],
  ...extra,
});

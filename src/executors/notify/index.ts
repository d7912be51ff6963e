/** `notify` steps: a message rendered by handrail (no shell), built into its channel's request, delivered with retries. */
import type { NotifyStep, Step } from "../../runbooks/schema.js";
import { substitute } from "../../runbooks/template.js";
import { OutputCollector, sinkFor } from "../output.js";
import type { ExecContext, ExecuteOptions, StepResult } from "../types.js";
import { deliver, type Delivery } from "./deliver.js";
import { titleOf, type NotifyIncident, type NotifyMessage } from "./message.js";
import { buildRequest } from "./providers.js";
import type { NotifySettings } from "./settings.js";

/** What a notify step needs beyond the step: set by the incident engine, from the command layer's config. */
export interface NotifyContext {
  settings: NotifySettings;
  incident: NotifyIncident;
  timeline: string[];
  /** Values for the message with secret inputs masked: a secret never goes to a chat channel. */
  vars: Record<string, string>;
}

/** The message a notify step sends, rendered. */
export function notifyMessage(notify: NotifyStep, nc: NotifyContext, origin: string, action: NotifyMessage["action"] = "trigger"): NotifyMessage {
  const text = substitute(notify.message, nc.vars).trim();
  const to = notify.to === undefined ? undefined : (Array.isArray(notify.to) ? notify.to : [notify.to]).map((a) => substitute(a, nc.vars));
  return {
    channel: notify.channel,
    action,
    text,
    title: notify.title !== undefined ? substitute(notify.title, nc.vars) : titleOf(text),
    severity: notify.severity ?? nc.incident.severity,
    ...(to ? { to } : {}),
    incident: nc.incident,
    timeline: nc.timeline,
    origin,
  };
}

/** Facts of a delivery for step.finished and the notify.* events: no endpoint, no token. */
export function deliveryDetails(m: NotifyMessage, d: Delivery): Record<string, unknown> {
  const response = d.response as { dedup_key?: unknown; html_url?: unknown; number?: unknown; messageId?: unknown } | undefined;
  const ref = typeof response === "object" && response !== null ? (response.html_url ?? response.dedup_key ?? response.messageId) : undefined;
  return {
    channel: m.channel,
    action: m.action,
    severity: m.severity,
    attempts: d.attempts,
    ...(d.status !== undefined ? { status: d.status } : {}),
    latencyMs: d.latencyMs,
    ...(typeof ref === "string" ? { ref } : {}),
    ...(m.channel === "pagerduty" ? { dedupKey: m.incident.id } : {}),
  };
}

function failed(collector: OutputCollector, error: string, details: Record<string, unknown>, durationMs = 0): StepResult {
  collector.finish();
  return { status: "failed", exitCode: null, signal: null, durationMs, expectations: [{ check: "delivered", passed: false, reason: error }], output: collector.summary(), details };
}

export async function runNotify(notify: NotifyStep, step: Step, ctx: ExecContext, opts: ExecuteOptions = {}): Promise<StepResult> {
  const collector = new OutputCollector(sinkFor(opts.onEvent));
  const nc = ctx.notify;
  if (!nc) return failed(collector, "notifications are not configured in this run", { channel: notify.channel, attempts: [] });
  const message = notifyMessage(notify, nc, step.id);
  const built = buildRequest(message, nc.settings);
  opts.onEvent?.({ type: "started", command: `notify ${notify.channel}`, at: Date.now() });
  if (!built.ok) {
    opts.onEvent?.({ type: "exit", exitCode: null, signal: null, at: Date.now() });
    return failed(collector, built.missing, { channel: notify.channel, action: message.action, severity: message.severity, attempts: [] });
  }
  const say = (line: string) => collector.push("stdout", Buffer.from(`${line}\n`));
  const d = await deliver(built.request, nc.settings.delivery, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    // The proxy variables of the step's environment, as a curl in a run step would see them.
    env: ctx.env,
    onAttempt: (a, last) => say(`${notify.channel}: attempt ${a.attempt}: ${a.status !== undefined ? `${built.request.kind === "smtp" ? "SMTP" : "HTTP"} ${a.status}` : (a.error ?? "no answer")} in ${a.latencyMs} ms${!last && a.error ? ", trying again" : ""}`),
  });
  opts.onEvent?.({ type: "exit", exitCode: null, signal: null, at: Date.now() });
  const details = deliveryDetails(message, d);
  if (d.cancelled) {
    collector.finish();
    return { status: "cancelled", exitCode: null, signal: null, durationMs: d.latencyMs, expectations: [], output: collector.summary(), details };
  }
  if (!d.ok) return failed(collector, `${notify.channel}: ${d.reason ?? "not delivered"}`, details, d.latencyMs);
  collector.finish();
  return { status: "passed", exitCode: null, signal: null, durationMs: d.latencyMs, expectations: [{ check: "delivered", passed: true }], output: collector.summary(), details };
}

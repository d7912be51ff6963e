/**
 * The incident engine's side of notifications: the context a notify step is rendered in, the
 * `notify.*` events for every delivery, escalations that page when the SLA clock raises them,
 * and the PagerDuty resolve when the incident is resolved. Deliveries outside a step run in the
 * background and never hold the walkthrough; `settle()` waits for them before a process exits.
 */
import { deliver, type Delivery } from "../executors/notify/deliver.js";
import { deliveryDetails, notifyMessage, type NotifyContext } from "../executors/notify/index.js";
import type { NotifyMessage } from "../executors/notify/message.js";
import { buildRequest, describeRequest } from "../executors/notify/providers.js";
import { emptySettings, secretValues, type NotifySettings } from "../executors/notify/settings.js";
import type { StepResult } from "../executors/types.js";
import type { NotifyStep } from "../runbooks/schema.js";
import { incidentVars } from "./display.js";
import type { EventOf, IncidentEvent, IncidentEventBody, NotifyFacts } from "./events.js";
import { readIncidentFile } from "./log.js";
import type { IncidentState } from "./machine.js";
import type { PlannedStep } from "./plan.js";
import { buildReport, timelineLines } from "./report.js";

/** What the notifier needs of the session (kept narrow so the two files do not grow into one). */
export interface NotifierHost {
  readonly state: IncidentState;
  readonly file: string;
  record(body: IncidentEventBody): IncidentEvent;
  /** Values for rendering with secret inputs masked. */
  shownVars(item?: string): Record<string, string>;
  redact(text: string): string;
  addSecrets(values: string[]): void;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export class Notifier {
  settings: NotifySettings = emptySettings();
  private pending = new Set<Promise<void>>();

  constructor(private readonly host: NotifierHost) {}

  /** The environment the proxy variables (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) are read from, as for steps. */
  private env: Record<string, string | undefined> = {};

  /** Take the channel settings; their endpoints and tokens are masked from here on. */
  configure(settings: NotifySettings, env: Record<string, string | undefined> = {}): void {
    this.settings = settings;
    this.env = env;
    this.host.addSecrets(secretValues(settings));
  }

  /** Incident fields a message may use, and the timeline so far (read from the file: the file is the truth). */
  context(item?: string, withTimeline = false): NotifyContext {
    const state = this.host.state;
    const vars: Record<string, string> = { ...incidentVars(state, Date.now()), ...this.host.shownVars(item) };
    const service = str(state.inputs.service);
    const environment = str(state.inputs.environment);
    return {
      settings: this.settings,
      incident: {
        id: state.id ?? "",
        runbookId: state.runbook.id,
        runbookTitle: state.runbook.title,
        severity: state.severity,
        elapsed: vars.elapsed!,
        ...(state.opened?.host ? { host: state.opened.host } : {}),
        ...(service ? { service } : {}),
        ...(environment ? { environment } : {}),
      },
      timeline: withTimeline ? timelineLines(buildReport(readIncidentFile(this.host.file).events)).map((l) => this.host.redact(l)) : [],
      vars,
    };
  }

  /** What the notifier does on its own when the incident moves: page escalations, resolve what was paged. */
  onEvent(e: IncidentEvent): void {
    if (e.type === "escalation.raised") this.escalated(e);
    else if (e.type === "incident.resolved") this.resolved();
  }

  /** The `notify.*` event for a notify step's result (written before its step.finished). */
  recordStep(item: PlannedStep, result: StepResult): void {
    const d = result.details ?? {};
    const attempts = Array.isArray(d.attempts) ? d.attempts.length : 0;
    const facts: NotifyFacts = {
      channel: item.step.notify!.channel,
      action: d.action === "resolve" ? "resolve" : "trigger",
      severity: item.step.notify!.severity ?? this.host.state.severity,
      step: item.key,
      attempts,
      latencyMs: typeof d.latencyMs === "number" ? d.latencyMs : result.durationMs,
      ...(typeof d.status === "number" ? { status: d.status } : {}),
    };
    if (result.status === "passed") this.host.record({ type: "notify.sent", ...facts, ...(typeof d.ref === "string" ? { ref: this.host.redact(d.ref) } : {}) });
    else this.host.record({ type: "notify.failed", ...facts, reason: this.host.redact(result.status === "cancelled" ? "cancelled" : (result.expectations.find((x) => !x.passed)?.reason ?? result.error ?? result.status)) });
  }

  /** A dry run: the exact request, redacted, recorded and returned for the screen; nothing is sent. */
  dryRun(item: PlannedStep): string {
    const notify = item.step.notify!;
    const message = notifyMessage(notify, this.context(item.item, notify.channel === "github"), item.key);
    const built = buildRequest(message, this.settings);
    const base: NotifyFacts = { channel: notify.channel, action: "trigger", severity: message.severity, step: item.key, attempts: 0, latencyMs: 0 };
    if (!built.ok) {
      this.host.record({ type: "notify.failed", ...base, reason: built.missing });
      return `not sendable: ${built.missing}`;
    }
    const payload = this.host.redact(describeRequest(built.request));
    this.host.record({ type: "notify.sent", ...base, dryRun: true, payload });
    return payload;
  }

  /** An escalation with `notify:` just raised by the SLA clock: send it in the background. */
  escalated(e: EventOf<"escalation.raised">): void {
    const esc = (this.host.state.runbook.escalations ?? [])[Number(e.key.replace("escalation-", ""))];
    if (!esc?.notify) return;
    const dry = this.host.state.opened?.dryRun === true;
    const text = esc.message ?? `Escalation to ${esc.to}${esc.reason ? `: ${esc.reason}` : ""} — $runbook_title, incident $incident_id ($severity, $elapsed in)`;
    const step: NotifyStep = { channel: esc.notify, message: text, severity: e.severity, ...(esc.reason ? { title: `${esc.reason} (${esc.to})` } : {}) };
    this.background(step, { escalation: e.key }, "trigger", dry);
  }

  /** The incident was resolved: close what was paged (PagerDuty, by the incident's dedup key). */
  resolved(events: readonly IncidentEvent[] = readIncidentFile(this.host.file).events): void {
    const paged = events.some((x) => x.type === "notify.sent" && x.channel === "pagerduty" && x.action === "trigger" && !x.dryRun);
    if (!paged) return;
    this.background({ channel: "pagerduty", message: `Resolved: $runbook_title, incident $incident_id` }, {}, "resolve", false);
  }

  /** Wait for background deliveries (before exit, before a report). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private background(step: NotifyStep, origin: { escalation?: string }, action: NotifyMessage["action"], dry: boolean): void {
    const message = notifyMessage(step, this.context(undefined, step.channel === "github"), origin.escalation ?? "resolution", action);
    const built = buildRequest(message, this.settings);
    const facts: NotifyFacts = { channel: step.channel, action, severity: message.severity, ...origin, attempts: 0, latencyMs: 0 };
    const write = (body: IncidentEventBody) => {
      try {
        this.host.record(body);
      } catch {
        // The incident was closed under a late delivery (the operator quit): nothing left to write into.
      }
    };
    if (!built.ok) return write({ type: "notify.failed", ...facts, reason: built.missing });
    if (dry) return write({ type: "notify.sent", ...facts, dryRun: true, payload: this.host.redact(describeRequest(built.request)) });
    const job = deliver(built.request, this.settings.delivery, { env: this.env }).then((d: Delivery) => {
      const details = deliveryDetails(message, d);
      const done: NotifyFacts = { ...facts, attempts: d.attempts.length, latencyMs: d.latencyMs, ...(d.status !== undefined ? { status: d.status } : {}) };
      if (d.ok) write({ type: "notify.sent", ...done, ...(typeof details.ref === "string" ? { ref: this.host.redact(details.ref) } : {}) });
      else write({ type: "notify.failed", ...done, reason: this.host.redact(`${step.channel}: ${d.reason ?? "not delivered"}`) });
    });
    const tracked = job.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}

/** A notifier for an open session, listening to its events (escalations page, the resolve resolves). */
export function attachNotifier(session: NotifierHost & { subscribe(fn: (e: IncidentEvent) => void): () => void }, settings: NotifySettings | undefined, env: Record<string, string | undefined> = {}): { notifier: Notifier; detach: () => void } {
  const notifier = new Notifier(session);
  if (settings) notifier.configure(settings, env);
  const detach = session.subscribe((e) => notifier.onEvent(e));
  return { notifier, detach };
}

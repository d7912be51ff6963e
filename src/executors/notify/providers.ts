/**
 * Each channel's documented request shape, built from a message and the settings. Building
 * sends nothing: the dry run shows exactly this, and delivery sends exactly this.
 */
import { setting, GITHUB_API_URL, PAGERDUTY_EVENTS_URL, type NotifySettings } from "./settings.js";
import type { NotifyMessage } from "./message.js";
import type { Severity } from "../../runbooks/schema.js";

export type NotifyRequest =
  /** POST unless `method` says otherwise (a report finds its incident's issue with GET and updates it with PATCH). */
  | { kind: "http"; url: string; headers: Record<string, string>; body: string; method?: "GET" | "POST" | "PATCH" }
  | { kind: "smtp"; smtpUrl: string; mail: { from: string; to: string[]; subject: string; text: string } };

export type Built = { ok: true; request: NotifyRequest } | { ok: false; missing: string };

/** Slack attachment colours by severity (the bar beside the message). */
export const SLACK_COLORS: Record<Severity, string> = { critical: "#b00020", high: "#e8590c", medium: "#f2c744", low: "#2eb67d" };
/** PagerDuty Events v2 knows critical | error | warning | info. */
export const PAGERDUTY_SEVERITY: Record<Severity, "critical" | "error" | "warning" | "info"> = { critical: "critical", high: "error", medium: "warning", low: "info" };

const JSON_HEADERS = { "content-type": "application/json", "user-agent": "handrail" };

function context(m: NotifyMessage): string {
  const where = [m.incident.service && `service ${m.incident.service}`, m.incident.environment && `environment ${m.incident.environment}`].filter(Boolean).join(" · ");
  return `*${m.severity.toUpperCase()}* · incident ${m.incident.id} · runbook ${m.incident.runbookId}${where ? ` · ${where}` : ""} · ${m.incident.elapsed} in`;
}

function slack(m: NotifyMessage, s: NotifySettings): Built {
  const url = setting(s, "slack", "webhookUrl");
  if ("missing" in url) return { ok: false, missing: url.missing };
  const body = {
    text: `[${m.severity.toUpperCase()}] ${m.text}`,
    attachments: [
      {
        color: SLACK_COLORS[m.severity],
        blocks: [
          { type: "section", text: { type: "mrkdwn", text: m.text } },
          { type: "context", elements: [{ type: "mrkdwn", text: context(m) }] },
        ],
      },
    ],
  };
  return { ok: true, request: { kind: "http", url: url.value, headers: JSON_HEADERS, body: JSON.stringify(body) } };
}

/** The Events API v2 endpoint: a bare host (`http://127.0.0.1:PORT`) gets the documented path. */
function enqueueUrl(base: string): string {
  const u = new URL(base);
  if (u.pathname === "/" || u.pathname === "") u.pathname = "/v2/enqueue";
  return u.toString();
}

function pagerduty(m: NotifyMessage, s: NotifySettings): Built {
  const key = setting(s, "pagerduty", "routingKey");
  if ("missing" in key) return { ok: false, missing: key.missing };
  const url = enqueueUrl(s.pagerduty.url || PAGERDUTY_EVENTS_URL);
  // One dedup key per incident: every trigger updates the same alert, and resolve closes it.
  const body =
    m.action === "resolve"
      ? { routing_key: key.value, event_action: "resolve", dedup_key: m.incident.id }
      : {
          routing_key: key.value,
          event_action: "trigger",
          dedup_key: m.incident.id,
          client: "handrail",
          payload: {
            summary: m.text.slice(0, 1024),
            source: m.incident.host ?? "handrail",
            severity: PAGERDUTY_SEVERITY[m.severity],
            timestamp: new Date().toISOString(),
            component: m.incident.service,
            group: m.incident.environment,
            class: m.incident.runbookId,
            custom_details: { incident: m.incident.id, runbook: m.incident.runbookTitle, elapsed: m.incident.elapsed, origin: m.origin },
          },
        };
  return { ok: true, request: { kind: "http", url, headers: JSON_HEADERS, body: JSON.stringify(body) } };
}

function github(m: NotifyMessage, s: NotifySettings): Built {
  const token = setting(s, "github", "token");
  if ("missing" in token) return { ok: false, missing: token.missing };
  const repo = setting(s, "github", "repo");
  if ("missing" in repo) return { ok: false, missing: repo.missing };
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo.value)) return { ok: false, missing: `HANDRAIL_GITHUB_REPO must be owner/name, got "${repo.value}"` };
  const base = (s.github.apiUrl || GITHUB_API_URL).replace(/\/+$/, "");
  const body = {
    title: m.title,
    body: [
      m.text,
      "",
      `- Incident: ${m.incident.id}`,
      `- Runbook: ${m.incident.runbookTitle} (${m.incident.runbookId})`,
      `- Severity: ${m.severity}`,
      ...(m.incident.service ? [`- Service: ${m.incident.service}`] : []),
      ...(m.incident.environment ? [`- Environment: ${m.incident.environment}`] : []),
      `- Elapsed: ${m.incident.elapsed}`,
      "",
      "## Timeline so far",
      "",
      ...(m.timeline.length > 0 ? m.timeline : ["_nothing recorded yet_"]),
      "",
      "_Opened by handrail._",
    ].join("\n"),
    labels: ["incident", `severity:${m.severity}`],
  };
  return {
    ok: true,
    request: {
      kind: "http",
      url: `${base}/repos/${repo.value}/issues`,
      headers: { ...JSON_HEADERS, accept: "application/vnd.github+json", authorization: `Bearer ${token.value}`, "x-github-api-version": "2022-11-28" },
      body: JSON.stringify(body),
    },
  };
}

function email(m: NotifyMessage, s: NotifySettings): Built {
  const url = setting(s, "email", "smtpUrl");
  if ("missing" in url) return { ok: false, missing: url.missing };
  const from = setting(s, "email", "from");
  if ("missing" in from) return { ok: false, missing: from.missing };
  const to = m.to ?? (s.email.to ?? "").split(",").map((a) => a.trim()).filter(Boolean);
  if (to.length === 0) return { ok: false, missing: `HANDRAIL_EMAIL_TO is not set (or email.to in ${s.configFile}) and the step names no "to"` };
  const text = [m.text, "", `Incident: ${m.incident.id}`, `Runbook: ${m.incident.runbookTitle} (${m.incident.runbookId})`, `Severity: ${m.severity}`, `Elapsed: ${m.incident.elapsed}`, "", "-- sent by handrail"].join("\n");
  return { ok: true, request: { kind: "smtp", smtpUrl: url.value, mail: { from: from.value, to, subject: `[${m.severity.toUpperCase()}] ${m.title}`, text } } };
}

function webhook(m: NotifyMessage, s: NotifySettings): Built {
  const url = setting(s, "webhook", "url");
  if ("missing" in url) return { ok: false, missing: url.missing };
  const body = {
    source: "handrail",
    action: m.action,
    incident: m.incident.id,
    runbook: { id: m.incident.runbookId, title: m.incident.runbookTitle },
    severity: m.severity,
    title: m.title,
    message: m.text,
    elapsed: m.incident.elapsed,
    origin: m.origin,
    ...(m.incident.service ? { service: m.incident.service } : {}),
    ...(m.incident.environment ? { environment: m.incident.environment } : {}),
    sentAt: new Date().toISOString(),
  };
  return { ok: true, request: { kind: "http", url: url.value, headers: JSON_HEADERS, body: JSON.stringify(body) } };
}

/** The request a message becomes on its channel, or the setting that is missing. */
export function buildRequest(m: NotifyMessage, s: NotifySettings): Built {
  try {
    switch (m.channel) {
      case "slack":
        return slack(m, s);
      case "pagerduty":
        return pagerduty(m, s);
      case "github":
        return github(m, s);
      case "email":
        return email(m, s);
      case "webhook":
        return webhook(m, s);
    }
  } catch (e) {
    // new URL() on a malformed setting: name the channel, never echo the value (it may be a secret).
    return { ok: false, missing: `the ${m.channel} endpoint is not a valid URL (${(e as Error).name})` };
  }
}

/** The request as the dry run shows it (redact it before showing: headers carry the token). */
export function describeRequest(r: NotifyRequest): string {
  if (r.kind === "smtp") return `SMTP ${r.smtpUrl}\n${JSON.stringify(r.mail, null, 2)}`;
  const headers = Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`);
  return [`POST ${r.url}`, ...headers, "", JSON.stringify(JSON.parse(r.body), null, 2)].join("\n");
}

/**
 * `handrail report <id> --to github|webhook`: the report out to where postmortems live, with the
 * notify configuration. GitHub: the incident's issue is found by the incident id in its body (the
 * ticket a notify step opened during the incident, or an earlier report) and updated; otherwise a
 * new issue is opened. Sending again updates the same issue. Webhook: one JSON POST.
 */
import { deliver } from "../executors/notify/deliver.js";
import type { NotifyRequest } from "../executors/notify/providers.js";
import { GITHUB_API_URL, setting, type NotifySettings } from "../executors/notify/settings.js";
import { UsageError } from "../errors.js";
import type { IncidentReport } from "../incident/report-model.js";

const HEADERS = { "content-type": "application/json", "user-agent": "handrail" };

/** Written into the issue body, so the next report finds the same issue. */
export const reportMarker = (id: string) => `<!-- handrail-incident: ${id} -->`;

import { REPORT_TARGETS } from "./report-targets.js";

export { REPORT_TARGETS };

async function send(r: NotifyRequest, settings: NotifySettings, env: Record<string, string | undefined>, what: string): Promise<unknown> {
  const d = await deliver(r, settings.delivery, { env });
  if (!d.ok) throw new ReportNotSent(`${what}: ${d.reason ?? `HTTP ${d.status ?? "?"}`}`);
  return d.response;
}

export class ReportNotSent extends Error {}

interface Issue {
  number: number;
  html_url?: string;
  body?: string | null;
  pull_request?: unknown;
}

async function toGithub(report: IncidentReport, markdown: string, settings: NotifySettings, env: Record<string, string | undefined>): Promise<string> {
  const token = setting(settings, "github", "token");
  if ("missing" in token) throw new UsageError(`--to github: ${token.missing}`);
  const repo = setting(settings, "github", "repo");
  if ("missing" in repo) throw new UsageError(`--to github: ${repo.missing}`);
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo.value)) throw new UsageError(`--to github: HANDRAIL_GITHUB_REPO must be owner/name, got "${repo.value}"`);
  const base = `${(settings.github.apiUrl || GITHUB_API_URL).replace(/\/+$/, "")}/repos/${repo.value}`;
  const headers = { ...HEADERS, accept: "application/vnd.github+json", authorization: `Bearer ${token.value}`, "x-github-api-version": "2022-11-28" };
  const id = report.incident;
  const body = `${markdown.trimEnd()}\n\n${reportMarker(id)}\n`;
  // The ticket opened during the incident says "Incident: <id>"; an earlier report carries the marker.
  const listed = await send({ kind: "http", method: "GET", url: `${base}/issues?state=all&labels=incident&per_page=100`, headers, body: "" }, settings, env, "github: listing the incident issues");
  const issues = (Array.isArray(listed) ? (listed as Issue[]) : []).filter((i) => i.pull_request === undefined);
  const mine = issues.find((i) => i.body?.includes(reportMarker(id))) ?? issues.find((i) => new RegExp(`Incident: ${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`).test(i.body ?? ""));
  if (mine) {
    const updated = (await send({ kind: "http", method: "PATCH", url: `${base}/issues/${mine.number}`, headers, body: JSON.stringify({ body }) }, settings, env, `github: updating issue #${mine.number}`)) as Issue;
    return `report sent to github: issue #${mine.number} updated${updated?.html_url ? ` (${updated.html_url})` : ""}`;
  }
  const created = (await send({ kind: "http", method: "POST", url: `${base}/issues`, headers, body: JSON.stringify({ title: `Incident report: ${report.runbook.title} (${id})`, body, labels: ["incident", "postmortem"] }) }, settings, env, "github: opening an issue")) as Issue;
  return `report sent to github: issue #${created?.number ?? "?"} opened${created?.html_url ? ` (${created.html_url})` : ""}`;
}

async function toWebhook(report: IncidentReport, markdown: string, settings: NotifySettings, env: Record<string, string | undefined>): Promise<string> {
  const url = setting(settings, "webhook", "url");
  if ("missing" in url) throw new UsageError(`--to webhook: ${url.missing}`);
  await send({ kind: "http", url: url.value, headers: HEADERS, body: JSON.stringify({ event: "incident.report", incident: report.incident, runbook: report.runbook, markdown, report }) }, settings, env, "webhook");
  return "report sent to the webhook";
}

export async function sendReport(to: string, report: IncidentReport, markdown: string, settings: NotifySettings, env: Record<string, string | undefined>): Promise<string> {
  if (to === "github") return toGithub(report, markdown, settings, env);
  if (to === "webhook") return toWebhook(report, markdown, settings, env);
  throw new UsageError(`--to ${to}: expected ${REPORT_TARGETS.join(" | ")}`);
}

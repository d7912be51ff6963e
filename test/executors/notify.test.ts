/** notify steps against local providers on 127.0.0.1: each payload in its documented shape, retries, timeouts, missing settings. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execute } from "../../src/executors/execute.js";
import type { NotifyContext } from "../../src/executors/notify/index.js";
import { emptySettings, NOTIFY_BACKOFF_MS, type NotifySettings } from "../../src/executors/notify/settings.js";
import type { NotifyStep, Step } from "../../src/runbooks/schema.js";
import { answers, startHttpStub, startSmtpStub, type HttpStub, type SmtpStub } from "../helpers/notify-servers.js";
import { context, recorder } from "../helpers/steps.js";

let http: HttpStub;
let smtp: SmtpStub;
beforeAll(async () => {
  [http, smtp] = await Promise.all([startHttpStub(), startSmtpStub()]);
});
afterAll(async () => Promise.all([http?.stop(), smtp?.stop()]));

function settings(extra: Partial<NotifySettings> = {}): NotifySettings {
  const s = emptySettings("~/.config/handrail/config.yaml");
  // Tests need not wait: the backoff is the policy's, a few ms here.
  return { ...s, delivery: { attempts: 3, backoffMs: 5, timeoutMs: 2_000 }, ...extra };
}

function notifyContext(s: NotifySettings): NotifyContext {
  return {
    settings: s,
    incident: { id: "20261201-0300-emergency-rollback-ab12", runbookId: "emergency-rollback", runbookTitle: "Emergency Rollback", severity: "high", elapsed: "4m", host: "on-call-laptop", service: "api", environment: "production" },
    timeline: ["- 03:00:00 UTC: Incident opened (high)", "- 03:01:10 UTC: assess › pods: passed, exit 0"],
    vars: { service: "api", environment: "production", incident_id: "20261201-0300-emergency-rollback-ab12", severity: "high", runbook_id: "emergency-rollback" },
  };
}

function step(notify: NotifyStep): Step {
  return { id: "n", title: "notify", notify } as Step;
}

async function send(notify: NotifyStep, s: NotifySettings) {
  const rec = recorder();
  const result = await execute(step(notify), context({}, { notify: notifyContext(s) }), { onEvent: rec.onEvent });
  return { result, lines: rec.lines() };
}

describe("notify executors", () => {
  it("Slack: an incoming-webhook POST with blocks and the severity colour as the attachment colour", async () => {
    http.on("/services/T0/B0/abc", answers.slack);
    const { result, lines } = await send({ channel: "slack", severity: "critical", message: "Rollback in progress for $service" }, settings({ slack: { webhookUrl: `${http.url}/services/T0/B0/abc` } }));
    expect(result.status).toBe("passed");
    const req = http.requests.filter((r) => r.path === "/services/T0/B0/abc").at(-1)!;
    expect(req.method).toBe("POST");
    expect(req.headers["content-type"]).toBe("application/json");
    const body = req.json as { text: string; attachments: Array<{ color: string; blocks: Array<{ type: string; text?: { type: string; text: string }; elements?: Array<{ type: string; text: string }> }> }> };
    expect(body.text).toBe("[CRITICAL] Rollback in progress for api");
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0]!.color).toBe("#b00020");
    expect(body.attachments[0]!.blocks[0]).toEqual({ type: "section", text: { type: "mrkdwn", text: "Rollback in progress for api" } });
    expect(body.attachments[0]!.blocks[1]!.type).toBe("context");
    expect(body.attachments[0]!.blocks[1]!.elements![0]!.text).toContain("incident 20261201-0300-emergency-rollback-ab12");
    expect(result.details).toMatchObject({ channel: "slack", status: 200, attempts: [{ attempt: 1, status: 200 }] });
    expect(lines.join("\n")).toMatch(/slack: attempt 1: HTTP 200 in \d+ ms/);
  });

  it("PagerDuty: Events API v2 trigger on /v2/enqueue with the incident as dedup key and a mapped severity", async () => {
    http.on("/v2/enqueue", answers.pagerduty);
    const before = http.requests.length;
    const { result } = await send({ channel: "pagerduty", severity: "high", message: "EMERGENCY: System failure detected" }, settings({ pagerduty: { routingKey: "R0UT1NGKEY0123456789abcdef012345", url: http.url } }));
    expect(result.status).toBe("passed");
    const req = http.requests.slice(before).find((r) => r.path === "/v2/enqueue")!;
    const body = req.json as Record<string, unknown> & { payload: Record<string, unknown> };
    expect(body).toMatchObject({ routing_key: "R0UT1NGKEY0123456789abcdef012345", event_action: "trigger", dedup_key: "20261201-0300-emergency-rollback-ab12" });
    expect(body.payload).toMatchObject({ summary: "EMERGENCY: System failure detected", source: "on-call-laptop", severity: "error", component: "api", group: "production" });
    expect(["critical", "error", "warning", "info"]).toContain(body.payload.severity);
    expect(Number.isNaN(Date.parse(body.payload.timestamp as string))).toBe(false);
    expect(result.details).toMatchObject({ status: 202, ref: "20261201-0300-emergency-rollback-ab12", dedupKey: "20261201-0300-emergency-rollback-ab12" });
  });

  it("GitHub: POST /repos/{owner}/{repo}/issues with title, the timeline in the body, severity labels and the REST headers", async () => {
    http.on("/repos/acme/ops/issues", answers.github);
    const { result } = await send({ channel: "github", severity: "critical", message: "Emergency incident: $incident_id ($service)" }, settings({ github: { token: "ghp_TESTTOKEN0123456789abcdefghijkl", repo: "acme/ops", apiUrl: http.url } }));
    expect(result.status).toBe("passed");
    const req = http.requests.find((r) => r.path === "/repos/acme/ops/issues")!;
    expect(req.headers.authorization).toBe("Bearer ghp_TESTTOKEN0123456789abcdefghijkl");
    expect(req.headers.accept).toBe("application/vnd.github+json");
    expect(req.headers["x-github-api-version"]).toBe("2022-11-28");
    expect(req.headers["user-agent"]).toBeTruthy();
    const body = req.json as { title: string; body: string; labels: string[] };
    expect(body.title).toBe("Emergency incident: 20261201-0300-emergency-rollback-ab12 (api)");
    expect(body.body).toContain("## Timeline so far");
    expect(body.body).toContain("- 03:01:10 UTC: assess › pods: passed, exit 0");
    expect(body.labels).toEqual(["incident", "severity:critical"]);
    expect(result.details).toMatchObject({ status: 201, ref: "https://github.com/acme/ops/issues/7" });
  });

  it("email: a real SMTP server receives the mail, to the configured recipients or the step's own", async () => {
    const base = settings({ email: { smtpUrl: smtp.url, from: "handrail@example.test", to: "oncall@example.test, sre@example.test" } });
    const { result } = await send({ channel: "email", severity: "critical", message: "Emergency rollback initiated" }, base);
    expect(result.status).toBe("passed");
    expect(result.details).toMatchObject({ channel: "email", status: 250 });
    const mail = smtp.mails.at(-1)!;
    expect(mail.from).toBe("handrail@example.test");
    expect(mail.to).toEqual(["oncall@example.test", "sre@example.test"]);
    expect(mail.data).toMatch(/^Subject: \[CRITICAL\] Emergency rollback initiated$/m);
    expect(mail.data).toContain("Incident: 20261201-0300-emergency-rollback-ab12");
    const own = await send({ channel: "email", message: "Security breach detected", to: "security@example.test" }, base);
    expect(own.result.status).toBe("passed");
    expect(smtp.mails.at(-1)!.to).toEqual(["security@example.test"]);
    expect(smtp.mails.at(-1)!.data).toMatch(/^Subject: \[HIGH\] Security breach detected$/m);
  });

  it("webhook: a generic JSON POST with the incident's fields", async () => {
    http.on("/hook", answers.webhook);
    const { result } = await send({ channel: "webhook", message: "Rollback completed for $service", title: "done" }, settings({ webhook: { url: `${http.url}/hook` } }));
    expect(result.status).toBe("passed");
    const body = http.requests.find((r) => r.path === "/hook")!.json;
    expect(body).toMatchObject({ source: "handrail", action: "trigger", incident: "20261201-0300-emergency-rollback-ab12", runbook: { id: "emergency-rollback", title: "Emergency Rollback" }, severity: "high", title: "done", message: "Rollback completed for api", service: "api", environment: "production" });
  });

  it("a provider answering 500 is tried 3 times with backoff, then fails with the reason (no throw)", async () => {
    http.on("/broken", answers.fail500);
    const before = http.requests.filter((r) => r.path === "/broken").length;
    const { result, lines } = await send({ channel: "webhook", message: "x" }, settings({ webhook: { url: `${http.url}/broken` } }));
    expect(result.status).toBe("failed");
    expect(http.requests.filter((r) => r.path === "/broken").length - before).toBe(3);
    expect(result.expectations[0]?.reason).toBe("webhook: HTTP 500: upstream exploded (after 3 attempts)");
    expect((result.details?.attempts as unknown[]).length).toBe(3);
    expect(lines.filter((l) => l.includes("trying again"))).toHaveLength(2);
    expect(NOTIFY_BACKOFF_MS).toBeGreaterThan(0);
  });

  it("a 4xx answer is final: no retry", async () => {
    http.on("/gone", (_r, res) => res.writeHead(404, { "content-type": "text/plain" }).end("no_service"));
    const { result } = await send({ channel: "slack", message: "x" }, settings({ slack: { webhookUrl: `${http.url}/gone` } }));
    expect(result.status).toBe("failed");
    expect(result.details?.attempts).toHaveLength(1);
    expect(result.expectations[0]?.reason).toBe("slack: HTTP 404: no_service");
  });

  it("a provider that never answers: each attempt times out on its own", async () => {
    http.on("/silent", answers.silent);
    const { result } = await send({ channel: "webhook", message: "x" }, settings({ webhook: { url: `${http.url}/silent` }, delivery: { attempts: 2, backoffMs: 5, timeoutMs: 300 } }));
    expect(result.status).toBe("failed");
    const attempts = result.details?.attempts as Array<{ latencyMs: number; error: string }>;
    expect(attempts).toHaveLength(2);
    for (const a of attempts) expect(a.error).toBe("no answer within 300 ms");
    expect(result.expectations[0]?.reason).toBe("webhook: no answer within 300 ms (after 2 attempts)");
  });

  it("a refused connection is a failed result naming why", async () => {
    const closed = await startHttpStub();
    await closed.stop();
    const { result } = await send({ channel: "webhook", message: "x" }, settings({ webhook: { url: `${closed.url}/x` }, delivery: { attempts: 1, backoffMs: 5, timeoutMs: 2_000 } }));
    expect(result.status).toBe("failed");
    expect(result.expectations[0]?.reason).toBe("webhook: connection refused");
  });

  it.each([
    [{ channel: "slack", message: "x" }, {}, "HANDRAIL_SLACK_WEBHOOK_URL is not set (or slack.webhookUrl in ~/.config/handrail/config.yaml)"],
    [{ channel: "pagerduty", message: "x" }, {}, "HANDRAIL_PAGERDUTY_ROUTING_KEY is not set (or pagerduty.routingKey in ~/.config/handrail/config.yaml)"],
    [{ channel: "github", message: "x" }, {}, "HANDRAIL_GITHUB_TOKEN is not set (or github.token in ~/.config/handrail/config.yaml)"],
    [{ channel: "github", message: "x" }, { github: { token: "t0k3n-abcdef" } }, "HANDRAIL_GITHUB_REPO is not set (or github.repo in ~/.config/handrail/config.yaml)"],
    [{ channel: "email", message: "x" }, {}, "HANDRAIL_SMTP_URL is not set (or email.smtpUrl in ~/.config/handrail/config.yaml)"],
    [{ channel: "email", message: "x" }, { email: { smtpUrl: "smtp://127.0.0.1:1" } }, "HANDRAIL_EMAIL_FROM is not set (or email.from in ~/.config/handrail/config.yaml)"],
    [{ channel: "webhook", message: "x" }, {}, "HANDRAIL_WEBHOOK_URL is not set (or webhook.url in ~/.config/handrail/config.yaml)"],
  ] as Array<[NotifyStep, Partial<NotifySettings>, string]>)("a missing setting for %o names it", async (notify, extra, message) => {
    const before = http.requests.length;
    const { result } = await send(notify, settings(extra));
    expect(result.status).toBe("failed");
    expect(result.expectations[0]?.reason).toBe(message);
    expect(result.details?.attempts).toEqual([]);
    expect(http.requests.length).toBe(before);
  });
});

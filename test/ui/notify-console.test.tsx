/** Notify steps in the console: the card shows channel and message, escalations page, resolving resolves the page. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { emptySettings, type NotifySettings } from "../../src/executors/notify/settings.js";
import type { IncidentEvent } from "../../src/incident/events.js";
import { ROOT } from "../helpers/cli.js";
import { answers, startHttpStub, type HttpStub } from "../helpers/notify-servers.js";
import { waitFor } from "../helpers/steps.js";
import { renderConsole } from "../helpers/ui.js";

const DIR = path.join(ROOT, "test/fixtures/notify");

let http: HttpStub;
beforeAll(async () => {
  http = await startHttpStub();
  http.on("/slack-console", answers.slack);
  http.on("/v2/enqueue", answers.pagerduty);
  http.on("/hook-console", answers.fail500);
});
afterAll(async () => http?.stop());

function settings(): NotifySettings {
  const s = emptySettings("~/.config/handrail/config.yaml");
  return { ...s, slack: { webhookUrl: `${http.url}/slack-console` }, pagerduty: { routingKey: "console-routing-key-0123456789", url: http.url }, webhook: { url: `${http.url}/hook-console` }, delivery: { attempts: 2, backoffMs: 5, timeoutMs: 2_000 } };
}

function events(dir: string): IncidentEvent[] {
  const file = readdirSync(dir).find((f) => f.endsWith(".jsonl"))!;
  return readFileSync(path.join(dir, file), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
}

describe("notify steps in the console", () => {
  it("shows channel and rendered message, delivers, walks past a failed delivery, and resolving resolves the page", async () => {
    const c = await renderConsole({ runbooksDir: DIR, onCleanup: onTestFinished, notify: settings() });
    await c.controller.startIncident("notify-walk", "high", { service: "api", environment: "production" });
    await c.waitFor("Assess › Look");
    // The escalation is due at once: it pages in the background, shown as a history line.
    await c.waitFor("notify pagerduty — passed");
    await c.press("r");
    await c.waitFor("Declare › Post in #incidents");
    const card = c.frame();
    expect(card).toContain("✉ notify slack · high");
    expect(card).toMatch(/Incident \d{8}-\d{4}-notify-walk-[0-9a-f]{4}: api in production \(high\)/);
    expect(card.replace(/\s+/g, " ")).toContain("last step look passed (exit 0)");
    await c.press("r");
    await c.waitFor("Declare › Tell the status page");
    await c.press("r");
    await c.waitFor("Declare › Still walking");
    expect(c.frame()).toContain("webhook: HTTP 500: upstream exploded (after 2 attempts)");
    expect(c.frame()).not.toContain("console-routing-key");
    const resolveFrom = http.requests.length;
    c.controller.resolve("bad image", []);
    await waitFor(() => http.requests.slice(resolveFrom).some((q) => (q.json as { event_action?: string } | undefined)?.event_action === "resolve"), "the PagerDuty resolve");
    await waitFor(() => events(c.incidentsDir).some((e) => e.type === "notify.sent" && e.action === "resolve"), "notify.sent for the resolve");
    const evs = events(c.incidentsDir);
    expect(evs.filter((e) => e.type === "notify.failed").map((e) => (e as { step?: string }).step)).toEqual(["hook"]);
    expect(JSON.stringify(evs)).not.toContain("console-routing-key");
  });
});

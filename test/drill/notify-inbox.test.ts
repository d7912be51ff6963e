/** A drill's notifications go to its own inbox over the real protocols (HTTP and SMTP), never to real channels. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drillNotifySettings } from "../../src/commands/drill-session.js";
import { execute } from "../../src/executors/execute.js";
import { startNotifyInbox, type NotifyInbox } from "../../src/sandbox/notify-inbox.js";
import { NOTIFY_CHANNELS, type Step } from "../../src/runbooks/schema.js";

let inbox: NotifyInbox;
beforeAll(async () => {
  inbox = await startNotifyInbox();
});
afterAll(async () => inbox?.stop());

describe("the drill's notification inbox", () => {
  it("receives every channel through the same executor real incidents use", async () => {
    const settings = drillNotifySettings(inbox);
    for (const channel of NOTIFY_CHANNELS) {
      const step: Step = { id: `n-${channel}`, title: `notify ${channel}`, notify: { channel, message: `drill message for ${channel}: $service` } };
      const result = await execute(step, {
        vars: { service: "api" },
        env: {},
        cwd: process.cwd(),
        notify: { settings, incident: { id: "drill-1", runbookId: "r", runbookTitle: "R", severity: "high", elapsed: "1m" }, timeline: [], vars: { service: "api" } },
      });
      expect(result.status, `${channel}: ${JSON.stringify(result.expectations)}`).toBe("passed");
    }
    const byPath = inbox.received.map((m) => m.path);
    expect(byPath).toEqual(expect.arrayContaining(["/slack/drill-webhook", "/pagerduty/v2/enqueue", "/github/repos/drill/incidents/issues", "/webhook/drill", "smtp"]));
    const mail = inbox.received.find((m) => m.via === "smtp");
    expect(mail?.body).toContain("drill message for email: api");
    expect(mail?.body).toContain("on-call@drill.invalid");
    const page = inbox.received.find((m) => m.path === "/pagerduty/v2/enqueue");
    expect(JSON.parse(page!.body)).toMatchObject({ routing_key: "drill-routing-key", event_action: "trigger", dedup_key: "drill-1" });
  });
});

/** Notifications through the built binary: config file and variables, retries, escalation pages, dry run, secrets, resolve. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { EventOf, IncidentEvent } from "../../src/incident/events.js";
import { ROOT, runCli, scratchDir } from "../helpers/cli.js";
import { answers, startHttpStub, type HttpStub } from "../helpers/notify-servers.js";

const RUNBOOK = path.join(ROOT, "test/fixtures/notify/escalate.yaml");
const ROUTING_KEY = "R0UTINGkey5ecret0123456789abcdef";
const SLACK_PATH = "/services/T1/B1/slack5ecretPath";
const HOOK_PATH = "/hooks/hook5ecretToken";

let http: HttpStub;
beforeAll(async () => {
  http = await startHttpStub();
  http.on(SLACK_PATH, answers.slack);
  http.on("/v2/enqueue", answers.pagerduty);
  http.on(HOOK_PATH, answers.fail500);
});
afterAll(async () => http?.stop());

/** A scratch dir with its own XDG config dir; the slack URL and the retry policy come from the file, the rest from variables. */
function setup(extraConfig = ""): { dir: string; env: Record<string, string> } {
  const dir = scratchDir(onTestFinished);
  mkdirSync(path.join(dir, "xdg/handrail"), { recursive: true });
  writeFileSync(path.join(dir, "xdg/handrail/config.yaml"), `slack:\n  webhookUrl: ${http.url}${SLACK_PATH}\ndelivery: { attempts: 3, backoff: 10ms, timeout: 2s }\n${extraConfig}`);
  return { dir, env: { XDG_CONFIG_HOME: path.join(dir, "xdg"), HANDRAIL_PAGERDUTY_ROUTING_KEY: ROUTING_KEY, HANDRAIL_PAGERDUTY_URL: http.url, HANDRAIL_WEBHOOK_URL: `${http.url}${HOOK_PATH}` } };
}

function incident(dir: string): { file: string; text: string; events: IncidentEvent[] } {
  const store = path.join(dir, "incidents");
  const file = path.join(store, readdirSync(store).find((f) => f.endsWith(".jsonl"))!);
  const text = readFileSync(file, "utf8");
  return { file, text, events: text.trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent) };
}

const of = <T extends IncidentEvent["type"]>(evs: IncidentEvent[], type: T) => evs.filter((e): e is EventOf<T> => e.type === type);

describe("notifications through handrail run", () => {
  it("delivers, retries a failing provider and walks on, pages on the escalation, keeps secrets out, resolves the page", async () => {
    const { dir, env } = setup();
    const before = http.requests.length;
    const r = await runCli(["run", RUNBOOK, "--severity", "high"], { cwd: dir, env: { ...env, HANDRAIL_INPUT_TOKEN: "input-secret-value" } });
    expect(r.stdout).toContain("walk goes on");
    // The webhook answered 500 three times: the step failed (exit 1) and the walk went on past it — to an end that says so.
    expect(r.stdout).toMatch(/Walkthrough ended with steps that did not pass \(1 not passed: \S+/);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("webhook: HTTP 500: upstream exploded (after 3 attempts)");
    expect(r.stderr).toMatch(/!! notified pagerduty: 202/);

    const sent = http.requests.slice(before);
    const slack = sent.find((q) => q.path === SLACK_PATH)!;
    const { events, text, file } = incident(dir);
    const id = (events[0] as EventOf<"incident.opened">).incident;
    expect((slack.json as { attachments: Array<{ blocks: Array<{ text?: { text: string } }> }> }).attachments[0]!.blocks[0]!.text!.text).toMatch(new RegExp(`^Incident ${id}: api in production \\(high\\), \\d+m?s in; last step look passed \\(exit 0\\)$`));
    expect(sent.filter((q) => q.path === HOOK_PATH)).toHaveLength(3);
    const page = sent.find((q) => q.path === "/v2/enqueue")!.json as { event_action: string; dedup_key: string; payload: { severity: string; summary: string } };
    expect(page).toMatchObject({ event_action: "trigger", dedup_key: id, payload: { severity: "error" } });
    expect(page.payload.summary).toContain("Escalation to Duty manager: Paged at once for the test");

    expect(of(events, "notify.sent").map((e) => [e.channel, e.step ?? e.escalation, e.status, e.attempts])).toEqual([
      ["pagerduty", "escalation-0", 202, 1],
      ["slack", "post", 200, 1],
    ]);
    expect(of(events, "notify.failed").map((e) => [e.channel, e.step, e.attempts, e.reason])).toEqual([["webhook", "hook", 3, "webhook: HTTP 500: upstream exploded (after 3 attempts)"]]);
    for (const secret of [ROUTING_KEY, SLACK_PATH, HOOK_PATH, "input-secret-value"]) expect(text).not.toContain(secret);

    const report = await runCli(["report", file], { cwd: dir, env });
    expect(report.stdout).toContain("## Notifications");
    // The "from" column names the step by its title.
    expect(report.stdout).toMatch(/\| slack \| Post in #incidents \| high \| sent \| 1 \| 200 \|/);
    expect(report.stdout).toMatch(/\| webhook \| Tell the status page \| high \| failed \| 3 \| 500 \|.*upstream exploded/);
    expect(report.stdout).toMatch(/\| pagerduty \| escalation to Duty manager \| high \| sent \| 1 \| 202 \|/);
    for (const secret of [ROUTING_KEY, SLACK_PATH, HOOK_PATH]) expect(report.stdout).not.toContain(secret);

    const resolveFrom = http.requests.length;
    const resolved = await runCli(["resolve", file, "--root-cause", "bad image", "--action-item", "pin digests"], { cwd: dir, env });
    expect(resolved.exitCode).toBe(0);
    expect(resolved.stdout).toContain("resolved on pagerduty (202)");
    const resolve = http.requests.slice(resolveFrom).find((q) => q.path === "/v2/enqueue")!.json;
    expect(resolve).toEqual({ routing_key: ROUTING_KEY, event_action: "resolve", dedup_key: id });
    const after = incident(dir);
    expect(after.events.at(-1)).toMatchObject({ type: "notify.sent", channel: "pagerduty", action: "resolve", status: 202 });
    expect(after.text).not.toContain(ROUTING_KEY);
    after.events.forEach((e, i) => expect(e.seq).toBe(i + 1));
  }, 60_000);

  it("--dry-run shows the exact payload with secrets masked, sends nothing, and records it", async () => {
    const { dir, env } = setup();
    const before = http.requests.length;
    const r = await runCli(["run", RUNBOOK, "--severity", "high", "--dry-run"], { cwd: dir, env });
    expect(r.exitCode).toBe(0);
    expect(http.requests.length).toBe(before);
    expect(r.stdout).toContain("would send:");
    expect(r.stdout).toContain('"color": "#e8590c"');
    expect(r.stdout).toContain("POST ••••••");
    expect(r.stderr).toContain("!! notified pagerduty (dry run: not sent)");
    for (const secret of [ROUTING_KEY, SLACK_PATH, HOOK_PATH]) expect(r.stdout + r.stderr).not.toContain(secret);
    const { events } = incident(dir);
    const dry = of(events, "notify.sent").filter((e) => e.dryRun);
    expect(dry.map((e) => e.step ?? e.escalation)).toEqual(["escalation-0", "post", "hook"]);
    expect(dry[1]!.payload).toContain('"type": "section"');
    expect(JSON.stringify(events)).not.toContain(ROUTING_KEY);
  });

  it("a missing setting names its variable and its config key; the walk goes on", async () => {
    const dir = scratchDir(onTestFinished);
    const r = await runCli(["run", RUNBOOK, "--severity", "high"], { cwd: dir, env: { XDG_CONFIG_HOME: path.join(dir, "nowhere") } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`HANDRAIL_SLACK_WEBHOOK_URL is not set (or slack.webhookUrl in ${path.join(dir, "nowhere/handrail/config.yaml")})`);
    expect(r.stderr).toContain("HANDRAIL_WEBHOOK_URL is not set");
    expect(r.stdout).toContain("walk goes on");
  });

  it("a bad config file is bad input: file:line:col, exit 2, nothing opened", async () => {
    const { dir, env } = setup("github:\n  tokn: abc\n");
    const r = await runCli(["run", RUNBOOK], { cwd: dir, env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/xdg\/handrail\/config\.yaml:5:3 github\.tokn: unknown field \(did you mean "token"\?\)/);
    expect(() => readdirSync(path.join(dir, "incidents"))).toThrow();
  });

  it("a variable that is not a URL is named without echoing its value", async () => {
    const { dir, env } = setup();
    const r = await runCli(["run", RUNBOOK], { cwd: dir, env: { ...env, HANDRAIL_WEBHOOK_URL: "not-a-url-5ecret" } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("HANDRAIL_WEBHOOK_URL: expected an http:// or https:// URL");
    expect(r.stderr).not.toContain("not-a-url-5ecret");
  });
});

/**
 * Issue 14, item 17, through the built binary: notifications (and http steps) go through the proxy
 * HTTP_PROXY names, as curl and kubectl in the same shell would, and NO_PROXY sends them straight.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { runCli, scratchDir } from "../helpers/cli.js";
import { answers, startHttpStub, type HttpStub } from "../helpers/notify-servers.js";
import { startProxy, type ProxyStub } from "../helpers/proxy.js";

let stub: HttpStub;
let proxy: ProxyStub;
beforeAll(async () => {
  [stub, proxy] = await Promise.all([startHttpStub(), startProxy()]);
});
afterAll(async () => Promise.all([stub?.stop(), proxy?.stop()]));

function runbook(dir: string): string {
  const file = path.join(dir, "tell.yaml");
  const steps = [
    "      - { id: health, title: Health, http: { url: $health } }",
    "      - { id: hook, title: Tell the status page, notify: { channel: webhook, message: Investigating } }",
  ];
  writeFileSync(file, ["apiVersion: handrail/v1", "kind: Runbook", "id: tell", "title: Tell", "summary: A health check and a webhook.", "inputs:", "  health: { type: url }", "phases:", "  - id: declare", "    kind: communicate", "    title: Declare", "    steps:", ...steps, ""].join("\n"));
  return file;
}

function finished(dir: string): Array<{ step: string; status: string }> {
  const store = path.join(dir, "incidents");
  const file = existsSync(store) ? readdirSync(store).find((f) => f.endsWith(".jsonl")) : undefined;
  if (!file) return [];
  const evs = readFileSync(path.join(store, file), "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as IncidentEvent);
  return evs.filter((e) => e.type === "step.finished").map((e) => ({ step: (e as { step: string }).step, status: (e as { status: string }).status }));
}

describe("handrail run behind a proxy", () => {
  it("HTTP_PROXY: the webhook and the health check both go through it", async () => {
    const dir = scratchDir(onTestFinished);
    stub.on("/hook/proxied", answers.webhook);
    stub.on("/health/proxied", (_req, res) => res.writeHead(200).end("ok"));
    const r = await runCli(["run", runbook(dir), "--set", `health=${stub.url}/health/proxied`], { cwd: dir, env: { HANDRAIL_WEBHOOK_URL: `${stub.url}/hook/proxied`, HTTP_PROXY: proxy.url } });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(finished(dir)).toEqual([
      { step: "health", status: "passed" },
      { step: "hook", status: "passed" },
    ]);
    expect(proxy.seen).toContain(`POST ${stub.url}/hook/proxied`);
    expect(proxy.seen).toContain(`GET ${stub.url}/health/proxied`);
  });

  it("NO_PROXY naming the host: both go straight to it, the proxy sees nothing", async () => {
    const dir = scratchDir(onTestFinished);
    stub.on("/hook/direct", answers.webhook);
    stub.on("/health/direct", (_req, res) => res.writeHead(200).end("ok"));
    const r = await runCli(["run", runbook(dir), "--set", `health=${stub.url}/health/direct`], { cwd: dir, env: { HANDRAIL_WEBHOOK_URL: `${stub.url}/hook/direct`, HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" } });
    expect(r.exitCode).toBe(0);
    expect(stub.requests.map((q) => q.path)).toEqual(expect.arrayContaining(["/hook/direct", "/health/direct"]));
    expect(proxy.seen.filter((s) => s.includes("/direct"))).toEqual([]);
  });
});

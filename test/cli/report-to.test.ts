/**
 * `report --to github|webhook` through the built binary against a GitHub-shaped API on 127.0.0.1:
 * the ticket the incident opened is found by its id and updated; no ticket, a new issue; sending
 * again updates the same one; a webhook gets the Markdown and the JSON.
 */
import { readdirSync, writeFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import path from "node:path";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { runCli, scratchDir } from "../helpers/cli.js";
import { startHttpStub, type HttpStub, type Received } from "../helpers/notify-servers.js";

const RUNBOOK = (withTicket: boolean) => `apiVersion: handrail/v1
kind: Runbook
id: ticketed
title: Ticketed incident
phases:
  - id: look
    kind: diagnose
    title: Look
    steps:
      - { id: check, title: Check the service, run: "echo fine" }
${withTicket ? '      - { id: ticket, title: Open the ticket, notify: { channel: github, title: "Incident $incident_id", message: "Incident opened" } }\n' : ""}`;

/** Issues in memory, served as GitHub's REST API serves them (list, create, update). */
function fakeGithub(stub: HttpStub) {
  const issues: Array<{ number: number; title: string; body: string; labels: string[]; html_url: string }> = [];
  const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  stub.on("/repos/acme/ops/issues?state=all&labels=incident&per_page=100", (_req, res) => json(res, 200, [{ number: 99, title: "a pull request", body: "Incident: x", pull_request: {} }, ...issues]));
  stub.on("/repos/acme/ops/issues", (req: Received, res) => {
    const b = req.json as { title: string; body: string; labels: string[] };
    const issue = { number: 7 + issues.length, title: b.title, body: b.body, labels: b.labels, html_url: `https://github.example/acme/ops/issues/${7 + issues.length}` };
    issues.push(issue);
    stub.on(`/repos/acme/ops/issues/${issue.number}`, (r2, res2) => {
      if (r2.method !== "PATCH") return json(res2, 405, {});
      issue.body = (r2.json as { body: string }).body;
      json(res2, 200, issue);
    });
    json(res, 201, issue);
  });
  return issues;
}

let stub: HttpStub | undefined;
afterEach(async () => {
  await stub?.stop();
  stub = undefined;
});

async function walk(dir: string, env: Record<string, string>, withTicket: boolean): Promise<string> {
  writeFileSync(path.join(dir, "ticketed.yaml"), RUNBOOK(withTicket));
  const r = await runCli(["run", "ticketed.yaml", "--yes"], { cwd: dir, env });
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  const file = readdirSync(path.join(dir, "incidents")).find((f) => f.endsWith(".jsonl"))!;
  return path.join(dir, "incidents", file);
}

describe("report --to", () => {
  it("github: the incident's own ticket is found by its id and gets the report; sending again updates the same issue", async () => {
    stub = await startHttpStub();
    const issues = fakeGithub(stub);
    const dir = scratchDir(onTestFinished);
    const env = { HANDRAIL_GITHUB_TOKEN: "ghp_test0123456789", HANDRAIL_GITHUB_REPO: "acme/ops", HANDRAIL_GITHUB_API_URL: stub.url };
    const file = await walk(dir, env, true);
    expect(issues).toHaveLength(1);
    const sent = await runCli(["report", file, "--to", "github"], { cwd: dir, env });
    expect(sent.exitCode, sent.stderr).toBe(0);
    expect(sent.stdout).toBe("report sent to github: issue #7 updated (https://github.example/acme/ops/issues/7)");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.body).toContain("# Incident Report: Ticketed incident");
    expect(issues[0]!.body).toMatch(/<!-- handrail-incident: \S+ -->/);
    const again = await runCli(["report", file, "--to", "github"], { cwd: dir, env });
    expect(again.stdout).toContain("issue #7 updated");
    expect(issues).toHaveLength(1);
    expect(stub.requests.filter((q) => q.method === "PATCH").every((q) => q.headers.authorization === "Bearer ghp_test0123456789")).toBe(true);
  });

  it("github: no ticket for this incident opens an issue labelled postmortem; the next report finds it by its marker", async () => {
    stub = await startHttpStub();
    const issues = fakeGithub(stub);
    const dir = scratchDir(onTestFinished);
    const env = { HANDRAIL_GITHUB_TOKEN: "ghp_test0123456789", HANDRAIL_GITHUB_REPO: "acme/ops", HANDRAIL_GITHUB_API_URL: stub.url };
    const file = await walk(dir, env, false);
    const sent = await runCli(["report", file, "--to", "github"], { cwd: dir, env });
    expect(sent.stdout).toContain("report sent to github: issue #7 opened");
    expect(issues[0]).toMatchObject({ title: expect.stringMatching(/^Incident report: Ticketed incident \(\S+\)$/), labels: ["incident", "postmortem"] });
    const again = await runCli(["report", file, "--to", "github"], { cwd: dir, env });
    expect(again.stdout).toContain("issue #7 updated");
    expect(issues).toHaveLength(1);
  });

  it("webhook: one POST with the Markdown and the JSON report", async () => {
    stub = await startHttpStub();
    stub.on("/hook", (_req, res) => res.writeHead(204).end());
    const dir = scratchDir(onTestFinished);
    const env = { HANDRAIL_WEBHOOK_URL: `${stub.url}/hook` };
    const file = await walk(dir, env, false);
    const sent = await runCli(["report", file, "--to", "webhook"], { cwd: dir, env });
    expect(sent.stdout).toBe("report sent to the webhook");
    const body = stub.requests.find((q) => q.path === "/hook")!.json as { event: string; markdown: string; report: { incident: string } };
    expect(body.event).toBe("incident.report");
    expect(body.markdown).toContain("# Incident Report: Ticketed incident");
    expect(body.report.incident).toMatch(/ticketed/);
  });

  it("an unknown target or a missing setting is exit 2 naming it; a server that fails is exit 1, nothing half-sent claimed", async () => {
    stub = await startHttpStub();
    stub.on("/repos/acme/ops/issues?state=all&labels=incident&per_page=100", (_req, res) => res.writeHead(500).end("down"));
    const dir = scratchDir(onTestFinished);
    const file = await walk(dir, {}, false);
    const jira = await runCli(["report", file, "--to", "jira"], { cwd: dir });
    expect([jira.exitCode, jira.stderr]).toEqual([2, expect.stringContaining("--to jira: expected github | webhook")]);
    const noToken = await runCli(["report", file, "--to", "github"], { cwd: dir, env: { HANDRAIL_GITHUB_REPO: "acme/ops" } });
    expect([noToken.exitCode, noToken.stderr]).toEqual([2, expect.stringContaining("--to github: HANDRAIL_GITHUB_TOKEN is not set")]);
    const down = await runCli(["report", file, "--to", "github"], { cwd: dir, env: { HANDRAIL_GITHUB_TOKEN: "t", HANDRAIL_GITHUB_REPO: "acme/ops", HANDRAIL_GITHUB_API_URL: stub.url }, timeoutMs: 30_000 });
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toContain("the report was not sent: github: listing the incident issues");
    expect(down.stdout).toBe("");
  });
});

/** Links in the report: the runbook's, then those of the steps that ran, with the incident's inputs in them. */
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli, scratchDir } from "../helpers/cli.js";

const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: linked
title: Linked
links: [{ title: Service runbook, url: "https://wiki.example/services/$service" }]
inputs:
  service: { type: name, default: checkout }
  zones: { type: list, default: [eu-1, eu-2] }
phases:
  - id: look
    kind: diagnose
    title: Look
    steps:
      - id: dash
        title: Dashboard
        run: "true"
        links: [{ title: Latency dashboard, url: "https://grafana.example/d/lat?var-service=$service" }]
      - id: zone
        title: Zone health
        forEach: zones
        run: "true"
        links: [{ title: Zone board, url: "https://status.example/$item" }]
      - id: never
        title: Never runs
        run: "true"
        when: { severity: critical }
        links: [{ title: Not shown, url: "https://nowhere.example" }]
`;

describe("report links", () => {
  it("the runbook's links, then each step's that ran, inputs and the item substituted", async () => {
    const dir = scratchDir(onTestFinished);
    writeFileSync(path.join(dir, "linked.yaml"), RUNBOOK);
    expect((await runCli(["run", "linked.yaml", "--yes"], { cwd: dir })).exitCode).toBe(0);
    const file = path.join(dir, "incidents", readdirSync(path.join(dir, "incidents")).find((f) => f.endsWith(".jsonl"))!);
    const md = (await runCli(["report", file], { cwd: dir })).stdout;
    const links = md.split("## Links\n")[1]!.split("\n## ")[0]!.trim().split("\n");
    expect(links).toEqual([
      "- [Service runbook](https://wiki.example/services/checkout)",
      "- [Latency dashboard](https://grafana.example/d/lat?var-service=checkout) · `dash`",
      "- [Zone board](https://status.example/eu-1) · `zone[eu-1]`",
      "- [Zone board](https://status.example/eu-2) · `zone[eu-2]`",
    ]);
    const json = JSON.parse((await runCli(["report", file, "--format", "json"], { cwd: dir })).stdout) as { links: unknown[] };
    expect(json.links).toHaveLength(4);
  });
});

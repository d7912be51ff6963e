/** `c` in a real terminal: the command reaches the clipboard through OSC 52 (tmux keeps it as a paste buffer). */
import { execa } from "execa";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { BIN, scratchDir } from "../helpers/cli.js";
import { startTerminal } from "../helpers/tmux.js";

const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: copyable
title: Copyable
inputs:
  service: { type: name, default: api }
phases:
  - id: look
    kind: diagnose
    title: Look
    steps:
      - id: pods
        title: Pods of the service
        run: 'kubectl get pods -l app="$service" -o wide'
        links: [{ title: Grafana, url: "https://grafana.example/d/svc?var-service=$service" }]
`;

describe("copying a command", () => {
  it("c puts the command as shown on the terminal's clipboard; the card shows the step's link with the input in it", async () => {
    const dir = scratchDir(onTestFinished);
    const file = path.join(dir, "copyable.yaml");
    writeFileSync(file, RUNBOOK);
    const term = await startTerminal(`node ${BIN} open ${file} --severity high --set service=checkout --incidents ${path.join(dir, "incidents")}`, { cwd: dir });
    onTestFinished(() => term.kill());
    // tmux takes OSC 52 from the application into a paste buffer when set-clipboard is on.
    await execa("tmux", ["set-option", "-g", "set-clipboard", "on"]);
    await term.waitFor("Look › Pods of the service");
    expect(await term.screen()).toContain("↗ Grafana <https://grafana.example/d/svc?var-service=checkout>");
    await term.keys("c");
    await term.waitFor("copied the command as shown");
    const buffer = await execa("tmux", ["show-buffer"]);
    expect(buffer.stdout).toBe('kubectl get pods -l app="checkout" -o wide');
  }, 60_000);
});

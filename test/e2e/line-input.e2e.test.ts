/** The line input in a real terminal (tmux, the built binary): a default typed over, a burst of DELs, Ctrl-U, and the incident file holds what was typed. */
import { execa } from "execa";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { BIN, scratchDir } from "../helpers/cli.js";
import { startTerminal } from "../helpers/tmux.js";

const hasTmux = (await execa("tmux", ["-V"], { reject: false })).exitCode === 0;
if (!hasTmux && process.env.CI === "true") throw new Error("CI needs tmux for the console end-to-end tests");

const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: remote-host
title: Remote host
inputs:
  host: { type: string, prompt: SSH target, default: staging-user@staging-host }
phases:
  - id: look
    kind: assess
    title: Look
    steps:
      - { id: ps, title: Containers, run: 'echo "$host"' }
`;

const LABEL = "SSH target (string):";

describe.skipIf(!hasTmux)("the line input in a real terminal", () => {
  it("types over a default; a burst of DELs and Ctrl-U edit the line; input.set holds exactly the typed value", async () => {
    const dir = scratchDir(onTestFinished);
    const file = path.join(dir, "remote-host.yaml");
    writeFileSync(file, RUNBOOK);
    const term = await startTerminal(`node ${BIN} open ${file} --severity high --incidents ${path.join(dir, "incidents")}`, { cwd: dir, width: 80, height: 24 });
    onTestFinished(() => term.kill());
    /** The prompt's line reads exactly `value` (the cursor is a trailing blank cell). */
    const field = (value: string) => term.waitUntil((s) => s.split("\n").some((l) => l.trimEnd() === `${LABEL} ${value}`.trimEnd()), `the field to read "${value}"`);

    await field("staging-user@staging-host");
    // The first key proves the prompt reads keys (raw mode is on), and replaces the selected default whole.
    await term.type("d");
    await field("d");
    await term.type("eploy@db-1");
    await field("deploy@db-1");
    // A held Backspace over a slow link: three DEL bytes sent in one call.
    await term.type("\u007f\u007f\u007f");
    await field("deploy@d");
    await term.keys("C-u");
    await field("");
    await term.type("ops@prod-7");
    await field("ops@prod-7");
    await term.keys("Enter");
    await term.waitFor("Containers");

    const incidents = path.join(dir, "incidents");
    const log = readdirSync(incidents).find((f) => f.endsWith(".jsonl"))!;
    const events = readFileSync(path.join(incidents, log), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
    expect(events.filter((e) => e.type === "input.set")).toEqual([expect.objectContaining({ name: "host", value: "ops@prod-7" })]);
  });
});

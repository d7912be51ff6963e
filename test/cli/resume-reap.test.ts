/** A closed terminal and a kill -9 through the built binary: the step's group never outlives its incident unnoticed. */
import { execa } from "execa";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { EventOf, IncidentEvent } from "../../src/incident/events.js";
import { groupMembers, signalGroup } from "../../src/executors/process-group.js";
import { BIN, ROOT, scratchDir } from "../helpers/cli.js";
import { waitFor } from "../helpers/steps.js";
import { startTerminal } from "../helpers/tmux.js";

const SLOW = path.join(ROOT, "test/fixtures/engine/slow.yaml");

function incidentFile(dir: string): string | undefined {
  const store = path.join(dir, "incidents");
  const name = existsSync(store) ? readdirSync(store).find((f) => f.endsWith(".jsonl")) : undefined;
  return name ? path.join(store, name) : undefined;
}

function events(file: string): IncidentEvent[] {
  return readFileSync(file, "utf8").split("\n").filter((l) => l.trim().startsWith("{")).map((l) => JSON.parse(l) as IncidentEvent);
}

const processOf = (file: string) => events(file).find((e): e is EventOf<"step.process"> => e.type === "step.process");

describe("process groups across a hang-up and a crash", () => {
  it("SIGHUP (terminal closed) cancels the step like Ctrl-C: recorded, the group ended, the lock released", async () => {
    const dir = scratchDir(onTestFinished);
    const run = execa(process.execPath, [BIN, "run", SLOW, "--set", "pause=300"], { cwd: dir, reject: false, env: { HANDRAIL_PATH: undefined } });
    await waitFor(() => incidentFile(dir) !== undefined && processOf(incidentFile(dir)!) !== undefined, "the step's process group to be recorded");
    const file = incidentFile(dir)!;
    const pgid = processOf(file)!.pgid;
    expect(groupMembers(pgid).length).toBeGreaterThan(0);
    run.kill("SIGHUP");
    const r = await run;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain("SIGHUP: cancelling the running step");
    expect(events(file).find((e) => e.type === "step.finished")).toMatchObject({ step: "one", status: "cancelled" });
    expect(groupMembers(pgid)).toEqual([]);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("the console in a terminal that closes (tmux kill-session): the step is cancelled and recorded, its group ended, the lock released", async () => {
    const dir = scratchDir(onTestFinished);
    const term = await startTerminal(`${process.execPath} ${BIN} open slow --runbooks ${path.dirname(SLOW)} --set pause=300 --severity low`, { cwd: dir });
    onTestFinished(() => term.kill());
    await term.waitFor("Work › One");
    await term.act("r");
    await waitFor(() => incidentFile(dir) !== undefined && processOf(incidentFile(dir)!) !== undefined, "the step's process group to be recorded");
    const file = incidentFile(dir)!;
    const pgid = processOf(file)!.pgid;
    await term.kill();
    await waitFor(() => events(file).some((e) => e.type === "step.finished") && !existsSync(`${file}.lock`), "the cancelled step to be recorded and the lock released");
    expect(events(file).find((e) => e.type === "step.finished")).toMatchObject({ step: "one", status: "cancelled" });
    expect(groupMembers(pgid)).toEqual([]);
  });

  it("after a kill -9 the step's group is still running; resume ends it (it is provably ours) before offering the step again", async () => {
    const dir = scratchDir(onTestFinished);
    const run = execa(process.execPath, [BIN, "run", SLOW, "--set", "pause=300"], { cwd: dir, reject: false, env: { HANDRAIL_PATH: undefined } });
    await waitFor(() => incidentFile(dir) !== undefined && processOf(incidentFile(dir)!) !== undefined, "the step's process group to be recorded");
    const file = incidentFile(dir)!;
    const pgid = processOf(file)!.pgid;
    onTestFinished(() => {
      signalGroup(pgid, "SIGKILL");
    });
    run.kill("SIGKILL");
    await run;
    // handrail is gone; the step it started is not.
    expect(groupMembers(pgid).length).toBeGreaterThan(0);
    const resume = execa(process.execPath, [BIN, "run", "--resume", file], { cwd: dir, reject: false, env: { HANDRAIL_PATH: undefined } });
    let stderr = "";
    resume.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    await waitFor(() => stderr.includes("was still running"), "resume to report the surviving group", 20_000);
    expect(stderr).toContain("interrupted when the last handrail stopped: one (offered again)");
    expect(stderr).toMatch(new RegExp(`the interrupted attempt of one was still running: ended its \\d+ process\\(es\\) \\(group ${pgid}\\)`));
    expect(groupMembers(pgid)).toEqual([]);
    expect(events(file).find((e) => e.type === "process.ended")).toMatchObject({ step: "one", pgid, state: "ended" });
    // The step is offered again (and runs again); Ctrl-C ends this run.
    await waitFor(() => events(file).filter((e) => e.type === "step.started").length === 2, "the step to run again");
    resume.kill("SIGINT");
    expect((await resume).exitCode).toBe(130);
  });
});

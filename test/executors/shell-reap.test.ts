/** What a run step leaves running when it ends: ended with it (and counted), unless it says `detach`. Real children. */
import { describe, expect, it, onTestFinished } from "vitest";
import { runShell } from "../../src/executors/shell.js";
import { bootId, groupMembers, groupStillOurs, isAlive, signalGroup } from "../../src/executors/process-group.js";
import type { StepEvent } from "../../src/executors/types.js";
import { context, recorder, runStep } from "../helpers/steps.js";

const run = (script: string, opts: Parameters<typeof runShell>[3] = {}, extra = {}) => runShell(script, runStep(script, extra), context(), opts);

/** The pid a script printed on line `n`; killed after the test if it is still running. */
function printedPid(lines: string[], n = 0): number {
  const pid = Number(lines[n]);
  expect(pid).toBeGreaterThan(0);
  onTestFinished(() => {
    if (isAlive(pid)) process.kill(pid, "SIGKILL");
  });
  return pid;
}

describe("background processes a passing step leaves behind", () => {
  it("are ended with the step, even with their output redirected, and the result counts them", async () => {
    const rec = recorder();
    const r = await run("sleep 1000 >/dev/null 2>&1 & echo $!; sleep 1000 </dev/null >/dev/null 2>&1 & echo $!", { onEvent: rec.onEvent });
    const [first, second] = [printedPid(rec.lines(), 0), printedPid(rec.lines(), 1)];
    expect(r.status).toBe("passed");
    expect(r.details).toEqual({ reaped: 2 });
    expect(isAlive(first)).toBe(false);
    expect(isAlive(second)).toBe(false);
  });

  it("a step that leaves nothing says nothing", async () => {
    const r = await run("echo done");
    expect(r.status).toBe("passed");
    expect(r.details).toBeUndefined();
  });

  it("detach: true leaves the daemon running and says which group it is in", async () => {
    const rec = recorder();
    const r = await run("sleep 1000 >/dev/null 2>&1 & echo $!", { onEvent: rec.onEvent }, { detach: true });
    const bg = printedPid(rec.lines());
    const started = rec.events.find((e): e is Extract<StepEvent, { type: "started" }> => e.type === "started");
    expect(r.status).toBe("passed");
    expect(r.details).toEqual({ detached: { pgid: started?.pgid, processes: 1 } });
    expect(isAlive(bg)).toBe(true);
  });

  it("a detached daemon that keeps the step's output open does not hold the step", async () => {
    const rec = recorder();
    const r = await run("sleep 1000 & echo $!", { onEvent: rec.onEvent }, { detach: true });
    const bg = printedPid(rec.lines());
    expect(r.status).toBe("passed");
    expect(isAlive(bg)).toBe(true);
  });

  it("a process that left the group (setsid) but holds the output does not hold the step", async () => {
    const rec = recorder();
    const r = await run("setsid sleep 1000 & echo $!", { onEvent: rec.onEvent });
    printedPid(rec.lines());
    expect(r.status).toBe("passed");
  });

  it("a timed-out detach step is still ended whole", async () => {
    const rec = recorder();
    const r = await run("sleep 1000 >/dev/null 2>&1 & echo $!; sleep 1000", { onEvent: rec.onEvent }, { detach: true, timeout: "1s" });
    const bg = printedPid(rec.lines());
    expect(r.status).toBe("timeout");
    expect(isAlive(bg)).toBe(false);
  });
});

describe("the started event", () => {
  it("carries the group id, the leader's start time and the boot id: enough to recognise the group later", async () => {
    const ac = new AbortController();
    let ours: boolean | undefined;
    let seen: Extract<StepEvent, { type: "started" }> | undefined;
    const r = await run("sleep 1000", {
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type !== "started") return;
        seen = e;
        onTestFinished(() => {
          if (e.pgid !== undefined && groupMembers(e.pgid).length > 0) signalGroup(e.pgid, "SIGKILL");
        });
        ours = e.pgid !== undefined && e.startTime !== undefined && e.bootId !== undefined && groupStillOurs(e.pgid, e.startTime, e.bootId);
        ac.abort();
      },
    });
    expect(r.status).toBe("cancelled");
    expect(seen).toMatchObject({ pgid: seen?.pid, bootId: bootId() });
    expect(ours).toBe(true);
  });
});

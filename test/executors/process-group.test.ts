/** A resume ends an interrupted attempt's group only when its leader is provably the same process: real children. */
import { spawn } from "node:child_process";
import { describe, expect, it, onTestFinished } from "vitest";
import { bootId, endSurvivingGroup, groupMembers, groupStillOurs, isAlive, processStartTime, signalGroup } from "../../src/executors/process-group.js";
import { waitFor } from "../helpers/steps.js";

/** A real group of its own: `sh` leading, a `sleep` beside it (as a step leaves it). */
async function group(script = "sleep 1000 & wait"): Promise<{ pgid: number; startTime: number; boot: string }> {
  const child = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  const pgid = child.pid!;
  onTestFinished(() => {
    signalGroup(pgid, "SIGKILL");
  });
  await waitFor(() => groupMembers(pgid).length === 2, "the group's two processes");
  return { pgid, startTime: processStartTime(pgid)!, boot: bootId()! };
}

describe("process start time and boot id (from /proc)", () => {
  it("reads this process's start time and the boot id", () => {
    expect(processStartTime(process.pid)).toBeGreaterThan(0);
    expect(bootId()).toMatch(/^[0-9a-f-]{36}$/);
    expect(processStartTime(2 ** 22 + 1)).toBeUndefined();
  });
});

describe("groupStillOurs", () => {
  it("holds for the recorded leader, not for another start time (a reused pid) or another boot", async () => {
    const g = await group();
    expect(groupStillOurs(g.pgid, g.startTime, g.boot)).toBe(true);
    expect(groupStillOurs(g.pgid, g.startTime + 1, g.boot)).toBe(false);
    expect(groupStillOurs(g.pgid, g.startTime, "00000000-0000-0000-0000-000000000000")).toBe(false);
  });
});

describe("endSurvivingGroup", () => {
  it("a reused pid (another start time) is left alone, as is a group from another boot", async () => {
    const g = await group();
    expect(await endSurvivingGroup(g.pgid, g.startTime - 1, g.boot, 100)).toEqual({ state: "not-ours", processes: 2, reason: "leader-replaced" });
    expect(await endSurvivingGroup(g.pgid, g.startTime, "00000000-0000-0000-0000-000000000000", 100)).toEqual({ state: "not-ours", processes: 2, reason: "other-boot" });
    expect(groupMembers(g.pgid)).toHaveLength(2);
    expect(isAlive(g.pgid)).toBe(true);
  });

  it("ends the group of the recorded leader, background child too; afterwards there is nothing left", async () => {
    const g = await group();
    const [, sleeper] = groupMembers(g.pgid).sort((a, b) => a - b);
    expect(await endSurvivingGroup(g.pgid, g.startTime, g.boot, 2_000)).toEqual({ state: "ended", processes: 2 });
    expect(groupMembers(g.pgid)).toEqual([]);
    expect(isAlive(sleeper!)).toBe(false);
    expect(await endSurvivingGroup(g.pgid, g.startTime, g.boot, 100)).toEqual({ state: "gone" });
  });

  it("a SIGTERM-proof member gets SIGKILL after the grace period", async () => {
    const g = await group("trap '' TERM; sleep 1000 & wait");
    expect(await endSurvivingGroup(g.pgid, g.startTime, g.boot, 200)).toEqual({ state: "ended", processes: 2 });
    await waitFor(() => groupMembers(g.pgid).length === 0, "SIGKILL to land");
  });

  it("a leader that is gone proves nothing: its orphans are reported, not killed", async () => {
    const child = spawn("sh", ["-c", "sleep 1000 >/dev/null 2>&1 & echo $!"], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
    const pgid = child.pid!;
    onTestFinished(() => {
      signalGroup(pgid, "SIGKILL");
    });
    const startTime = processStartTime(pgid) ?? 0;
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    await new Promise((resolve) => child.once("exit", resolve));
    await waitFor(() => /\d+\n/.test(out) && !isAlive(pgid), "the leader to exit");
    const orphan = Number(out.trim());
    expect(await endSurvivingGroup(pgid, startTime, bootId()!, 100)).toEqual({ state: "not-ours", processes: 1, reason: "leader-gone" });
    expect(isAlive(orphan)).toBe(true);
  });
});

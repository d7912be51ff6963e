/** The incident lock: who holds it (pid and start time, not pid alone), takeover, symlinks, force. Real processes. */
import { execa, type ResultPromise } from "execa";
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { acquireLock, liveness, readLock, releaseLock } from "../../src/incident/lock.js";
import { scratchDir } from "../helpers/cli.js";
import { waitFor } from "../helpers/steps.js";

function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]!;
}

function state(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0]!;
}

/** A process that lives until the test ends (stopped by its pid). */
function sleeper(): ResultPromise {
  const child = execa("sleep", ["60"], { reject: false });
  onTestFinished(async () => {
    child.kill("SIGKILL");
    await child;
  });
  return child;
}

/** A zombie: `sh` starts a child that exits once its parent has become `sleep`, which never reaps it. */
async function zombie(): Promise<number> {
  const child = execa("sh", ["-c", 'sh -c \'while [ "$(cat /proc/$PPID/comm)" != sleep ]; do :; done\' & echo $!; exec sleep 60'], { reject: false, buffer: false });
  onTestFinished(async () => {
    child.kill("SIGKILL");
    await child;
  });
  const pid = await new Promise<number>((resolve) => child.stdout!.once("data", (b: Buffer) => resolve(Number(b.toString().trim()))));
  await waitFor(() => state(pid) === "Z", "the child to become a zombie");
  return pid;
}

describe("lock holder liveness", () => {
  it("a running process with its own start time holds the lock", () => {
    const child = sleeper();
    expect(liveness({ pid: child.pid!, host: hostname(), start: startTime(child.pid!) })).toBe("alive");
  });

  it("a reused pid (same pid, another start time) does not", () => {
    const child = sleeper();
    expect(liveness({ pid: child.pid!, host: hostname(), start: "1" })).toBe("dead");
  });

  it("a zombie does not, even though kill(pid, 0) still succeeds on it", async () => {
    const pid = await zombie();
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(liveness({ pid, host: hostname(), start: startTime(pid) })).toBe("dead");
    expect(liveness({ pid, host: hostname() })).toBe("dead");
  });

  it("an exited process does not; a lock from another host cannot be judged from here", async () => {
    const done = await execa("sh", ["-c", "echo $$"]);
    expect(liveness({ pid: Number(done.stdout), host: hostname() })).toBe("dead");
    expect(liveness({ pid: 1, host: "some-other-host" })).toBe("elsewhere");
  });
});

describe("acquireLock", () => {
  function files() {
    const dir = scratchDir(onTestFinished);
    const incident = path.join(dir, "i.jsonl");
    return { dir, incident, lock: `${incident}.lock` };
  }

  it("takes a free lock, refuses a live holder, takes a dead holder's over and names it", () => {
    const { incident, lock } = files();
    const first = acquireLock(lock, incident);
    expect(first.taken).toEqual({});
    expect(readLock(lock)?.holder).toMatchObject({ pid: process.pid, nonce: first.holder.nonce });
    const child = sleeper();
    const live = { pid: child.pid!, host: hostname(), start: startTime(child.pid!) };
    writeFileSync(lock, JSON.stringify(live));
    expect(() => acquireLock(lock, incident)).toThrow(`incident i is open in another handrail (pid ${child.pid}); close it there first`);
    writeFileSync(lock, JSON.stringify({ ...live, start: "1" }));
    const second = acquireLock(lock, incident);
    expect(second.taken).toEqual({ previous: { ...live, start: "1" } });
    expect(readLock(lock)?.holder?.nonce).toBe(second.holder.nonce);
  });

  it("--force-unlock takes it from a live holder and says so; release removes only our own lock", () => {
    const { incident, lock } = files();
    const child = sleeper();
    const live = { pid: child.pid!, host: hostname(), start: startTime(child.pid!) };
    writeFileSync(lock, JSON.stringify(live));
    const forced = acquireLock(lock, incident, { forceUnlock: true });
    expect(forced.taken).toEqual({ previous: live, forced: true });
    writeFileSync(lock, JSON.stringify(live));
    releaseLock(lock, forced.holder);
    expect(existsSync(lock)).toBe(true);
  });

  it("a lock from another host is refused with the way out", () => {
    const { incident, lock } = files();
    writeFileSync(lock, JSON.stringify({ pid: 4242, host: "db-bastion-2" }));
    expect(() => acquireLock(lock, incident)).toThrow("incident i is locked by handrail on db-bastion-2 (pid 4242); if that handrail is gone, resume with --force-unlock");
  });

  it("a symlink planted as the lock is refused and its target left alone", () => {
    const { dir, incident, lock } = files();
    const victim = path.join(dir, "victim");
    writeFileSync(victim, "precious");
    symlinkSync(victim, lock);
    expect(() => acquireLock(lock, incident)).toThrow(`refusing ${lock}: it is a symlink`);
    expect(readFileSync(victim, "utf8")).toBe("precious");
  });

  it("debris (a lock that is not JSON) is taken over; no temp or claim file is left behind", () => {
    const { dir, incident, lock } = files();
    writeFileSync(lock, "");
    const taken = acquireLock(lock, incident);
    expect(taken.taken).toEqual({});
    releaseLock(lock, taken.holder);
    expect(readdirSync(dir)).toEqual([]);
  });
});

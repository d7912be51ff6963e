/** A step runs as its own process group, so cancel reaches everything it started (`sleep 1000 &` too). */
import { readdirSync, readFileSync } from "node:fs";

/** Send a signal to a whole process group; false when nothing is left to signal. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw e;
  }
}

/** True while a process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state follows the command name in parentheses, which may itself contain ") ".
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** Members of a process group still running (Linux /proc), for the grace-period check and for tests. */
export function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    // No /proc (not Linux): the group counts as alive while it can still be signalled.
    return signalGroup(pgid, 0) ? [pgid] : pids;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // fields[0] is the state, fields[2] the process group id.
      if (Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") pids.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** SIGTERM the group, then SIGKILL whatever is left after `graceMs`. */
export async function terminateGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, "SIGTERM")) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (groupMembers(pgid).length === 0) return;
    await sleep(25);
  }
  signalGroup(pgid, "SIGKILL");
}

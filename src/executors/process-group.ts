/** A step runs as its own process group, so cancel reaches everything it started (`sleep 1000 &` too). */
import { readdirSync, readFileSync } from "node:fs";
import { KILL_GRACE_MS } from "./types.js";

/** The fields of /proc/<pid>/stat from the state on (field 3), or undefined when the process is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name in parentheses may itself hold spaces and ") ".
    return stat.slice(stat.lastIndexOf(")") + 2).trim().split(" ");
  } catch {
    return undefined;
  }
}

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

/** Whether any process of the group exists (zombies too): a permission refusal counts as yes. */
function canSignal(pgid: number): boolean {
  try {
    return signalGroup(pgid, 0);
  } catch {
    return true;
  }
}

/** True while a process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  const fields = statFields(pid);
  if (fields) return fields[0] !== "Z" && fields[0] !== "X";
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Members of a process group still running (Linux /proc), for the grace-period check and for tests. */
export function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  // Nothing left to signal, nothing left (how nearly every step ends): no read of every process's
  // stat, ~20 µs a process once warm (1.1-1.7 ms for the 71 here, ~20 ms for a workstation's 1,000).
  if (!canSignal(pgid)) return pids;
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    // No /proc (not Linux): the group counts as alive while it can still be signalled.
    return signalGroup(pgid, 0) ? [pgid] : pids;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    // Undefined when the process ended while we looked. fields[0] is the state, fields[2] the group.
    const fields = statFields(Number(name));
    if (fields && Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") pids.push(Number(name));
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

/** Which process a group id meant when it was recorded: its leader's start time and the boot it ran in. */
export interface GroupIdentity {
  pgid: number;
  /** /proc/<pid>/stat field 22: clock ticks since boot when the leader started. */
  startTime: number;
  /** /proc/sys/kernel/random/boot_id: start times restart at each boot. */
  bootId: string;
}

/** When a process started, in clock ticks since boot (undefined when it is gone or there is no /proc). */
export function processStartTime(pid: number): number | undefined {
  const ticks = Number(statFields(pid)?.[19]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

/** This boot's id (undefined without /proc). */
export function bootId(): string | undefined {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The identity to record for a step's group, taken right after spawn; undefined parts are left out. */
export function groupIdentity(pgid: number): Partial<GroupIdentity> & { pgid: number } {
  const startTime = processStartTime(pgid);
  const boot = bootId();
  return { pgid, ...(startTime !== undefined ? { startTime } : {}), ...(boot !== undefined ? { bootId: boot } : {}) };
}

/**
 * True when the group's leader is still the process recorded (same boot, same start time, still
 * leading that group). A pid reused by another process, or a later boot, is not ours.
 */
export function groupStillOurs(pgid: number, startTime: number, boot: string): boolean {
  if (bootId() !== boot) return false;
  const fields = statFields(pgid);
  // fields[2] is the process group; [19] the start time.
  return fields !== undefined && Number(fields[2]) === pgid && Number(fields[19]) === startTime;
}

/** What resume found of an interrupted attempt's group. */
export type SurvivingGroup =
  /** Nothing of the group is running. */
  | { state: "gone" }
  /** The group was ours and its processes were ended (SIGTERM, SIGKILL after the grace period). */
  | { state: "ended"; processes: number }
  /**
   * Processes run under that group id but its leader is not the recorded process (reused pid,
   * another boot) or is gone, so nothing proves they are ours: left alone, for the operator.
   */
  | { state: "not-ours"; processes: number; reason: "other-boot" | "leader-replaced" | "leader-gone" };

/** End what is left of an interrupted attempt's group, only if its leader is still the recorded process. */
export async function endSurvivingGroup(pgid: number, startTime: number, boot: string, graceMs = KILL_GRACE_MS): Promise<SurvivingGroup> {
  const members = groupMembers(pgid);
  if (members.length === 0) return { state: "gone" };
  if (!groupStillOurs(pgid, startTime, boot)) {
    const reason = bootId() !== boot ? "other-boot" : statFields(pgid) === undefined ? "leader-gone" : "leader-replaced";
    return { state: "not-ours", processes: members.length, reason };
  }
  await terminateGroup(pgid, graceMs);
  return { state: "ended", processes: members.length };
}

/**
 * The lock beside an incident file, so one handrail appends at a time. It is taken atomically:
 * link(2) of a private temp file that already holds our identity, which fails if a lock exists.
 * Its holder is judged by host, boot, pid and process start time, so a reused pid or a zombie
 * does not hold it. A dead holder's lock is replaced by rename(2), and only by the taker that
 * holds the claim on that exact lock (itself a lock of the same kind), after checking again that
 * the lock is still the one judged dead: six resumes at once, one proceeds.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, fstatSync, linkSync, readFileSync, readSync, renameSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { FLAGS, IncidentFileError, openStoreFile, writeAll } from "./store-file.js";

export interface LockHolder {
  pid: number;
  host: string;
  /** /proc/<pid>/stat field 22: the process start time, in clock ticks since boot. */
  start?: string;
  boot?: string;
  /** Makes every lock distinct, so a lock is never mistaken for an earlier one. */
  nonce?: string;
}

export interface LockTaken {
  /** The holder of the lock that was replaced (dead, or forced out). */
  previous?: LockHolder;
  /** --force-unlock took it from a holder that did not look dead. */
  forced?: boolean;
}

/** "self": a lock of this very process (an earlier open of the same incident in the console). */
type Liveness = "alive" | "dead" | "elsewhere" | "self";

function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ")".
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: rest[0] ?? "", start: rest[19] ?? "" };
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return undefined;
  }
}

const SELF_START = procStat(process.pid)?.start;
const HAS_PROC = SELF_START !== undefined;

/** Who we are, as written into a lock. */
export function selfHolder(): LockHolder {
  const boot = bootId();
  return { pid: process.pid, host: hostname(), ...(SELF_START ? { start: SELF_START } : {}), ...(boot ? { boot } : {}), nonce: randomBytes(8).toString("hex") };
}

/** Whether the holder of a lock is still running: a pid alone is not enough (reused pids, zombies). */
export function liveness(h: LockHolder): Liveness {
  if (h.host !== hostname()) return "elsewhere";
  const boot = bootId();
  if (h.boot && boot && h.boot !== boot) return "dead";
  if (h.pid === process.pid && (h.start === undefined || h.start === SELF_START)) return "self";
  if (HAS_PROC) {
    const st = procStat(h.pid);
    if (!st || st.state === "Z" || st.state === "X") return "dead";
    if (h.start !== undefined && st.start !== h.start) return "dead";
    return "alive";
  }
  try {
    process.kill(h.pid, 0);
    return "alive";
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM" ? "alive" : "dead";
  }
}

interface SeenLock {
  text: string;
  ino: number;
  ctimeMs: number;
  holder?: LockHolder;
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    return typeof h.pid === "number" && typeof h.host === "string" ? (h as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/** The lock as it is now, or undefined when there is none. Never follows a symlink. */
export function readLock(file: string): SeenLock | undefined {
  let fd: number;
  try {
    fd = openStoreFile(file, FLAGS.read);
  } catch (e) {
    if (e instanceof IncidentFileError && e.code === "ENOENT") return undefined;
    throw e;
  }
  try {
    const st = fstatSync(fd);
    const buf = Buffer.alloc(Math.min(st.size, 4096));
    const n = buf.length > 0 ? readSync(fd, buf, 0, buf.length, 0) : 0;
    const text = buf.subarray(0, n).toString("utf8");
    const holder = parseHolder(text);
    return { text, ino: st.ino, ctimeMs: st.ctimeMs, ...(holder ? { holder } : {}) };
  } finally {
    closeSync(fd);
  }
}

class LockBusy extends Error {
  constructor(readonly holder: LockHolder | undefined, readonly where: Liveness) {
    super("lock busy");
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

/** Link `tmp` (our identity) to `file`; replace a dead holder's lock (any holder's, when forced). */
function take(file: string, tmp: string, force: boolean, depth: number): LockTaken {
  for (let attempt = 0; attempt < 400; attempt++) {
    try {
      linkSync(tmp, file);
      return {};
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new IncidentFileError(`cannot create the lock ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
    }
    const seen = readLock(file);
    if (!seen) continue;
    // Unreadable content cannot be a lock handrail wrote (link makes it appear whole): it is debris.
    const state = seen.holder ? liveness(seen.holder) : "dead";
    // A lock of this process is replaced as before: the console may reopen what it just closed.
    if (state !== "dead" && state !== "self" && !force) throw new LockBusy(seen.holder, state);
    if (depth >= 3) throw new IncidentFileError(`cannot take over ${file}: takeovers of it keep failing; remove it by hand`, file);
    const id = createHash("sha256").update(`${seen.text}\0${seen.ino}\0${seen.ctimeMs}`).digest("hex").slice(0, 16);
    const claim = `${file}.break-${id}`;
    try {
      take(claim, tmp, false, depth + 1);
    } catch (e) {
      if (!(e instanceof LockBusy)) throw e;
      // Another handrail is replacing this very lock right now: see who holds it once it is done.
      sleepMs(5);
      continue;
    }
    try {
      const now = readLock(file);
      if (now && now.text === seen.text && now.ino === seen.ino) {
        // Still the lock judged dead, and no one else may replace it while we hold its claim.
        const mine = `${tmp}.r`;
        linkSync(tmp, mine);
        renameSync(mine, file);
        return { ...(seen.holder ? { previous: seen.holder } : {}), ...(state === "alive" || state === "elsewhere" ? { forced: true } : {}) };
      }
    } finally {
      unlinkQuiet(claim);
    }
  }
  throw new IncidentFileError(`cannot take the lock ${file}: it keeps changing hands`, file);
}

function busyMessage(incidentFile: string, busy: LockBusy): string {
  const id = path.basename(incidentFile, ".jsonl");
  const h = busy.holder;
  if (!h) return `incident ${id} is being locked by another handrail right now; try again`;
  if (busy.where === "elsewhere") return `incident ${id} is locked by handrail on ${h.host} (pid ${h.pid}); if that handrail is gone, resume with --force-unlock`;
  return `incident ${id} is open in another handrail (pid ${h.pid}); close it there first`;
}

/** Take the lock of an incident file; throws IncidentFileError (one line) when another handrail holds it. */
export function acquireLock(lockFile: string, incidentFile: string, opts: { forceUnlock?: boolean } = {}): { holder: LockHolder; taken: LockTaken } {
  const holder = selfHolder();
  const tmp = `${lockFile}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  const fd = openStoreFile(tmp, FLAGS.createWrite);
  try {
    try {
      writeAll(fd, Buffer.from(JSON.stringify(holder)));
    } finally {
      closeSync(fd);
    }
    return { holder, taken: take(lockFile, tmp, opts.forceUnlock === true, 0) };
  } catch (e) {
    if (e instanceof LockBusy) throw new IncidentFileError(busyMessage(incidentFile, e), incidentFile);
    if (e instanceof IncidentFileError) throw e;
    throw new IncidentFileError(`cannot lock ${incidentFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, incidentFile);
  } finally {
    unlinkQuiet(tmp);
    unlinkQuiet(`${tmp}.r`);
  }
}

/** Remove the lock if it is still ours (a --force-unlock elsewhere may have taken it). */
export function releaseLock(lockFile: string, holder: LockHolder): void {
  try {
    if (readLock(lockFile)?.holder?.nonce === holder.nonce) unlinkSync(lockFile);
  } catch {
    // Gone, or not ours to remove.
  }
}

/** How the benchmarks time things: real processes, a pseudo-terminal (`script`), tmux, and peak RSS. */
import { execFile, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { StringDecoder } from "node:string_decoder";
import { promisify } from "node:util";

const run = promisify(execFile);
const GNU_TIME = "/usr/bin/time";

export const ROOT = path.resolve(import.meta.dirname, "..");
/** The build under measure: dist/ unless HANDRAIL_BENCH_BIN names another (an A/B of two builds, run alternately). */
export const BIN = process.env.HANDRAIL_BENCH_BIN ?? path.join(ROOT, "dist/handrail.js");

/** A scratch directory under the system temp dir; `cleanup()` removes them all at the end of the run. */
const scratch: string[] = [];
export function tempDir(label: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `handrail-bench-${label}-`));
  scratch.push(dir);
  return dir;
}
export function cleanup(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** What a suite started that must stop even when the run is interrupted (a private PostgreSQL, follower processes). */
const stoppers = new Set<() => Promise<void>>();
export function stopOnExit(stop: () => Promise<void>): () => Promise<void> {
  stoppers.add(stop);
  return async () => {
    if (stoppers.delete(stop)) await stop();
  };
}
export async function stopAll(): Promise<void> {
  for (const stop of [...stoppers]) await stop().catch(() => undefined);
  stoppers.clear();
}

export interface Timed {
  ms: number;
  /** Peak resident set size of the command (GNU time's %M), when /usr/bin/time exists. */
  rssMB?: number;
  exitCode: number | null;
}

/** Wall time of one process from spawn to exit, stdout and stderr discarded, with its peak RSS. */
export async function timeProcess(file: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Timed> {
  const withTime = existsSync(GNU_TIME);
  const out = withTime ? path.join(tempDir("rss"), "rss") : "";
  const [cmd, argv] = withTime ? [GNU_TIME, ["-f", "%M", "-o", out, file, ...args]] : [file, [...args]];
  const t0 = performance.now();
  const child = spawn(cmd, argv, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exitCode = await new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const ms = performance.now() - t0;
  if (exitCode !== 0) throw new Error(`${file} ${args.join(" ")} exited ${exitCode}: ${stderr}`);
  const kb = withTime ? Number(readFileSync(out, "utf8").trim().split("\n").at(-1)) : NaN;
  return { ms, exitCode, ...(Number.isFinite(kb) ? { rssMB: kb / 1024 } : {}) };
}

// eslint-disable-next-line no-control-regex -- terminal escapes are control characters.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007|\u001b[@-Z\\-_]/g;

/**
 * Process start to the first frame showing `marker`, in a pseudo-terminal (util-linux `script`,
 * which costs the same for every command measured). The process is killed once it is seen.
 */
export async function timeToFirstFrame(command: string, marker: string, opts: { cwd: string; env?: Record<string, string> }): Promise<number> {
  const env = { ...process.env, CI: "false", TERM: "xterm-256color", COLUMNS: "120", LINES: "40", ...opts.env };
  const t0 = performance.now();
  const child = spawn("script", ["-qfec", `stty cols 120 rows 40; exec ${command}`, "/dev/null"], { cwd: opts.cwd, env, stdio: ["pipe", "pipe", "ignore"], detached: true });
  let seen = "";
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame with "${marker}" within 20 s; saw: ${seen.slice(-500)}`)), 20_000);
      child.stdout.on("data", (d: Buffer) => {
        seen += d.toString("utf8").replace(ANSI, "");
        if (seen.includes(marker)) {
          clearTimeout(timer);
          resolve(performance.now() - t0);
        }
      });
      child.once("close", () => reject(new Error(`${command} ended before "${marker}"; saw: ${seen.slice(-500)}`)));
    });
  } finally {
    await endGroup(child.pid);
  }
}

/** SIGTERM a process group we started, then SIGKILL, and wait until it is gone. */
async function endGroup(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  await waitUntil(() => !alive(), 2_000).catch(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  });
}

/** Poll `check` every `everyMs` until it is true; rejects after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Peak RSS (VmHWM) of a live process, in MB. */
export function peakRssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmHWM for ${pid}`);
  return kb / 1024;
}

export interface Tmux {
  /** The pid of the command itself (it is exec'ed in the pane). */
  pid: number;
  screen(): Promise<string>;
  /** Resolves with the time (performance.now()) at which the screen first matched, polling at ~5 ms. */
  waitFor(match: string | RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<{ at: number; screen: string }>;
  /**
   * What the command writes to the terminal from now on, read from `tmux pipe-pane` in this
   * process: waiting on it spawns nothing. (`waitFor` polls `capture-pane`, a tmux client process
   * every 5 ms; during a flood on 2 cores those took ~80 ms from the step being measured.) The
   * match is tried on the newest output with colour and cursor codes removed, then checked on
   * the screen, untimed.
   */
  output(): Promise<{ waitFor(match: RegExp, timeoutMs?: number): Promise<{ at: number; screen: string }> }>;
  keys(...names: string[]): Promise<void>;
  type(text: string): Promise<void>;
  kill(): Promise<void>;
}

// CSI, OSC and two-character escapes: what Ink writes besides text.
// eslint-disable-next-line no-control-regex -- escapes are control characters.
const ESCAPES = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;
/** The newest output a match is tried on: a few full frames of a 120×40 screen. */
const OUTPUT_WINDOW = 64 * 1024;

/** Bytes appended to a file, read as they come (no process spawned per look). */
function follow(file: string, fds: number[]): () => string {
  const fd = openSync(file, "r");
  fds.push(fd);
  const decoder = new StringDecoder("utf8");
  const buf = Buffer.alloc(64 * 1024);
  let text = "";
  return () => {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) text = (text + decoder.write(buf.subarray(0, n))).slice(-OUTPUT_WINDOW);
    return text;
  };
}

export const hasTmux = async (): Promise<boolean> => run("tmux", ["-V"]).then(() => true, () => false);

// A tmux server of our own (its own socket): other tmux users on the machine are never touched,
// and a session ending cannot take down a server another session is being started on.
const SOCKET = `handrail-bench-${process.pid}`;
const tmux = (args: readonly string[]) => run("tmux", ["-L", SOCKET, ...args]);
let keeper: Promise<unknown> | undefined;

/** Stop the bench's own tmux server (every session the bench started). */
export async function stopTmux(): Promise<void> {
  if (keeper) await tmux(["kill-server"]).catch(() => undefined);
  keeper = undefined;
}

/** A command in a detached tmux session of the given size; `CI=false` so Ink draws. */
export async function startTmux(command: string, opts: { cwd: string; width?: number; height?: number; env?: Record<string, string> }): Promise<Tmux> {
  const name = `handrail-bench-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  const env = Object.entries({ CI: "false", TERM: "xterm-256color", ...opts.env }).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ");
  // An idle session keeps the server up between the measured ones.
  await (keeper ??= tmux(["new-session", "-d", "-s", "keeper", "sleep 3600"]));
  await tmux(["new-session", "-d", "-s", name, "-x", String(opts.width ?? 120), "-y", String(opts.height ?? 40), "-c", opts.cwd, `exec env ${env} ${command}`]);
  const pid = Number((await tmux(["display-message", "-p", "-t", name, "#{pane_pid}"])).stdout.trim());
  const screen = async () => (await tmux(["capture-pane", "-p", "-t", name]).catch(() => ({ stdout: "" }))).stdout;
  const fds: number[] = [];
  const matches = (m: string | RegExp | ((s: string) => boolean), s: string) => (typeof m === "string" ? s.includes(m) : m instanceof RegExp ? m.test(s) : m(s));
  const waitFor: Tmux["waitFor"] = async (match, timeoutMs = 30_000) => {
    const deadline = performance.now() + timeoutMs;
    let last = "";
    for (;;) {
      last = await screen();
      const at = performance.now();
      if (matches(match, last)) return { at, screen: last };
      if (at > deadline) throw new Error(`timed out waiting for ${String(match)}; the screen was:\n${last}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return {
    pid,
    screen,
    waitFor,
    output: async () => {
      const file = path.join(tempDir("pane"), "out");
      writeFileSync(file, "");
      const newest = follow(file, fds);
      await tmux(["pipe-pane", "-O", "-t", name, `cat >> ${file}`]);
      return {
        waitFor: async (match, timeoutMs = 30_000) => {
          const deadline = performance.now() + timeoutMs;
          let seen = "";
          for (;;) {
            const text = newest();
            const at = performance.now();
            if (text !== seen && match.test(text.replace(ESCAPES, ""))) return { at, screen: (await waitFor(match, 2_000)).screen };
            seen = text;
            if (at > deadline) throw new Error(`timed out waiting for ${String(match)} in the output; the screen was:\n${await screen()}`);
            await new Promise((r) => setTimeout(r, 2));
          }
        },
      };
    },
    keys: async (...names) => {
      for (const n of names) await tmux(["send-keys", "-t", name, n]);
    },
    type: async (text) => {
      await tmux(["send-keys", "-t", name, "-l", text]);
    },
    kill: async () => {
      await tmux(["kill-session", "-t", name]).catch(() => undefined);
      for (const fd of fds.splice(0)) closeSync(fd);
    },
  };
}

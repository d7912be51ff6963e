/** Drive the built binary in a real terminal: tmux with send-keys and capture-pane. */
import { execa } from "execa";
import { randomBytes } from "node:crypto";
import { NO_NOTIFY_ENV } from "./cli.js";

/** On screen once the walk has reached its end, whatever its verdict ("Every step is done" only when every step passed). */
export const WALK_END = "Press x to resolve";

export interface Terminal {
  /** Type literal text (no key names). */
  type(text: string): Promise<void>;
  /** Send tmux key names: Enter, Escape, C-c … */
  keys(...names: string[]): Promise<void>;
  screen(): Promise<string>;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Poll the screen until `check` holds (for conditions a pattern cannot say). */
  waitUntil(check: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /**
   * A key meant for the step or choice on screen (r, y, d, 1-9), sent once the footer offers it: a new
   * step or choice takes no such key for a moment after it appears (a held key must not act on it).
   */
  act(key: string, opts?: { timeoutMs?: number; still?: (screen: string) => boolean }): Promise<boolean>;
  kill(): Promise<void>;
}

/** The step card's first line, under the header frame: "Phase › Title [risk] (again) stopped: …"; "" when absent. */
export function stepCard(screen: string): string {
  return ((screen.split(/[╝╯┛]/).at(-1) ?? "").split("\n").find((l) => l.includes(" › ")) ?? "").trim();
}

/** The current step's title from its card; undefined when a frame caught mid-redraw lacks the card. */
export function cardTitle(screen: string): string | undefined {
  return stepCard(screen).split(" › ")[1]?.split(/\s+\[(?:low|medium|high|critical) risk\]|\s+\(again\)|\s+stopped:/)[0]?.trim() || undefined;
}

/** The footer's hint that a key acts now. */
export function armedHint(key: string): RegExp {
  if (key === "r") return /· r run( ·|$)/m;
  if (key === "y" || key === "d") return /· y\/d done/;
  if (/^[1-9]$/.test(key)) return /· 1-9 pick/;
  throw new Error(`act(): ${key} is not a key that acts on a step`);
}

/** One shell word holding `text` as it is. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export async function startTerminal(command: string, opts: { cwd: string; env?: Record<string, string>; width?: number; height?: number }): Promise<Terminal> {
  const name = `handrail-test-${randomBytes(4).toString("hex")}`;
  // `env -u` drops the developer's notification variables; the rest is set as given.
  const unset = Object.keys(NO_NOTIFY_ENV).filter((k) => NO_NOTIFY_ENV[k] === undefined && opts.env?.[k] === undefined).map((k) => `-u ${k}`).join(" ");
  const env = `${unset} ${Object.entries({ CI: "false", TERM: "xterm-256color", XDG_CONFIG_HOME: NO_NOTIFY_ENV.XDG_CONFIG_HOME!, ...opts.env }).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ")}`;
  // The command line runs in a shell of its own under `env`, so the environment covers all of it (a command
  // line like `echo before; node …` would otherwise give the variables to echo alone, and node the runner's CI=true).
  const shell = `sh -c ${shellQuote(command)}`;
  await execa("tmux", ["new-session", "-d", "-s", name, "-x", String(opts.width ?? 120), "-y", String(opts.height ?? 40), "-c", opts.cwd, `env ${env} ${shell}; echo "[exited $?]"; sleep 600`]);
  const screen = async () => (await execa("tmux", ["capture-pane", "-p", "-t", name], { reject: false })).stdout;
  const waitUntil = async (check: (screen: string) => boolean, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await screen();
      if (check(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen was:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    type: async (text) => {
      await execa("tmux", ["send-keys", "-t", name, "-l", text]);
    },
    keys: async (...names) => {
      for (const n of names) {
        // Arrow keys as the escape sequences terminals send in normal mode.
        const raw = n === "Down" ? "\u001b[B" : n === "Up" ? "\u001b[A" : undefined;
        await execa("tmux", raw ? ["send-keys", "-t", name, "-l", raw] : ["send-keys", "-t", name, n]);
      }
    },
    screen,
    waitFor: (text, timeoutMs = 15_000) => waitUntil((s) => (typeof text === "string" ? s.includes(text) : text.test(s)), String(text), timeoutMs),
    waitUntil: (check, what, timeoutMs = 15_000) => waitUntil(check, what, timeoutMs),
    // `still`: while waiting, the screen may move on by itself (a step finishing): then nothing is sent and it says so.
    act: async (key, opts = {}) => {
      const hint = armedHint(key);
      const still = opts.still ?? (() => true);
      const screen = await waitUntil((s) => hint.test(s) || !still(s), `the footer to offer ${key}`, opts.timeoutMs ?? 15_000);
      if (!hint.test(screen)) return false;
      await execa("tmux", ["send-keys", "-t", name, "-l", key]);
      return true;
    },
    kill: async () => {
      await execa("tmux", ["kill-session", "-t", name], { reject: false });
    },
  };
}

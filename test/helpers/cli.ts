/** Run the built binary as a real process, the way an operator or a script would. */
import { execa } from "execa";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const BIN = path.join(ROOT, "dist/handrail.js");

/**
 * A test never reaches the developer's own channels: no config file (XDG_CONFIG_HOME points at
 * nothing) and none of their HANDRAIL_* notification variables, nor their shared store. Tests that notify set their own.
 */
export const NO_NOTIFY_ENV: Record<string, undefined | string> = {
  XDG_CONFIG_HOME: "/nonexistent/handrail-test-config",
  ...Object.fromEntries(["HANDRAIL_SLACK_WEBHOOK_URL", "HANDRAIL_PAGERDUTY_ROUTING_KEY", "HANDRAIL_PAGERDUTY_URL", "HANDRAIL_GITHUB_TOKEN", "HANDRAIL_GITHUB_REPO", "HANDRAIL_GITHUB_API_URL", "HANDRAIL_SMTP_URL", "HANDRAIL_EMAIL_FROM", "HANDRAIL_EMAIL_TO", "HANDRAIL_WEBHOOK_URL", "HANDRAIL_STORE_URL"].map((k) => [k, undefined])),
};

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { HANDRAIL_PATH: undefined, ...NO_NOTIFY_ENV, ...opts.env },
    reject: false,
    input: opts.input,
    timeout: opts.timeoutMs ?? 20_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A scratch directory removed after the test. */
export function scratchDir(onCleanup: (fn: () => void) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), "handrail-test-"));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

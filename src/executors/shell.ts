/** `run` steps: a bash script in its own process group, inputs as environment, output streamed and bounded. */
import { execa } from "execa";
import { existsSync } from "node:fs";
import path from "node:path";
import { formatDuration } from "../runbooks/duration.js";
import type { Step } from "../runbooks/schema.js";
import { diagnose } from "./diagnose.js";
import { checkExpectations, verdict } from "./expect.js";
import { OutputCollector, sinkFor } from "./output.js";
import { groupIdentity, groupMembers, terminateGroup } from "./process-group.js";
import { OutputChecks } from "./stream-checks.js";
import { stepTimeoutMs } from "./timeout.js";
import { KILL_GRACE_MS, type ExecContext, type ExecuteOptions, type StepResult, type StepStatus } from "./types.js";

/** After the script exits, how long background children may keep its output open before they are ended. */
export const BACKGROUND_GRACE_MS = 500;

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

/** The environment a step sees: inherited, plus the inputs, plus the kube target. Never process.env itself. */
export function stepEnvironment(ctx: ExecContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, ctx.vars);
  if (ctx.kube?.kubeconfig) env.KUBECONFIG = ctx.kube.kubeconfig;
  return env;
}

/**
 * An interactive step owns the terminal: same process group as handrail (so it is in the
 * terminal's foreground and can read keys), stdio inherited, nothing captured.
 */
async function runInteractive(script: string, step: Step, ctx: ExecContext, opts: ExecuteOptions): Promise<StepResult> {
  const started = performance.now();
  const child = execa("bash", ["-c", script], { cwd: ctx.cwd, env: stepEnvironment(ctx), extendEnv: false, stdio: "inherit", reject: false, ...(opts.signal ? { cancelSignal: opts.signal } : {}) });
  opts.onEvent?.({ type: "started", ...(child.pid !== undefined ? { pid: child.pid } : {}), command: script, at: Date.now() });
  const r = await child;
  const exitCode = r.exitCode ?? (r.signal ? 128 + (SIGNALS[r.signal] ?? 0) : 127);
  opts.onEvent?.({ type: "exit", exitCode, signal: r.signal ?? null, at: Date.now() });
  const expectations = checkExpectations(step.expect, { exitCode }, { exitCode: 0 });
  const found = step.found ? checkExpectations(step.found, { exitCode }, {}, "found") : undefined;
  const status = r.isCanceled ? "cancelled" : verdict(expectations, found);
  return { status, exitCode, signal: r.signal ?? null, durationMs: Math.round(performance.now() - started), expectations, ...(found && !r.isCanceled ? { found } : {}), output: new OutputCollector().summary(), details: { interactive: true } };
}

/** Run a bash script; resolves with a result whatever happens to the process. */
/** What a step `requires` that is neither a file under the working directory nor a command on PATH. */
export function missingRequirements(requires: readonly string[] | undefined, ctx: Pick<ExecContext, "cwd" | "env">): string[] {
  const dirs = (ctx.env.PATH ?? "").split(":").filter(Boolean);
  return (requires ?? []).filter((r) => {
    if (r.includes("/")) return !existsSync(path.resolve(ctx.cwd, r));
    return !dirs.some((d) => existsSync(path.join(d, r)));
  });
}

export async function runShell(script: string, step: Step, ctx: ExecContext, opts: ExecuteOptions = {}): Promise<StepResult> {
  const missing = missingRequirements(step.requires, ctx);
  if (missing.length > 0) {
    const what = missing.join(", ");
    return {
      status: "failed",
      exitCode: null,
      signal: null,
      durationMs: 0,
      expectations: [{ check: "requires", passed: false, reason: `${what} not found` }],
      output: new OutputCollector().summary(),
      diagnosis: { code: "missing-requirement", summary: `this step expects ${what}, which is not here`, hint: `Run handrail from the directory that holds ${what}, or put it on PATH.` },
    };
  }
  if (step.interactive) return runInteractive(script, step, ctx, opts);
  const started = performance.now();
  // The text checks read every chunk as it comes: the whole output is checked, none of it is kept.
  const checks = new OutputChecks({ expect: step.expect, found: step.found });
  const collector = new OutputCollector(sinkFor(opts.onEvent), checks);
  const elapsed = () => Math.round(performance.now() - started);
  const timeoutMs = stepTimeoutMs(step, ctx);

  if (opts.signal?.aborted) {
    return { status: "cancelled", exitCode: null, signal: null, durationMs: 0, expectations: [], output: collector.summary() };
  }

  const child = execa("bash", ["-c", script], {
    cwd: ctx.cwd,
    env: stepEnvironment(ctx),
    extendEnv: false,
    detached: true,
    stdin: "ignore",
    buffer: false,
    reject: false,
    cleanup: true,
    stripFinalNewline: false,
  });
  const pid = child.pid;
  // The group's identity (leader start time, boot id) lets a resume tell this group from a reused pid.
  opts.onEvent?.({ type: "started", ...(pid !== undefined ? { pid, ...groupIdentity(pid) } : {}), command: script, at: Date.now() });
  if (pid !== undefined) liveGroups.add(pid);

  child.stdout?.on("data", (chunk: Buffer) => collector.push("stdout", chunk));
  child.stderr?.on("data", (chunk: Buffer) => collector.push("stderr", chunk));

  let ending: StepStatus | undefined;
  let killing: Promise<void> | undefined;
  const endGroup = (why: StepStatus) => {
    ending ??= why;
    if (pid !== undefined) killing ??= terminateGroup(pid, KILL_GRACE_MS);
  };
  const timer = setTimeout(() => endGroup("timeout"), timeoutMs);
  const onAbort = () => endGroup("cancelled");
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  // Aborted since the check above (a listener of the started event may cancel at once).
  if (opts.signal?.aborted) onAbort();

  // The script's own exit, separately from its pipes closing: a `sleep 1000 &` holds them open.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", () => resolve({ code: null, signal: null }));
  });
  const exit = await exited;
  const pipesClosed = child.then(() => undefined);
  const closedWithin = (ms: number) => Promise.race([pipesClosed.then(() => true), delay(ms).then(() => false)]);
  const lingering = !(await closedWithin(BACKGROUND_GRACE_MS));
  // What the script left running in its group once it exited: ended with the step, unless it says `detach`.
  const leftBehind = pid !== undefined && ending === undefined ? groupMembers(pid).length : 0;
  if (pid !== undefined && ending === undefined && step.detach) liveGroups.delete(pid);
  else if (pid !== undefined && (leftBehind > 0 || lingering)) killing ??= terminateGroup(pid, KILL_GRACE_MS);
  await killing;
  // Output still held open (a detached daemon, a process that left the group with setsid): stop reading rather than wait forever.
  if (lingering && !(await closedWithin(BACKGROUND_GRACE_MS))) for (const stream of [child.stdout, child.stderr]) stream?.destroy();
  const result = await child;
  clearTimeout(timer);
  opts.signal?.removeEventListener("abort", onAbort);
  if (pid !== undefined) liveGroups.delete(pid);
  collector.finish();

  const spawnError = result.code === "ENOENT" || (result.failed && pid === undefined);
  const signal = exit.signal ?? null;
  const exitCode = spawnError ? 127 : exit.code !== null ? exit.code : signal ? 128 + (SIGNALS[signal] ?? 0) : null;
  opts.onEvent?.({ type: "exit", exitCode, signal, at: Date.now() });

  const stderr = collector.stderrTail();
  const checked = ending === undefined;
  const expectations = checked ? checkExpectations(step.expect, { exitCode, text: checks.results("expect") }, { exitCode: 0 }) : [];
  const found = checked && step.found ? checkExpectations(step.found, { exitCode, text: checks.results("found") }, {}, "found") : undefined;
  const status: StepStatus = spawnError ? "error" : ending ?? verdict(expectations, found);
  const diagnosis = status === "passed" || status === "found" ? undefined : diagnose(exitCode, spawnError ? `bash: command not found` : stderr);
  return {
    status,
    exitCode,
    signal,
    durationMs: elapsed(),
    expectations,
    ...(found ? { found } : {}),
    output: collector.summary(),
    ...(diagnosis ? { diagnosis } : {}),
    ...(spawnError ? { error: `could not start bash: ${result.shortMessage ?? result.message}` } : {}),
    ...(status === "timeout" ? { error: `timed out after ${formatDuration(timeoutMs)}; the step's processes were ended` } : {}),
    ...(leftBehind > 0 ? { details: step.detach ? { detached: { pgid: pid, processes: leftBehind } } : { reaped: leftBehind } } : {}),
  };
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Process groups of running steps, ended if handrail itself exits. */
const liveGroups = new Set<number>();
process.once("exit", () => {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});

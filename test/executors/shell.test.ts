/** `run` steps with real bash children: streaming, exit codes, signals, timeouts, group kill, floods, injection. */
import { existsSync, rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runShell } from "../../src/executors/shell.js";
import { groupMembers, isAlive } from "../../src/executors/process-group.js";
import { context, recorder, runStep, waitFor } from "../helpers/steps.js";

const run = (script: string, opts: Parameters<typeof runShell>[3] = {}, vars: Record<string, string> = {}, extra = {}) =>
  runShell(script, runStep(script, extra), context(vars), opts);

describe("run steps", () => {
  it("streams lines in order and passes on exit 0", async () => {
    const rec = recorder();
    const r = await run("for i in 1 2 3; do echo line $i; done; echo oops >&2", { onEvent: rec.onEvent });
    expect(r.status).toBe("passed");
    expect(r.exitCode).toBe(0);
    expect(rec.lines("stdout")).toEqual(["line 1", "line 2", "line 3"]);
    expect(rec.lines("stderr")).toEqual(["oops"]);
    expect(rec.events[0]).toMatchObject({ type: "started" });
    expect(rec.events.at(-1)).toMatchObject({ type: "exit", exitCode: 0 });
    expect(r.output).toMatchObject({ lines: 4, bytes: 26, truncated: false });
  });

  it("a non-zero exit is a failed result with the reason, not an exception", async () => {
    const r = await run("echo partial; exit 3");
    expect(r).toMatchObject({ status: "failed", exitCode: 3, expectations: [{ check: "exitCode", passed: false, reason: "exit code 3, expected 0" }] });
  });

  it("a signal is exit 128+n", async () => {
    const r = await run("kill -TERM $$");
    expect(r).toMatchObject({ status: "failed", exitCode: 143, signal: "SIGTERM" });
  });

  it("a missing command is exit 127 with a diagnosis", async () => {
    const r = await run("kubectl-not-installed get pods");
    expect(r.exitCode).toBe(127);
    expect(r.diagnosis).toMatchObject({ code: "command-not-found", summary: "kubectl-not-installed is not installed or not on PATH" });
  });

  it("bash itself missing is an error result with exit 127", async () => {
    const r = await runShell("true", runStep("true"), context({}, { env: { PATH: "/nonexistent" } }));
    expect(r).toMatchObject({ status: "error", exitCode: 127 });
    expect(r.error).toContain("could not start bash");
  });

  it("splits lines across chunks: UTF-8 cut mid-character, CRLF, carriage-return progress", async () => {
    const rec = recorder();
    const r = await run(String.raw`printf '\xc3'; sleep 0.1; printf '\xa9t\xc3\xa9\r\n'; printf 'progress 10%%\r'; sleep 0.1; printf 'progress 100%%\n'; printf 'no newline'`, { onEvent: rec.onEvent });
    expect(rec.lines()).toEqual(["été", "progress 100%", "no newline"]);
    expect(r.output.lines).toBe(3);
  });

  it("keeps colour for display and strips it for expect", async () => {
    const rec = recorder();
    const r = await run(String.raw`printf '\033[31mERROR\033[0m count 5\n'`, { onEvent: rec.onEvent }, {}, { expect: { stdout: { contains: "ERROR count", notMatches: "\\x1b" } } });
    expect(rec.lines()).toEqual(["\u001b[31mERROR\u001b[0m count 5"]);
    expect(r.status).toBe("passed");
  });

  it("reads output as a number for min / max", async () => {
    const r = await run("echo 14", {}, {}, { expect: { stdout: { max: 10 } } });
    expect(r.status).toBe("failed");
    expect(r.expectations).toContainEqual({ check: "stdout.max", passed: false, reason: "stdout 14 is above the maximum 10" });
  });

  it("a timeout ends the whole process group, background children too", async () => {
    const rec = recorder();
    const r = await run("sleep 1000 & echo $!; sleep 1000", { onEvent: rec.onEvent }, {}, { timeout: "1s" });
    expect(r.status).toBe("timeout");
    expect(r.error).toBe("timed out after 1s; the step's processes were ended");
    const bg = Number(rec.lines()[0]);
    const started = rec.events[0];
    expect(bg).toBeGreaterThan(0);
    expect(isAlive(bg)).toBe(false);
    expect(started?.type === "started" && started.pid ? groupMembers(started.pid) : ["no pid"]).toEqual([]);
  });

  it("cancel (the abort signal) ends the group and is recorded as cancelled", async () => {
    const rec = recorder();
    const ac = new AbortController();
    const running = run("trap '' TERM; sleep 1000 & echo $!; while true; do sleep 1; done", { onEvent: rec.onEvent, signal: ac.signal });
    await waitFor(() => rec.lines().length > 0, "the first line");
    ac.abort();
    const r = await running;
    expect(r.status).toBe("cancelled");
    expect(isAlive(Number(rec.lines()[0]))).toBe(false);
  });

  it("a background child left holding the output does not hold the step open", async () => {
    const rec = recorder();
    const r = await run("sleep 1000 & echo $!", { onEvent: rec.onEvent });
    expect(r.status).toBe("passed");
    expect(isAlive(Number(rec.lines()[0]))).toBe(false);
  });

  it("100 MB of output: counted exactly, memory bounded, batched events", async () => {
    let events = 0;
    let peakHeap = 0;
    const baseline = process.memoryUsage().heapUsed;
    const r = await run("head -c 100000000 /dev/zero | tr '\\0' x | fold -w 99", {
      onEvent: () => {
        events++;
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      },
    });
    expect(r.status).toBe("passed");
    expect(r.output.bytes).toBe(100_000_000 + 1_010_101);
    expect(r.output.lines).toBe(1_010_102);
    expect(r.output.tail).toHaveLength(200);
    expect(r.output.truncated).toBe(true);
    expect(events).toBeLessThan(20_000);
    expect(peakHeap - baseline).toBeLessThan(100 * 1024 * 1024);
  });
});

describe("inputs reach the script as environment, never as code", () => {
  const marker = "/tmp/handrail-pwned";
  it.each([
    ["a command after a semicolon", `x; touch ${marker}`],
    ["command substitution", `$(touch ${marker})`],
    ["backquotes", `\`touch ${marker}\``],
    ["a newline and a command", `x\ntouch ${marker}`],
    ["quotes", `x" ; touch ${marker}; echo "`],
  ])("%s stays one literal argument", async (_what, value) => {
    rmSync(marker, { force: true });
    const rec = recorder();
    const r = await run(`printf '%s|' "$service"; echo; printf '%s\\n' "$#"`, { onEvent: rec.onEvent }, { service: value });
    expect(r.status).toBe("passed");
    expect(rec.lines().join("\n")).toBe(`${value}|\n0`);
    expect(existsSync(marker)).toBe(false);
  });
});

describe("requires", () => {
  it("a missing script is a failed step with a diagnosis, and nothing runs", async () => {
    const rec = recorder();
    const r = await runShell("echo ran", runStep("echo ran", { requires: ["scripts/analyze_impact.py", "bash"] }), context(), { onEvent: rec.onEvent });
    expect(r.status).toBe("failed");
    expect(r.diagnosis).toMatchObject({ code: "missing-requirement", summary: "this step expects scripts/analyze_impact.py, which is not here" });
    expect(rec.lines()).toEqual([]);
  });
});

/** Steps and contexts for executor tests, without a runbook file around them. */
import type { ExecContext, StepEvent } from "../../src/executors/types.js";
import type { Step } from "../../src/runbooks/schema.js";

export function runStep(run: string, extra: Partial<Step> = {}): Step {
  return { id: "t", title: "test step", run, ...extra } as Step;
}

export function context(vars: Record<string, string> = {}, extra: Partial<ExecContext> = {}): ExecContext {
  return { vars, env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: "C.UTF-8" }, cwd: process.cwd(), ...extra };
}

/** Collect events and the lines they carried. */
export function recorder() {
  const events: StepEvent[] = [];
  return {
    events,
    onEvent: (e: StepEvent) => events.push(e),
    lines: (stream?: "stdout" | "stderr") =>
      events.flatMap((e) => (e.type === "output" && (stream === undefined || e.stream === stream) ? e.lines : [])),
  };
}

/** Poll until a condition holds (no fixed sleeps in tests). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

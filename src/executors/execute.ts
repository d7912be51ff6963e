/** The one entry point for running a step of any kind (DESIGN.md: executors return results, never throw for expected failures). */
import type { Step } from "../runbooks/schema.js";
import { stepKind } from "../runbooks/step-kind.js";
import { runHttp } from "./http.js";
import { runNotify } from "./notify/index.js";
import { OutputCollector } from "./output.js";
import { runShell } from "./shell.js";
import { OutputChecks } from "./stream-checks.js";
import type { ExecContext, ExecuteOptions, StepResult } from "./types.js";

export async function execute(step: Step, ctx: ExecContext, opts: ExecuteOptions = {}): Promise<StepResult> {
  // What later conditions ask of this output is judged here, on the same raw chunks the incident records.
  const facts = ctx.facts && ctx.facts.length > 0 ? new OutputChecks({ facts: ctx.facts }) : undefined;
  const tapped: ExecuteOptions = facts
    ? {
        ...opts,
        onEvent: (e) => {
          if (e.type === "data") facts.push(e.stream, e.chunk);
          opts.onEvent?.(e);
        },
      }
    : opts;
  const result = await run(step, ctx, tapped);
  if (facts && (result.status === "passed" || result.status === "found" || result.status === "failed")) result.facts = facts.factResults();
  return result;
}

async function run(step: Step, ctx: ExecContext, opts: ExecuteOptions): Promise<StepResult> {
  try {
    switch (stepKind(step)) {
      case "run":
        return await runShell(step.run!, step, ctx, opts);
      case "http":
        return await runHttp(step.http!, step, ctx, opts);
      case "k8s":
        // Loaded when a k8s step runs: its tables (string-width) and the client cost a shell step nothing then.
        return await (await import("./k8s.js")).runK8s(step.k8s!, step, ctx, opts);
      case "notify":
        return await runNotify(step.notify!, step, ctx, opts);
      case "manual":
        return errorResult("a manual step is confirmed by the operator, not executed");
    }
  } catch (error) {
    // Expected failures are results already; anything reaching here is a bug, kept as an error result so the incident goes on.
    return errorResult(`internal error while running the step: ${(error as Error).message}`);
  }
}

function errorResult(error: string): StepResult {
  return { status: "error", exitCode: null, signal: null, durationMs: 0, expectations: [], output: new OutputCollector().summary(), error };
}

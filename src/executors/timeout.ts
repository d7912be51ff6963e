import { clampTimerMs, parseDuration } from "../runbooks/duration.js";
import type { Step } from "../runbooks/schema.js";
import { DEFAULT_STEP_TIMEOUT_MS, type ExecContext } from "./types.js";

/**
 * The step's own timeout, else the context's default, else DEFAULT_STEP_TIMEOUT_MS; always a delay
 * a timer honours, even for a runbook that skipped validation (30d would otherwise fire after 1 ms).
 */
export function stepTimeoutMs(step: Pick<Step, "timeout">, ctx: Pick<ExecContext, "defaultTimeoutMs">, fallback = DEFAULT_STEP_TIMEOUT_MS): number {
  return clampTimerMs((step.timeout !== undefined ? parseDuration(step.timeout) : undefined) ?? ctx.defaultTimeoutMs ?? fallback);
}

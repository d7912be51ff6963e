/** Durations as runbooks write them: "90s", "5m", "1h30m", "24h", "500ms". */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/** Node's timers hold a signed 32-bit count of ms: a longer delay fires after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** The bounds of every duration a runbook writes: a 0 ms timeout ends a step before it starts. */
export const MIN_DURATION_MS = 1;
// 24 days, a round number just under MAX_TIMER_MS (24.8 days).
export const MAX_DURATION_MS = 24 * UNIT_MS.d;

/** Milliseconds for a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let m = PART.exec(trimmed); m !== null; m = PART.exec(trimmed)) {
    total += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    end = PART.lastIndex;
  }
  return end === trimmed.length ? Math.round(total) : undefined;
}

/** Why a duration cannot be used (below `minMs`, 1 ms unless said, or above 24 days), or undefined when it can. */
export function durationRangeProblem(text: string, minMs = MIN_DURATION_MS): string | undefined {
  const ms = parseDuration(text);
  if (ms === undefined) return undefined;
  if (ms < minMs) return `${text} is below the minimum ${formatDuration(minMs)}`;
  if (ms > MAX_DURATION_MS) return `${text} is above the limit ${formatDuration(MAX_DURATION_MS)}`;
  return undefined;
}

/** A delay that a timer honours: at least 1 ms, at most MAX_TIMER_MS (NaN is treated as the longest). */
export function clampTimerMs(ms: number): number {
  if (Number.isNaN(ms)) return MAX_TIMER_MS;
  return Math.min(MAX_TIMER_MS, Math.max(MIN_DURATION_MS, Math.round(ms)));
}

/** A short human form: 300000 → "5m", 5400000 → "1h30m". */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  let rest = Math.round(ms / 1_000);
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86_400], ["h", 3_600], ["m", 60], ["s", 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join("");
}

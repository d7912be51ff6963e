/** The severities, a leaf module: the runbook schema and the conditions both read it. */
export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Response times when a runbook does not set its own (DESIGN.md). */
export const DEFAULT_RESPONSE_TIMES: Record<Severity, string> = {
  critical: "5m",
  high: "15m",
  medium: "1h",
  low: "24h",
};

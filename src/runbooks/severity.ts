/** The severities, a leaf module: the runbook schema and the conditions both read it. */
export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

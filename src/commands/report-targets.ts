/** Where `handrail report --to` can send a report (report-to.ts delivers it). */
export const REPORT_TARGETS = ["github", "webhook"] as const;

/**
 * The incident report, rebuilt from the incident file alone: a postmortem's sections (summary,
 * key times, resolution, root cause, impact, evidence, timeline, what happened, notifications,
 * a diagram, action items) filled from events, as Markdown, HTML or JSON (the model itself).
 */
import { plainText } from "../executors/terminal-text.js";
import { toMarkdown } from "./report-doc.js";
import { toHtml } from "./report-html.js";
import type { IncidentReport } from "./report-model.js";
import { reportBlocks, reportSections } from "./report-sections.js";

export { buildReport, ReportBuilder, type BuildOptions } from "./report-build.js";
export type { IncidentReport, ReportNotification, ReportStep } from "./report-model.js";
export { timelineLines } from "./report-timeline.js";

/** The report as Markdown. */
export function renderMarkdown(r: IncidentReport): string {
  // Section by section, each one's blocks let go once written: a long incident's blocks, all held
  // until the end, were much of the collector's work. (A document's Markdown is its blocks' joined.)
  const parts: string[] = [];
  for (const section of reportSections(r)) {
    const blocks = section();
    if (blocks.length) parts.push(toMarkdown(blocks));
  }
  // Step output, notes and commands may hold escape sequences; a report read with `cat` must not run them.
  return plainText(parts.join("\n").trimEnd() + "\n");
}

/** The report as one self-contained HTML file (no script, no network). */
export function renderHtml(r: IncidentReport): string {
  return plainText(toHtml(reportBlocks(r), `Incident Report: ${r.runbook.title} — ${r.incident}`));
}

/**
 * Phases and steps over time: a Mermaid `gantt` block for Markdown (GitHub, GitLab and most wikis
 * draw it) and the same bars as an inline SVG for the HTML report (no script, no network). Pure.
 */
import type { IncidentReport, ReportStep } from "./report-model.js";

/** Attempts drawn at most; a longer incident says how many were left out. */
export const MAX_BARS = 200;

export interface GanttBar {
  section: string;
  title: string;
  status: string;
  start: number;
  end: number;
}

export function ganttBars(r: IncidentReport): { bars: GanttBar[]; omitted: number } {
  const drawn = r.steps.slice(0, MAX_BARS);
  const bars = drawn.map((s: ReportStep) => {
    const start = Date.parse(s.startedAt);
    const end = Date.parse(s.endedAt ?? s.startedAt);
    return { section: s.phaseTitle, title: `${s.title}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ""}`, status: s.acknowledged ? "confirmed" : s.status, start, end: Math.max(end, start + 1) };
  });
  return { bars, omitted: r.steps.length - drawn.length };
}

/** Mermaid's task syntax gives `:` and `#` (and `;`) a meaning: written as its entity codes. */
export function mermaidText(s: string): string {
  return s.replace(/#/g, "#35;").replace(/:/g, "#58;").replace(/;(?<!#\d\d;)/g, "#59;").replace(/[\r\n]+/g, " ").trim() || "-";
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
/** A time as Mermaid's `dateFormat YYYY-MM-DD HH:mm:ss.SSS` reads it (UTC digits; the axis shows them as given). */
export function mermaidDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

const TAG: Record<string, string> = { passed: "done", confirmed: "done", found: "active" };
const tagOf = (status: string) => TAG[status] ?? (status === "skipped" ? "" : "crit");

/** The Mermaid source, one task a line. */
export function ganttMermaid(r: IncidentReport): string {
  const { bars, omitted } = ganttBars(r);
  const out = ["gantt", `    title ${mermaidText(`${r.runbook.title} — ${r.incident}`)}`, "    dateFormat YYYY-MM-DD HH:mm:ss.SSS", "    axisFormat %H:%M:%S"];
  let section: string | undefined;
  bars.forEach((b, i) => {
    if (b.section !== section) {
      section = b.section;
      out.push(`    section ${mermaidText(section)}`);
    }
    const tag = tagOf(b.status);
    out.push(`    ${mermaidText(`${b.title} (${b.status})`)} :${tag ? `${tag}, ` : ""}t${i + 1}, ${mermaidDate(b.start)}, ${mermaidDate(b.end)}`);
  });
  if (omitted > 0) out.push(`    %% ${omitted} more attempts not drawn`);
  return out.join("\n");
}

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const FILL: Record<string, string> = { done: "#2da44e", active: "#d4a72c", crit: "#cf222e", "": "#8c959f" };

/** The same bars drawn as SVG: a row per phase and per attempt, a bar from its start to its end, coloured by outcome. */
export function ganttSvg(r: IncidentReport): string {
  const { bars, omitted } = ganttBars(r);
  const LABEL = 340;
  const WIDTH = 960;
  const ROW = 20;
  const plot = WIDTH - LABEL - 20;
  const t0 = bars.length ? Math.min(...bars.map((b) => b.start)) : Date.parse(r.openedAt);
  const t1 = Math.max(t0 + 1, ...bars.map((b) => b.end));
  const x = (t: number) => LABEL + ((t - t0) / (t1 - t0)) * plot;
  const rows: string[] = [];
  let y = 30;
  let section: string | undefined;
  for (const b of bars) {
    if (b.section !== section) {
      section = b.section;
      rows.push(`<text x="4" y="${y + 14}" font-weight="bold">${xml(section)}</text>`);
      y += ROW;
    }
    const left = x(b.start);
    const width = Math.max(2, x(b.end) - left);
    rows.push(
      `<text x="16" y="${y + 14}">${xml(b.title.length > 46 ? `${b.title.slice(0, 45)}…` : b.title)}</text>`,
      `<rect x="${left.toFixed(1)}" y="${y + 3}" width="${width.toFixed(1)}" height="${ROW - 6}" rx="2" fill="${FILL[tagOf(b.status)]}"><title>${xml(`${b.title}: ${b.status}`)}</title></rect>`,
    );
    y += ROW;
  }
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const t = t0 + f * (t1 - t0);
    const tx = LABEL + f * plot;
    return `<line x1="${tx.toFixed(1)}" y1="22" x2="${tx.toFixed(1)}" y2="${y}" stroke="#d0d7de"/><text x="${tx.toFixed(1)}" y="16" text-anchor="middle">${new Date(t).toISOString().slice(11, 19)}</text>`;
  });
  if (omitted > 0) {
    rows.push(`<text x="4" y="${y + 14}" font-style="italic">${omitted} more attempts not drawn</text>`);
    y += ROW;
  }
  const height = y + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Phases and steps over time" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">${ticks.join("")}${rows.join("")}</svg>`;
}

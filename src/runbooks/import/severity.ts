/** Severity levels from a severity table, "Severity 1 (Critical): …" lists, headings and `Severity: critical` fields. */
import { DEFAULT_RESPONSE_TIMES, DURATION_PATTERN, SEVERITIES, type Runbook, type Severity } from "../schema.js";
import { plainInline, shorten } from "./text.js";

type Policy = NonNullable<Runbook["severities"]>[Severity];

const WORDS: Record<string, Severity> = {
  critical: "critical",
  crit: "critical",
  emergency: "critical",
  blocker: "critical",
  high: "high",
  major: "high",
  urgent: "high",
  medium: "medium",
  moderate: "medium",
  normal: "medium",
  low: "low",
  minor: "low",
  trivial: "low",
};

/** "Critical", "**SEV-1**", "P2", "Severity 3 (Medium)" → a severity and the label it was given. */
export function parseLevel(text: string): { severity: Severity; label?: string } | undefined {
  const t = plainInline(text).trim();
  const word = /\b(critical|crit|emergency|blocker|high|major|urgent|medium|moderate|normal|low|minor|trivial)\b/i.exec(t);
  const num = /^(?:sev(?:erity)?|p|priority|level)?[\s-]*([0-4])\b/i.exec(t);
  const label = num ? t.slice(0, num[0].length).trim() : undefined;
  if (word && (num || t.length <= 30)) {
    const severity = WORDS[word[1]!.toLowerCase()]!;
    return label && label !== word[1] ? { severity, label } : { severity };
  }
  if (num && /^(?:sev|p|priority)/i.test(t)) {
    const n = Number(num[1]);
    const severity = SEVERITIES[Math.max(0, n - 1)]!;
    return { severity, label: label! };
  }
  return undefined;
}

/** "Immediate (< 5 min)" → "5m"; undefined when no duration is written. */
export function parseDuration(text: string): string | undefined {
  const m = /(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b/i.exec(text);
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase();
  const short = unit === "ms" || unit.startsWith("milli") ? "ms" : unit.startsWith("s") ? "s" : unit.startsWith("m") ? "m" : unit.startsWith("h") ? "h" : "d";
  const out = `${m[1]}${short}`;
  return DURATION_PATTERN.test(out) ? out : undefined;
}

export class SeverityCollector {
  readonly severities: Partial<Record<Severity, Policy>> = {};

  get size(): number {
    return Object.keys(this.severities).length;
  }

  add(severity: Severity, fields: { respondWithin?: string; criteria?: string; label?: string }): void {
    const existing = this.severities[severity];
    const criteria = fields.criteria ? shorten(plainInline(fields.criteria), 200) : undefined;
    if (!existing) {
      this.severities[severity] = {
        respondWithin: fields.respondWithin ?? DEFAULT_RESPONSE_TIMES[severity],
        ...(criteria ? { criteria } : {}),
        ...(fields.label ? { label: fields.label } : {}),
      };
      return;
    }
    if (!existing.criteria && criteria) existing.criteria = criteria;
    if (!existing.label && fields.label) existing.label = fields.label;
  }

  /** A table whose rows are severity levels; true when it was one (and is now fully placed). */
  fromTable(rows: string[][]): boolean {
    const header = rows[0]?.map((c) => plainInline(c).toLowerCase()) ?? [];
    const levelCol = header.findIndex((h) => /severity|sev\b|level|priority/.test(h));
    if (levelCol < 0 || rows.length < 2) return false;
    const body = rows.slice(1);
    const parsed = body.map((r) => parseLevel(r[levelCol] ?? ""));
    if (parsed.filter((p) => p !== undefined).length < Math.max(1, Math.ceil(body.length / 2))) return false;
    const responseCol = header.findIndex((h, k) => k !== levelCol && /response|respond|time|sla|within/.test(h));
    let criteriaCol = header.findIndex((h, k) => k !== levelCol && /criteria|description|impact|condition|definition|when|example|meaning/.test(h));
    if (criteriaCol < 0) criteriaCol = header.findIndex((_, k) => k !== levelCol && k !== responseCol);
    body.forEach((row, k) => {
      const level = parsed[k];
      if (!level) return;
      const respondWithin = responseCol >= 0 ? parseDuration(row[responseCol] ?? "") : undefined;
      const criteria = criteriaCol >= 0 ? row[criteriaCol] : undefined;
      this.add(level.severity, { ...(respondWithin ? { respondWithin } : {}), ...(criteria ? { criteria } : {}), ...(level.label ? { label: level.label } : {}) });
    });
    return true;
  }

  /** "Severity 2 (High): Error rate 1-5%" with nested "Investigate within 15 minutes". */
  fromListItem(text: string, nested: readonly string[]): boolean {
    const first = plainInline(text.split("\n")[0] ?? "");
    const m = /^((?:severity|sev|priority|p)[\s-]*[0-4](?:\s*\([A-Za-z]+\))?|(?:critical|high|medium|low)(?:\s+severity)?)\s*[:—–-]\s*(.+)$/i.exec(first);
    if (!m) return false;
    const level = parseLevel(m[1]!);
    if (!level) return false;
    const timing = nested.find((n) => /\b(?:within|respond|response|investigate|acknowledge)\b/i.test(n) && parseDuration(n));
    const respondWithin = timing ? parseDuration(timing) : parseDuration(m[2]!.match(/respon\w*[^.]*/i)?.[0] ?? "");
    this.add(level.severity, { criteria: m[2]!, ...(respondWithin ? { respondWithin } : {}), ...(level.label ? { label: level.label } : {}) });
    return true;
  }

  /** `Severity: critical` (also bold); returns true when the line was such a field. */
  fromField(line: string): boolean {
    const m = /^\s*(?:[-*]\s+)?(?:\*\*|__)?\s*(?:severity|sev|priority)\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(.+)$/i.exec(line);
    if (!m) return false;
    const value = m[1]!.replace(/[*_`]/g, "").trim();
    const level = value.split(/\s+/).length <= 3 ? parseLevel(value) : undefined;
    if (!level) return false;
    this.add(level.severity, level.label ? { label: level.label } : {});
    return true;
  }

  /** A heading such as "SEV1 — Critical" or "Critical severity"; the section's text is its criteria. */
  fromHeading(title: string, body: string): boolean {
    const t = plainInline(title);
    if (!/^(?:(?:severity|sev|priority|p)[\s-]*[0-4]\b|(?:critical|high|medium|low)(?:\s+(?:severity|priority|incidents?))?\s*$)/i.test(t)) return false;
    const level = parseLevel(t);
    if (!level) return false;
    const respondWithin = parseDuration(body.match(/respon\w*[^\n]*/i)?.[0] ?? "");
    const criteria = body.split("\n").map((l) => l.replace(/^\s*[-*]\s+/, "").trim()).find((l) => l !== "" && !/^respon/i.test(l));
    this.add(level.severity, { ...(respondWithin ? { respondWithin } : {}), ...(criteria ? { criteria } : {}), ...(level.label ? { label: level.label } : {}) });
    return true;
  }
}

/**
 * Escalations from an "Escalation" section: table rows ("Production down > 15 min | Escalate to
 * VP Engineering", or a time column and a who column) and lines ("Escalate to the CTO after 1
 * hour", "**30 min:** page the engineering manager"). Only those with a time: the SLA clock
 * raises an escalation when its time is up, so one without a time stays text for the operator.
 * An escalation is limited to the severities its situation names or reads like.
 */
import type { Runbook, Severity } from "../schema.js";
import type { ImportNote } from "./placeholders.js";
import { parseDuration, parseLevel } from "./severity.js";
import { plainInline, shorten } from "./text.js";

export type Escalation = NonNullable<Runbook["escalations"]>[number];
type Severities = NonNullable<Runbook["severities"]>;

/** An escalation and the situation it is for ("Production down"), to match with severities later. */
export interface FoundEscalation {
  escalation: Escalation;
  situation: string;
  /** The markdown line it came from (set by the collector). */
  line?: number;
}

const UNIT = String.raw`(?:seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)`;
const AMOUNT = String.raw`(\d+(?:\.\d+)?)\s*(${UNIT})\b`;
const AFTER = new RegExp(String.raw`(?:after|>=?|≥|longer than|more than|over|beyond|exceed(?:s|ing)?|past|(?:not |un)resolved (?:in|within|after|for)|(?:no|without) (?:fix|progress|resolution|mitigation) (?:in|within|after|for))\s*(?:about\s+)?${AMOUNT}`, "i");
const TIME_FIRST = new RegExp(String.raw`^(?:after\s+|at\s+|>=?\s*|≥\s*|\+\s*|t\s*\+\s*)?${AMOUNT}[^:→—–]{0,40}?\s*(?::|→|->|—|–)\s*(.+)$`, "i");
const TO = /\b(?:escalate|page|notify|call|contact|involve|loop in|engage|alert|inform|hand (?:it |this )?over)\b\s+(?:it\s+|this\s+)?(?:to\s+)?(?:the\s+)?(.+?)\s*(?=$|[.;]|,?\s+(?:after|if|when|once|because|unless|and then|within)\b)/i;
/** "without a fix" says when, not what the incident is. */
const UNRESOLVED = /\b(?:with(?:out)?|no)\s+(?:a\s+|any\s+)?(?:fix|resolution|progress|mitigation)\b|\b(?:not |un)resolved\b/gi;
const SEVERITY_TOKEN = /\b(?:sev(?:erity)?[\s-]*[0-4]|p[0-4]|(?:critical|high|medium|low)(?=[\s-]+(?:severity|sev|priority|incidents?)\b|\s*:))/i;
const STOP = new Set("a an the if is are was be being for of to in on at by with without than more longer over after when once still not no any all it this that there has have been and or then min mins minute minutes hour hours h m s sec secs".split(" "));

function duration(amount: string, unit: string): string | undefined {
  return parseDuration(`${amount}${unit}`);
}

function cleanTo(text: string): string {
  return shorten(plainInline(text).replace(/^(?:escalate|page|notify|call|contact)\s+(?:to\s+)?(?:the\s+)?/i, "").replace(/[.;,\s]+$/, ""), 120);
}

/** One line of an escalation section, if it names a time and someone to escalate to. */
export function escalationFromLine(line: string): FoundEscalation | undefined {
  const text = plainInline(line).replace(/^\s*(?:[-*+]|\d+[.)])\s+/, "");
  const first = TIME_FIRST.exec(text);
  if (first) {
    const after = duration(first[1]!, first[2]!);
    const to = TO.exec(first[3]!)?.[1] ?? first[3]!;
    if (after && cleanTo(to) !== "") return { escalation: { after, to: cleanTo(to), reason: shorten(text, 200) }, situation: "" };
  }
  const when = AFTER.exec(text);
  const to = TO.exec(text);
  if (!when || !to) return undefined;
  const after = duration(when[1]!, when[2]!);
  if (!after || cleanTo(to[1]!) === "") return undefined;
  // What is left once the time and the escalation are taken out is the situation.
  const situation = text.replace(when[0], " ").replace(to[0], " ").replace(UNRESOLVED, " ");
  return { escalation: { after, to: cleanTo(to[1]!), reason: shorten(text, 200) }, situation };
}

/**
 * Rows of an escalation table: with "escalate to X" and a time in the row, or, in a section about
 * escalation, a who column and a time column. Rows without a time are left as text.
 */
export function escalationsFromTable(rows: readonly string[][], inEscalationSection: boolean): FoundEscalation[] {
  const header = rows[0]?.map((c) => plainInline(c).toLowerCase()) ?? [];
  const timeCol = header.findIndex((h) => /\b(?:after|time|elapsed|when|duration|unresolved|delay|wait)\b/.test(h));
  const whoCol = header.findIndex((h, k) => k !== timeCol && /\b(?:to|contact|who|escalat\w*|notify|page|owner|person|team|role)\b/.test(h));
  const out: FoundEscalation[] = [];
  for (const row of rows.slice(1)) {
    const cells = row.map((c) => plainInline(c));
    const text = cells.join(" | ");
    const escalateTo = /escalate\s+to\s+([^|]+?)\s*(?:\||$)/i.exec(text);
    const timed = AFTER.exec(text);
    if (escalateTo && timed) {
      const after = duration(timed[1]!, timed[2]!);
      const reason = cells[0] ?? "";
      if (after) out.push({ escalation: { after, to: escalateTo[1]!.trim(), ...(reason ? { reason } : {}) }, situation: reason.replace(timed[0], " ") });
      continue;
    }
    if (!inEscalationSection || timeCol < 0 || whoCol < 0) continue;
    const after = parseDuration(cells[timeCol] ?? "");
    const to = cleanTo(cells[whoCol] ?? "");
    if (!after || to === "") continue;
    const rest = cells.filter((_, k) => k !== timeCol && k !== whoCol).join(" ");
    out.push({ escalation: { after, to, reason: shorten(text, 200) }, situation: rest });
  }
  return out;
}

const words = (text: string): string[] =>
  plainInline(text)
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "" && !STOP.has(w) && !/^\d+$/.test(w));

/**
 * The severities an escalation's situation is about: the one it names ("SEV1 unresolved > 30 min"),
 * else those whose criteria hold every word of it ("Production down" → critical "Production down,
 * users affected"). Undefined when it reads like none: then it stands for every severity.
 */
export function severitiesFor(found: FoundEscalation, severities: Severities): Severity[] | undefined {
  const text = `${found.situation} ${found.escalation.reason ?? ""}`;
  const token = SEVERITY_TOKEN.exec(text);
  const named = token ? parseLevel(token[0].replace(/:$/, "")) : undefined;
  if (named) return [named.severity];
  const wanted = words(found.situation);
  if (wanted.length === 0) return undefined;
  const matching = (Object.entries(severities) as Array<[Severity, Severities[Severity]]>)
    .filter(([, policy]) => {
      const have = new Set(words(`${policy?.criteria ?? ""} ${policy?.label ?? ""}`));
      return wanted.every((w) => have.has(w));
    })
    .map(([sev]) => sev);
  return matching.length > 0 ? matching : undefined;
}

/** The escalations of one document, in the order found. */
export class EscalationCollector {
  private readonly found: FoundEscalation[] = [];

  get size(): number {
    return this.found.length;
  }

  fromTable(rows: readonly string[][], inEscalationSection: boolean, line: number): number {
    const list = escalationsFromTable(rows, inEscalationSection);
    this.found.push(...list.map((f) => ({ ...f, line })));
    return list.length;
  }

  fromLine(text: string, line: number): boolean {
    const found = escalationFromLine(text);
    if (found) this.found.push({ ...found, line });
    return found !== undefined;
  }

  /** Each escalation, limited to the severities its situation is about; `notes` hears of those raised at every severity. */
  escalations(severities: Severities, notes: ImportNote[]): Escalation[] {
    return this.found.map((f) => {
      const only = severitiesFor(f, severities);
      const { after, to, reason } = f.escalation;
      if (only === undefined && Object.keys(severities).length > 0) {
        notes.push({ line: f.line ?? 1, message: `the escalation to ${to} after ${after} is raised at every severity: its situation reads like none of them` });
      }
      return { after, ...(only ? { severities: only } : {}), to, ...(reason ? { reason } : {}) };
    });
  }
}

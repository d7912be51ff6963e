/**
 * How urgent an incident is, the same on home and in `handrail incidents`: the order they are
 * listed in and the markers an on-call engineer scans for. Pure: a listing and the time.
 */
import { formatDuration } from "../runbooks/duration.js";
import { byCodePoint } from "../util/compare.js";

/** What a listing knows of an incident's urgency (`handrail incidents --json` prints it as `urgency`). */
export interface Urgency {
  /** The response time ran out before the incident was resolved (or the file records sla.breached). */
  breached: boolean;
  /** When the response is due (ISO-8601); absent when the response time is unknown. */
  dueAt?: string;
  /** Its last step started and never finished, and no live handrail holds its lock: a crash or a kill. */
  interrupted: boolean;
  dryRun: boolean;
}

/** The fields of a listed incident that urgency reads (an IncidentRow or an IncidentCard; a card built without them is calm). */
export interface Listed {
  id: string;
  status: string;
  openedAt?: string;
  drill?: string;
  problems?: readonly string[];
  urgency?: Urgency;
}

const CALM: Urgency = { breached: false, interrupted: false, dryRun: false };

/** Within this much of the deadline the clock reads amber, as the status bar's does. */
export const AMBER_MS = 2 * 60_000;

/** Open and real: a drill is practice, even one left unfinished. */
export function isOpenIncident(x: Listed): boolean {
  return x.status === "open" && x.drill === undefined;
}

/** Past due at `now`: recorded so, or the clock ran out since the files were read. */
export function isBreached(x: Listed, now: number): boolean {
  const u = x.urgency ?? CALM;
  if (u.breached) return true;
  return x.status === "open" && u.dueAt !== undefined && now > Date.parse(u.dueAt);
}

const tier = (x: Listed, now: number) => (isBreached(x, now) ? 0 : x.urgency?.interrupted ? 1 : 2);
const dueOf = (x: Listed) => (x.urgency?.dueAt !== undefined ? Date.parse(x.urgency.dueAt) : Number.POSITIVE_INFINITY);
const dryOf = (x: Listed) => (x.urgency?.dryRun ? 1 : 0);
const newest = (a: Listed, b: Listed) => byCodePoint(b.openedAt ?? "", a.openedAt ?? "") || byCodePoint(b.id, a.id);

/**
 * Pure: open incidents first — real ones before dry runs; breached, then interrupted, then the
 * least time left — and everything else (resolved, drills) newest first.
 */
export function byUrgency<T extends Listed>(rows: readonly T[], now: number): T[] {
  // Two unknown deadlines subtract to NaN, which is falsy: the next key decides.
  const urgent = rows.filter(isOpenIncident).sort((a, b) => dryOf(a) - dryOf(b) || tier(a, now) - tier(b, now) || dueOf(a) - dueOf(b) || newest(a, b));
  const rest = rows.filter((x) => !isOpenIncident(x)).sort(newest);
  return [...urgent, ...rest];
}

/** A duration to scan, not to read: "45s", "12m", "1h12m", "2d3h". */
export function roughly(ms: number): string {
  const unit = ms < 60_000 ? 1_000 : ms < 86_400_000 ? 60_000 : 3_600_000;
  return formatDuration(Math.max(1_000, Math.floor(ms / unit) * unit));
}

export interface Marks {
  /** `!! BREACHED 12m ago` or `⏱ 3m left`; only for an open incident with a known deadline. */
  clock?: string;
  /** Qualifiers in the order they are shown: `DRY RUN` first, then `(interrupted)`, `damaged`. */
  flags: string[];
  /** The colour the line takes: red once breached, amber when interrupted or nearly due; none while calm. */
  tone?: "red" | "yellow";
}

/** The markers of one listed incident at `now`. */
export function marksOf(x: Listed, now: number): Marks {
  const u = x.urgency ?? CALM;
  const flags: string[] = [];
  if (u.dryRun) flags.push("DRY RUN");
  const open = isOpenIncident(x);
  if (open && u.interrupted) flags.push("(interrupted)");
  if (x.problems?.length) flags.push("damaged");
  if (!open) return { flags };
  const due = u.dueAt !== undefined ? Date.parse(u.dueAt) : undefined;
  if (isBreached(x, now)) return { clock: `!! BREACHED${due !== undefined ? ` ${roughly(Math.max(0, now - due))} ago` : ""}`, flags, tone: "red" };
  if (due === undefined) return { flags, ...(u.interrupted ? { tone: "yellow" as const } : {}) };
  const left = due - now;
  return { clock: `⏱ ${roughly(left)} left`, flags, ...(u.interrupted || left <= AMBER_MS ? { tone: "yellow" as const } : {}) };
}

/** The markers as one cell of text (the CLI's URGENCY column). */
export function marksText(m: Marks): string {
  return [...(m.flags[0] === "DRY RUN" ? ["DRY RUN"] : []), ...(m.clock ? [m.clock] : []), ...m.flags.filter((f) => f !== "DRY RUN")].join(" ");
}

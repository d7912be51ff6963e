/** A notification as handrail means it, before any provider's shape: what, how urgent, about which incident. */
import type { NotifyChannel, Severity } from "../../runbooks/schema.js";

export interface NotifyIncident {
  id: string;
  runbookId: string;
  runbookTitle: string;
  /** The incident's severity now (a message may send its own). */
  severity: Severity;
  elapsed: string;
  host?: string;
  service?: string;
  environment?: string;
}

export interface NotifyMessage {
  channel: NotifyChannel;
  /** `trigger` opens or updates; `resolve` closes (PagerDuty, when the incident is resolved). */
  action: "trigger" | "resolve";
  /** Rendered already: references substituted, secrets masked. */
  text: string;
  title: string;
  severity: Severity;
  /** Email recipients instead of the configured ones. */
  to?: string[];
  incident: NotifyIncident;
  /** The timeline so far, one line each (the GitHub issue's body). */
  timeline: string[];
  /** The step that sends it, or the escalation that raised it. */
  origin: string;
}

/** The first line of a message, cut to a length that fits a title. */
export function titleOf(text: string, max = 120): string {
  const first = text.split("\n").find((l) => l.trim() !== "")?.trim() ?? text.trim();
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

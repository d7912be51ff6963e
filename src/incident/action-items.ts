/**
 * Action items as the operator types them: "text @owner 2026-12-20", the owner and the due date
 * optional and at the end, in either order. The incident file keeps the text as typed; the
 * report and `resolve` read it with this one parser. Pure.
 */

export interface ActionItem {
  text: string;
  owner?: string;
  /** YYYY-MM-DD. */
  due?: string;
}

export type ParsedActionItem = { ok: true; item: ActionItem } | { ok: false; problem: string };

const DATE_LIKE = /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const OWNER = /^@[\w.-]+$/;

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** Read one action item; a token that looks like a date and is not a real YYYY-MM-DD one is a problem, not text. */
export function parseActionItem(raw: string): ParsedActionItem {
  const words = raw.trim().split(/\s+/);
  const item: { owner?: string; due?: string } = {};
  while (words.length > 1) {
    const last = words.at(-1)!;
    if (item.owner === undefined && OWNER.test(last)) item.owner = last.slice(1);
    else if (item.due === undefined && DATE_LIKE.test(last)) {
      if (!validDate(last)) return { ok: false, problem: `${last} is not a date (expected YYYY-MM-DD, e.g. 2026-12-20)` };
      item.due = last;
    } else break;
    words.pop();
  }
  const text = words.join(" ");
  if (text === "") return { ok: false, problem: "the item has no text" };
  return { ok: true, item: { text, ...item } };
}

/** For the report: an item that does not parse (written by hand, or by an older handrail) is its text as typed. */
export function readActionItem(raw: string): ActionItem {
  const parsed = parseActionItem(raw);
  return parsed.ok ? parsed.item : { text: raw };
}

/** Who and which: incident ids, and the operator's user name. */
import { randomBytes } from "node:crypto";
import { hostname, userInfo } from "node:os";

/** `2026-11-24-0312-deployment-failure-3fa9`: sortable, readable, unique enough per store. */
export function newIncidentId(runbookId: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 13);
  return `${stamp}-${runbookId}-${randomBytes(2).toString("hex")}`;
}

/** The user name, when the system has one for this uid. */
export function safeUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

/** Who is acting, as every event that records a person says it: HANDRAIL_OPERATOR when set, else user@host. */
export function operatorName(env: Readonly<Record<string, string | undefined>>): string {
  const named = env.HANDRAIL_OPERATOR?.trim();
  if (named) return named;
  return `${safeUser() ?? "unknown"}@${hostname()}`;
}

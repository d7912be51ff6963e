/** Who and which: incident ids, and the operator's user name. */
import { randomBytes } from "node:crypto";
import { userInfo } from "node:os";

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

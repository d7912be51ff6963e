/** `handrail incidents` on a shared store: every incident in it, newest first, with who drives it, who follows, and its age. */
import type { CommandContext } from "./context.js";
import { table } from "./list.js";
import { requireSharedStore } from "./store.js";

function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

export async function storeIncidentsCommand(ctx: CommandContext, opts: { json?: boolean }): Promise<void> {
  const store = await requireSharedStore(ctx, "incidents");
  try {
    const rows = await store.incidents();
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    if (rows.length === 0) {
      process.stdout.write(`No incidents in the store ${store.target.shown}.\n`);
      return;
    }
    const now = Date.now();
    const head = ["ID", "RUNBOOK", "SEVERITY", "STATUS", "DRIVER", "FOLLOWERS", "EVENTS", "OPENED", "LAST EVENT"];
    const body = rows.map((r) => [r.id, r.runbook, r.severity, r.status, r.driver ? `${r.driver} (since ${r.driverSince!.slice(11, 19)} UTC)` : "-", r.followers.length > 0 ? r.followers.join(", ") : "-", String(r.events), ago(r.openedAt, now), ago(r.lastEventAt, now)]);
    process.stdout.write(`store ${store.target.shown}\n${table([head, ...body])}`);
  } finally {
    await store.close();
  }
}

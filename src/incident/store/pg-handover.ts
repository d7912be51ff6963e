/**
 * Asking the driver to hand over (issue 20: "take over asks the driver to confirm"). The one who
 * asks writes a request on the lease row and waits; the driver's handrail sees it (pendingRequest,
 * polled by the console) and answers: handOver gives the lease to the one who asked, decline
 * clears the request. A lease that has expired is simply taken (acquireLease), no question asked.
 */
import { acquireLease, Lease, type AcquireResult } from "./pg-lease.js";
import type { Link } from "./pg-link.js";

export type AskResult = AcquireResult | { ok: false; message: string; declined: boolean };

interface Row {
  holder: string;
  holder_id: string;
  live: boolean;
  request_by_id: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ask to drive: taken at once when nobody drives; else wait (up to timeoutMs) for the driver's answer. */
export async function askToDrive(link: Link, incidentId: string, holder: string, holderId: string, opts: { ttlMs: number; timeoutMs: number; pollMs?: number }): Promise<AskResult> {
  const first = await acquireLease(link, incidentId, holder, holderId, { ttlMs: opts.ttlMs });
  if (first.ok) return first;
  const asked = await link.run((c) => c.query("UPDATE handrail_leases SET request_by = $2, request_by_id = $3, request_at = now() WHERE incident_id = $1 AND expires_at > now()", [incidentId, holder, holderId]));
  if (asked.rowCount === 0) return acquireLease(link, incidentId, holder, holderId, { ttlMs: opts.ttlMs });
  const deadline = Date.now() + opts.timeoutMs;
  const driver = first.holder;
  while (Date.now() < deadline) {
    await sleep(opts.pollMs ?? 250);
    const row = (await link.run((c) => c.query<Row>("SELECT holder, holder_id, expires_at > now() AS live, request_by_id FROM handrail_leases WHERE incident_id = $1", [incidentId]))).rows[0];
    if (!row) break;
    if (row.holder_id === holderId) {
      const lease = new Lease(link, incidentId, holder, holderId, opts.ttlMs, Date.now());
      return { ok: true, lease, previous: { holder: driver, expired: false } };
    }
    // The driver went away meanwhile: its lease is anyone's.
    if (!row.live) return acquireLease(link, incidentId, holder, holderId, { ttlMs: opts.ttlMs });
    if (row.request_by_id !== holderId) return { ok: false, message: `${row.holder} declined to hand over`, declined: true };
  }
  await link.run((c) => c.query("UPDATE handrail_leases SET request_by = NULL, request_by_id = NULL, request_at = NULL WHERE incident_id = $1 AND request_by_id = $2", [incidentId, holderId])).catch(() => undefined);
  return { ok: false, message: `${driver} did not answer within ${Math.max(1, Math.round(opts.timeoutMs / 1000))} s`, declined: false };
}

/** The driver's side: who asks to drive, if anyone (the console polls it and asks its operator). */
export async function pendingRequest(lease: Lease, link: Link): Promise<{ by: string; at: Date } | undefined> {
  const row = (await link.run((c) => c.query<{ request_by: string | null; request_at: Date | null }>("SELECT request_by, request_at FROM handrail_leases WHERE incident_id = $1 AND holder_id = $2", [lease.incidentId, lease.holderId]))).rows[0];
  return row?.request_by && row.request_at ? { by: row.request_by, at: row.request_at } : undefined;
}

/**
 * Give the lease to the one who asked; returns their name (the caller records driver.changed,
 * reason "handed over"), or undefined when there was no request. This process drives no more.
 */
export async function handOver(lease: Lease, link: Link): Promise<string | undefined> {
  const r = await link.run((c) =>
    c.query<{ holder: string }>(
      "UPDATE handrail_leases SET holder = request_by, holder_id = request_by_id, since = now(), expires_at = now() + $3 * interval '1 millisecond', request_by = NULL, request_by_id = NULL, request_at = NULL WHERE incident_id = $1 AND holder_id = $2 AND request_by_id IS NOT NULL RETURNING holder",
      [lease.incidentId, lease.holderId, lease.ttlMs],
    ),
  );
  const to = r.rows[0]?.holder;
  if (to !== undefined) lease.lost(to);
  return to;
}

/** Say no: the request is cleared, and the one who asked is told. */
export async function decline(lease: Lease, link: Link): Promise<void> {
  await link.run((c) => c.query("UPDATE handrail_leases SET request_by = NULL, request_by_id = NULL, request_at = NULL WHERE incident_id = $1 AND holder_id = $2", [lease.incidentId, lease.holderId]));
}

/**
 * The shared store from the command line: which URL (--store, HANDRAIL_STORE_URL, store.url in the
 * config file), opening it before anything runs (one masked line and exit 2 when it cannot be
 * used, unless --store-optional), and `handrail store init`.
 */
import { UsageError } from "../errors.js";
import type { SharedStore } from "../incident/store/pg-store.js";
import type { Lease } from "../incident/store/pg-lease.js";
import { StoreError } from "../incident/store/url.js";
import type { IncidentStore, StoreAttach, StoreStatus } from "../incident/store/types.js";
import type { CommandContext } from "./context.js";
import { mkdirSync, renameSync } from "node:fs";
import { checkStoreDir } from "../incident/store-file.js";
import path from "node:path";
import { acquireLock, releaseLock } from "../incident/lock.js";
import { readIncidentFile } from "../incident/log.js";
import { findIncident, incidentsDir } from "./incident-files.js";

export { storeUrl } from "./store-url.js";
import { storeUrl } from "./store-url.js";

/** The shared store, opened and checked; undefined without a URL, or when it cannot be used and `optional` says go on. */
export async function openSharedStore(ctx: CommandContext, opts: { optional?: boolean; warn: (line: string) => void }): Promise<SharedStore | undefined> {
  const url = storeUrl(ctx);
  if (url === undefined) return undefined;
  const { SharedStore } = await import("../incident/store/pg-store.js");
  try {
    return await SharedStore.open(url, ctx.env);
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    if (opts.optional && e.kind !== "usage") {
      opts.warn(`warning: ${e.message}; going on with the local incident file alone (--store-optional)`);
      return undefined;
    }
    throw new UsageError(e.message);
  }
}

/** Same, for commands that cannot do without one (follow, store init). */
export async function requireSharedStore(ctx: CommandContext, command: string): Promise<SharedStore> {
  const store = await openSharedStore(ctx, { warn: () => undefined });
  if (!store) throw new UsageError(`${command} needs a shared store: --store postgres://user:password@host:5432/database`, "Or set HANDRAIL_STORE_URL, or store.url in the config file (handrail config shows it).");
  return store;
}

/** `handrail store init`: create or migrate the schema, and say which it was. */
export async function storeInitCommand(ctx: CommandContext): Promise<void> {
  const url = storeUrl(ctx);
  if (url === undefined) throw new UsageError("store init needs a store: --store postgres://user:password@host:5432/database", "Or set HANDRAIL_STORE_URL, or store.url in the config file.");
  const { SharedStore } = await import("../incident/store/pg-store.js");
  try {
    const r = await SharedStore.init(url, ctx.env);
    const what = r.from === 0 ? `schema created (version ${r.to})` : r.from === r.to ? `schema already at version ${r.to}: nothing to do` : `schema migrated from version ${r.from} to ${r.to}`;
    process.stdout.write(`store ${r.target.shown}: ${what}\n`);
  } catch (e) {
    if (e instanceof StoreError) throw new UsageError(e.message);
    throw e;
  }
}

const events = (n: number) => `${n} event${n === 1 ? "" : "s"}`;

/** A line for each change of the store's state (headless runs): offline with its queue, online again, caught up. */
export function statusReporter(write: (line: string) => void): (s: StoreStatus) => void {
  let last: StoreStatus["state"] = "online";
  let behind = false;
  let lost = false;
  return (s) => {
    if (s.drivenBy !== undefined && !lost) {
      lost = true;
      write(`store: ${s.drivenBy} drives this incident now; this handrail runs no further step`);
    }
    if (s.state !== last) {
      last = s.state;
      if (s.state === "offline") {
        behind = true;
        write(`store: offline (${events(s.queued)} queued): ${s.error ?? "unreachable"}; going on, the events are in the local file`);
      } else write(`store: online again, sending ${events(s.queued)} queued`);
    }
    if (behind && s.state === "online" && s.queued === 0) {
      behind = false;
      write("store: caught up, every event is in the store");
    }
  };
}

/** Take the lease of an incident (one driver at a time) and say how a session's events reach the store; refused: exit 2 naming the driver. */
export async function driveIncident(shared: SharedStore | undefined, incidentId: string, actor: string, takeOver = false): Promise<{ attach: StoreAttach; lease: Lease; previous?: { holder: string; expired: boolean } } | undefined> {
  if (!shared) return undefined;
  const r = await shared.drive(incidentId, actor, { force: takeOver });
  if (!r.ok) {
    // The same name is most often the operator's own handrail that ended while the store was away (its lease could not be given back).
    const hint = r.holder === actor ? `If that is a handrail of yours that has ended, its lease lapses at ${r.expiresAt.toISOString().slice(11, 19)} UTC; or take it now with --take-over` : `Watch it with: handrail follow ${incidentId}; or, once they agree, take over with --take-over`;
    throw new UsageError(`${r.message}: this handrail cannot drive it`, hint);
  }
  // The lease too: the console answers hand-over requests with it (shared.pendingRequest / handOver / decline).
  return { attach: shared.attach(actor, r.lease), lease: r.lease, ...(r.previous ? { previous: r.previous } : {}) };
}

const isPathRef = (ref: string) => ref.includes("/") || ref.endsWith(".jsonl");

/**
 * Resume on a shared store, before the session opens: take the lease (refused while another
 * drives), send what the local file holds and the store lacks (a handrail that stopped while
 * offline), and when the local file is missing (resume on another laptop) or behind the store
 * (others wrote), write it anew from the store; a file that was behind is kept beside it.
 * Returns the incident file to resume, or undefined when there is nothing shared to resume.
 */
export async function resumeShared(ctx: CommandContext, shared: SharedStore | undefined, ref: string, actor: string, note: (line: string) => void, takeOver = false): Promise<{ file: string; driving: NonNullable<Awaited<ReturnType<typeof driveIncident>>> } | undefined> {
  if (!shared) return undefined;
  let file: string | undefined;
  try {
    file = findIncident(ctx, ref);
  } catch (e) {
    if (!(e instanceof UsageError) || isPathRef(ref)) throw e;
  }
  const local = file ? readIncidentFile(file).events : [];
  const opened = local[0];
  const id = opened?.type === "incident.opened" ? opened.incident : file === undefined ? ref : undefined;
  // Not an incident file, or an id the store does not have either: the resume says what is wrong.
  if (id === undefined) return undefined;
  if (file === undefined && (await shared.events(id, 0)).length === 0) return undefined;
  const driving = (await driveIncident(shared, id, actor, takeOver))!;
  const { sent, behind, stale } = await shared.reconcile(id, local, actor);
  if (sent > 0) note(`sent ${sent} event(s) of ${file} that the store did not have`);
  if (file !== undefined && behind === 0) return { file, driving };
  const events = await shared.events(id);
  const dir = file ? path.dirname(file) : incidentsDir(ctx);
  const { writeRebuilt } = await import("../incident/store/rebuild.js");
  const target = path.join(dir, `${id}.jsonl`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkStoreDir(dir);
  // The lock keeps a handrail that still has the old file open from writing into a file moved away under it.
  const lock = acquireLock(`${target}.lock`, target);
  try {
    if (file !== undefined) {
      const aside = `${file}.behind-${new Date().toISOString().replace(/[:.]/g, "")}`;
      renameSync(file, aside);
      note(`${path.basename(file)} was behind the store (${behind} event(s) written elsewhere): kept as ${path.basename(aside)}`);
      if (stale > 0) note(`its last ${stale} event(s) never reached the store, and the incident was resumed elsewhere since: not sent (they would reopen steps the walk has moved past); they stay in ${path.basename(aside)}`);
    }
    writeRebuilt(dir, id, events);
  } finally {
    releaseLock(`${target}.lock`, lock.holder);
  }
  note(`rebuilt ${target} from the store (${events.length} events; step output files stay on the machine that ran each step)`);
  return { file: target, driving };
}

/** How long a run waits at its end for queued events to reach the shared store. */
export const STORE_FLUSH_MS = 5_000;

/** At the end of a walk: what the store could not take stays in the local file (the write-ahead copy); say so rather than wait forever. */
export async function flushShared(store: IncidentStore, shared: SharedStore | undefined, warn: (line: string) => void): Promise<void> {
  if (!shared || (await store.flush(STORE_FLUSH_MS))) return;
  warn(`warning: ${events(store.status().queued)} not in the store ${shared.target.where} (unreachable); they are in ${store.file}`);
}

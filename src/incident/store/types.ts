/**
 * The incident store behind one interface (issue 20): `file` (the JSONL alone) and `postgres` (the
 * JSONL as the write-ahead copy, replicated to a shared database). The engine appends through it;
 * appending never waits on the network.
 */
import type { IncidentEvent, IncidentEventBody } from "../events.js";
import type { IncidentLog } from "../log.js";

/** What the engine appends through: IncidentLog itself satisfies it (the step recorder takes either). */
export interface EventSink {
  readonly file: string;
  append(body: IncidentEventBody): IncidentEvent;
}

/** Where the shared store stands, for the status bar: `store: offline (12 events queued)`. */
export interface StoreStatus {
  kind: "file" | "postgres";
  /** `file` is always online. */
  state: "online" | "offline";
  /** Events written locally and not yet in the shared store. */
  queued: number;
  /** The last connection error, masked (offline only). */
  error?: string;
  /** Where it is, password masked (postgres only). */
  where?: string;
  /** Whether this process drives (holds the lease); undefined without a lease. */
  driving?: boolean;
  /** Who took the lease from this process, once someone has. */
  drivenBy?: string;
}

/** Whether the step just started may run: the lease, checked in the transaction that records its start. */
export type StartVerdict = { ok: true } | { ok: false; reason: string };

export interface IncidentStore extends EventSink {
  readonly kind: "file" | "postgres";
  /** The local incident file (the write-ahead copy). */
  readonly local: IncidentLog;
  /** Append (fsync'd locally before returning); a shared store sends it in the background, in order. */
  append(body: IncidentEventBody): IncidentEvent;
  /** Events the local file got before this store wrapped it (the lock.forced of a reopen): sent first, in order. */
  adopt?(events: readonly IncidentEvent[]): void;
  /** Called after a step.started was appended: may this process run it? */
  mayRun(started: IncidentEvent): Promise<StartVerdict>;
  /**
   * May this process act as the driver now (choose an option, jump, skip, change severity or an input,
   * resolve)? Asked of the store itself when it can be reached, of the lease as last known when not.
   */
  mayAct(): Promise<StartVerdict>;
  /**
   * Events others added to the incident in the shared store (a follower's note, an acknowledged
   * escalation), each once, for the driver to record in its own file under the same event id (so
   * sending it back stores nothing twice). Returns the stop.
   */
  onOthers?(fn: (body: IncidentEventBody & { eid: string }) => void): () => void;
  status(): StoreStatus;
  /** Told on every change of status (online/offline, queue length); returns the unsubscribe. */
  onStatus(fn: (s: StoreStatus) => void): () => void;
  /**
   * Wait (up to timeoutMs) until what was appended so far is in the shared store; at once (false)
   * while the store is away. A step's result waits for it before the walk moves on: a result shown
   * is one the next laptop sees (a kill -9 after it does not make another laptop run it again).
   */
  sent(timeoutMs: number): Promise<boolean>;
  /** Wait (up to timeoutMs) until every queued event is in the shared store; true when none is left. */
  flush(timeoutMs: number): Promise<boolean>;
  close(): void;
}

/** Wraps a freshly created or reopened incident log in a store (the session calls it before its first event). */
export type StoreAttach = (log: IncidentLog, incidentId: string) => IncidentStore;

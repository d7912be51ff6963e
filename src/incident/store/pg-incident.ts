/**
 * One incident on the shared store: every event is appended and fsync'd to the local JSONL first
 * (the write-ahead copy), then sent in order by a background sender. When the store cannot be
 * reached the walk goes on, the events queue, and they are replayed in order when it returns;
 * each carries an event id (this writer and its local seq), so a replay never inserts one twice.
 */
import { randomUUID } from "node:crypto";
import type { IncidentEvent, IncidentEventBody } from "../events.js";
import type { IncidentLog } from "../log.js";
import { errorText } from "./pg-connect.js";
import { insertEvent, insertGated, outgoingOf, type Outgoing, type StoredEvent } from "./pg-events.js";
import { readIncidentFile } from "../log.js";
import { refusal, type Lease } from "./pg-lease.js";
import { OfflineError, type Link } from "./pg-link.js";
import type { IncidentStore, StartVerdict, StoreStatus } from "./types.js";

/** Backoff between attempts while offline: short at first (a restart), capped (a long outage). */
export const RETRY_MIN_MS = 200;
export const RETRY_MAX_MS = 2_000;

/** The id of an event written before the incident had a store (no eid in the file): stable, so sending it twice stores it once. */
export function fileEventId(incidentId: string, seq: number): string {
  return `${incidentId}@file:${seq}`;
}

interface Item {
  out: Outgoing;
  gate?: (v: StartVerdict) => void;
}

export class SharedIncident implements IncidentStore {
  readonly kind = "postgres";
  /** This writer's id: with the local seq, the event id that makes a replay idempotent. */
  readonly writer = randomUUID();
  private queue: Item[] = [];
  private gates = new Map<number, Promise<StartVerdict>>();
  private pumping = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MIN_MS;
  /** A statement the server refused (not a lost connection): the store stays "offline" with this reason until it goes in. */
  private refused: string | undefined;
  private listeners = new Set<(s: StoreStatus) => void>();
  private closed = false;
  private unlink: () => void;

  constructor(
    readonly local: IncidentLog,
    private readonly link: Link,
    readonly incidentId: string,
    private readonly actor: string,
    private readonly lease?: Lease,
    /** Watch the incident in the store (a follower of its own), for what others add. */
    private readonly watch?: (onEvents: (events: StoredEvent[]) => void) => { stop(): Promise<void> },
  ) {
    const offLink = link.onChange(() => this.emit());
    const offLease = lease?.onChange(() => this.emit());
    this.unlink = () => {
      offLink();
      offLease?.();
    };
  }

  get file(): string {
    return this.local.file;
  }

  append(body: IncidentEventBody): IncidentEvent {
    // The id goes into the local file too: a later resume sends what this process could not (SharedStore.reconcile).
    // An event another wrote (onOthers) keeps its own id: sent back, it is stored once.
    const given = (body as { eid?: string }).eid;
    const event = this.local.append({ ...body, eid: given ?? `${this.writer}:${this.local.lastSeq + 1}` } as unknown as IncidentEventBody);
    const item: Item = { out: outgoingOf(event, this.incidentId, event.eid!, this.actor) };
    if (event.type === "step.started") {
      this.gates.set(
        event.seq,
        new Promise<StartVerdict>((resolve) => {
          item.gate = resolve;
        }),
      );
      // Offline: judged at once on the lease as last known, the walk does not wait for the network.
      if (this.offline) this.judgeLocally(item);
    }
    this.queue.push(item);
    this.emit();
    if (this.retryTimer === undefined) void this.pump();
    return event;
  }

  adopt(events: readonly IncidentEvent[]): void {
    this.queue.unshift(...events.map((e) => ({ out: outgoingOf(e, this.incidentId, e.eid ?? fileEventId(this.incidentId, e.seq), this.actor) })));
    this.emit();
    if (this.retryTimer === undefined) void this.pump();
  }

  async mayRun(started: IncidentEvent): Promise<StartVerdict> {
    const gate = this.gates.get(started.seq);
    this.gates.delete(started.seq);
    return gate ?? { ok: true };
  }

  onOthers(fn: (body: IncidentEventBody & { eid: string }) => void): () => void {
    if (!this.watch) return () => undefined;
    // What the file has already (its own, and what a resume wrote from the store) is not delivered again.
    const known = new Set(readIncidentFile(this.local.file).events.map((e) => e.eid).filter((id): id is string => id !== undefined));
    const follower = this.watch((events) => {
      for (const { event, actor } of events) {
        if (event.eid === undefined || known.has(event.eid) || event.eid.startsWith(`${this.writer}:`)) continue;
        known.add(event.eid);
        if (event.type === "note.added") fn({ type: "note.added", text: event.text, ...(event.step ? { step: event.step } : {}), actor, eid: event.eid });
        else if (event.type === "escalation.acknowledged") fn({ type: "escalation.acknowledged", key: event.key, actor: event.actor ?? actor, eid: event.eid });
      }
    });
    return () => void follower.stop().catch(() => undefined);
  }

  async mayAct(): Promise<StartVerdict> {
    // A renewal is the fresh look: it extends a lease that is ours and learns of one someone else took.
    if (this.lease && !this.offline) await this.lease.renew().catch(() => false);
    return this.localVerdict();
  }

  private get offline(): boolean {
    return !this.link.isOnline || this.retryTimer !== undefined || this.refused !== undefined;
  }

  private localVerdict(): StartVerdict {
    if (!this.lease) return { ok: false, reason: "this handrail does not drive the incident (it holds no lease)" };
    if (this.lease.lostTo !== undefined) return { ok: false, reason: `${this.lease.lostTo} drives the incident now` };
    if (!this.lease.held) return { ok: false, reason: "the lease expired while the store was unreachable: someone else may drive now" };
    return { ok: true };
  }

  private judgeLocally(item: Item): void {
    item.gate?.(this.localVerdict());
    delete item.gate;
  }

  status(): StoreStatus {
    const error = this.refused ?? this.link.error;
    return {
      kind: "postgres",
      state: this.offline ? "offline" : "online",
      queued: this.queue.length,
      ...(this.offline && error ? { error } : {}),
      where: this.link.target.where,
      ...(this.lease ? { driving: this.lease.held } : {}),
      ...(this.lease?.lostTo !== undefined ? { drivenBy: this.lease.lostTo } : {}),
    };
  }

  onStatus(fn: (s: StoreStatus) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(): void {
    const s = this.status();
    for (const fn of [...this.listeners]) fn(s);
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const item = this.queue[0]!;
        try {
          await this.link.run(async (c) => {
            if (item.gate && this.lease) {
              const r = await insertGated(c, item.out, this.lease.holderId);
              item.gate(r.driving ? { ok: true } : { ok: false, reason: refusal(r.lease, this.lease.holderId) });
              delete item.gate;
            } else {
              if (item.gate) this.judgeLocally(item);
              await insertEvent(c, item.out);
            }
          });
          this.queue.shift();
          this.retryMs = RETRY_MIN_MS;
          this.refused = undefined;
          this.emit();
        } catch (e) {
          if (!(e instanceof OfflineError)) this.refused = `the store refused event ${item.out.eventId.split(":")[1]} (${item.out.type}): ${errorText(e, this.link.target)}`;
          for (const q of this.queue) this.judgeLocally(q);
          this.scheduleRetry();
          this.emit();
          return;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.pump();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }

  async sent(timeoutMs: number): Promise<boolean> {
    if (this.queue.length === 0) return true;
    if (this.offline) return false;
    return this.drained(timeoutMs, true);
  }

  async flush(timeoutMs: number): Promise<boolean> {
    if (this.queue.length === 0) return true;
    if (this.retryTimer !== undefined) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    void this.pump();
    return this.drained(timeoutMs, false);
  }

  /** Until the queue is empty (true), the time is up (whether it is empty then), or, with `orOffline`, the store goes away (false). */
  private drained(timeoutMs: number, orOffline: boolean): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        off();
        resolve(ok);
      };
      const timer = setTimeout(() => done(this.queue.length === 0), timeoutMs);
      const off = this.onStatus((s) => {
        if (s.queued === 0) done(true);
        else if (orOffline && s.state === "offline") done(false);
      });
    });
  }

  /** Stop sending (what is still queued stays in the local file) and close the local file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    for (const q of this.queue) this.judgeLocally(q);
    this.unlink();
    this.local.close();
  }
}

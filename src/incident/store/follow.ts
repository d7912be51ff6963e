/**
 * Following an incident live: a connection of its own LISTENs on the store's channel; a
 * notification for this incident fetches what is new after the last seq seen, so events arrive
 * in seq order, each once, whoever wrote them. A poll (and a reconnect after an outage) catches
 * whatever a lost notification would have missed.
 */
import { createHash } from "node:crypto";
import type { Client } from "pg";
import { connectClient, errorText } from "./pg-connect.js";
import { CHANNEL, fetchEvents, type StoredEvent } from "./pg-events.js";
import type { Link } from "./pg-link.js";
import type { PostgresTarget } from "./url.js";

const FETCH_PAGE = 5_000;

export interface FollowOptions {
  /** Catch-up poll while connected (a notification lost to a reconnect); default 2 s. */
  pollMs?: number;
  /** Told when the follower loses and regains the store (an error text, or undefined when back). */
  onConnection?: (error: string | undefined) => void;
  /** Who follows: the team's view lists them while this follower is connected (followerTag). */
  actor?: string;
  /**
   * Only these event types, read on the follower's own connection (never the shared link): the
   * driver watching for what others add must not queue its reads behind its own sending, nor
   * change what the sender believes about the store being online.
   */
  only?: readonly string[];
}

/** The LISTEN connection's application name: the incident (hashed, to fit PostgreSQL's 63 bytes) and who follows. */
export const FOLLOW_TAG = "hr-follow:";

export function followerTag(incidentId: string, actor: string): string {
  return `${FOLLOW_TAG}${incidentKey(incidentId)}:${actor}`.slice(0, 63);
}

/** A short, fixed-length key for an incident id in an application name. */
export function incidentKey(incidentId: string): string {
  return createHash("sha256").update(incidentId).digest("hex").slice(0, 16);
}

export class Follower {
  private lastSeq = 0;
  private listener: Client | undefined;
  private fetching = false;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  /** Resolves once LISTEN is in place and the events so far were delivered. */
  readonly ready: Promise<void>;

  constructor(
    private readonly target: PostgresTarget,
    private readonly link: Link,
    readonly incidentId: string,
    private readonly onEvents: (events: StoredEvent[]) => void,
    private readonly opts: FollowOptions = {},
  ) {
    this.ready = this.connect();
    // A first connection that fails is tried again by the poll; whoever awaits `ready` still sees why (a driver watching for others does not).
    this.ready.catch(() => undefined);
    this.timer = setInterval(() => void this.tick(), opts.pollMs ?? 2_000);
  }

  get seq(): number {
    return this.lastSeq;
  }

  private async connect(): Promise<void> {
    const client = await connectClient(this.target, (e) => this.lost(e), this.opts.actor !== undefined ? followerTag(this.incidentId, this.opts.actor) : undefined);
    if (this.stopped) return close(client);
    client.on("notification", (n: { channel: string; payload?: string }) => {
      if (n.channel === CHANNEL && n.payload?.slice(0, n.payload.lastIndexOf(":")) === this.incidentId) void this.fetch();
    });
    client.on("end", () => this.lost(new Error("Connection terminated")));
    // LISTEN first, then read what is there: nothing committed in between is missed.
    await client.query(`LISTEN ${CHANNEL}`).catch(async (e: unknown) => {
      await close(client);
      throw e;
    });
    // Stopped while LISTEN was on its way: stop() found no listener to end, and this connection
    // would hold the process open for good (a headless run that never exited, one time in ~8).
    if (this.stopped) return close(client);
    this.listener = client;
    await this.fetch();
  }

  private lost(e: unknown): void {
    const c = this.listener;
    if (!c) return;
    this.listener = undefined;
    void close(c);
    if (!this.stopped) this.opts.onConnection?.(errorText(e, this.target));
  }

  /** The poll: reconnect when the listener is gone, else fetch anything a notification did not announce. */
  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (!this.listener) {
      try {
        await this.connect();
        this.opts.onConnection?.(undefined);
      } catch {
        // Still unreachable: the next tick tries again.
      }
      return;
    }
    await this.fetch();
  }

  /** One fetch at a time; a notification during a fetch makes it go round once more. */
  private async fetch(): Promise<void> {
    if (this.fetching) {
      this.again = true;
      return;
    }
    this.fetching = true;
    try {
      do {
        this.again = false;
        const only = this.opts.only;
        const listener = this.listener;
        if (only && !listener) return;
        const events = only ? await fetchEvents(listener!, this.incidentId, this.lastSeq, FETCH_PAGE, only) : await this.link.run((c) => fetchEvents(c, this.incidentId, this.lastSeq, FETCH_PAGE));
        if (events.length > 0 && !this.stopped) {
          this.lastSeq = events.at(-1)!.event.seq;
          this.onEvents(events);
        }
        // A long incident is read in pages.
        if (events.length === FETCH_PAGE) this.again = true;
      } while (this.again && !this.stopped);
    } catch {
      // Offline: the poll fetches again from lastSeq.
    } finally {
      this.fetching = false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const c = this.listener;
    this.listener = undefined;
    if (c) await close(c);
  }
}

/** End a connection this follower no longer wants, quietly: what it says while closing is of no interest. */
async function close(c: Client): Promise<void> {
  c.removeAllListeners("end");
  c.on("error", () => undefined);
  await c.end().catch(() => undefined);
}

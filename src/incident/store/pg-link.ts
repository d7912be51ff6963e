/**
 * One connection to the shared store that comes and goes: connected on demand, dropped on a
 * connection error (the store is then offline), connected again on the next use. Sender and lease
 * share it, so there is one notion of online.
 */
import type { Client } from "pg";
import { connectClient, errorText, isConnectionError } from "./pg-connect.js";
import type { PostgresTarget } from "./url.js";
import { StoreError } from "./url.js";

/** The store cannot be reached now: callers keep what they have and try again later. */
export class OfflineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OfflineError";
  }
}

export class Link {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private online = true;
  private lastError: string | undefined;
  private listeners = new Set<() => void>();
  private closed = false;

  constructor(
    readonly target: PostgresTarget,
    /** An already connected client (the one the store was opened and checked with). */
    first?: Client,
  ) {
    if (first) this.adopt(first);
  }

  get isOnline(): boolean {
    return this.online;
  }
  get error(): string | undefined {
    return this.lastError;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private setOnline(online: boolean, error?: string): void {
    const changed = online !== this.online || error !== this.lastError;
    this.online = online;
    this.lastError = online ? undefined : error;
    if (changed) for (const fn of [...this.listeners]) fn();
  }

  private adopt(client: Client): void {
    client.removeAllListeners("error");
    client.on("error", (e: Error) => this.drop(client, e));
    client.on("end", () => this.drop(client, new Error("Connection terminated")));
    this.client = client;
  }

  private drop(client: Client, e: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners("end");
    client.on("error", () => undefined);
    void client.end().catch(() => undefined);
    if (!this.closed) this.setOnline(false, errorText(e, this.target));
  }

  private async get(): Promise<Client> {
    if (this.closed) throw new OfflineError("the store is closed");
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      try {
        const c = await connectClient(this.target, () => undefined);
        this.adopt(c);
        return c;
      } finally {
        this.connecting = undefined;
      }
    })();
    try {
      return await this.connecting;
    } catch (e) {
      const msg = e instanceof StoreError ? e.message : errorText(e, this.target);
      this.setOnline(false, msg);
      throw new OfflineError(msg);
    }
  }

  /** Run fn on the connection; a connection error marks the store offline and becomes OfflineError. */
  async run<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const c = await this.get();
    try {
      const out = await fn(c);
      this.setOnline(true);
      return out;
    } catch (e) {
      if (isConnectionError(e)) {
        this.drop(c, e);
        throw new OfflineError(errorText(e, this.target));
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = undefined;
    if (c) {
      c.removeAllListeners("end");
      c.on("error", () => undefined);
      await c.end().catch(() => undefined);
    }
  }
}

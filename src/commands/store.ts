/**
 * The shared store from the command line: which URL (--store, HANDRAIL_STORE_URL, store.url in the
 * config file), opening it before anything runs (one masked line and exit 2 when it cannot be
 * used, unless --store-optional), and `handrail store init`.
 */
import { UsageError } from "../errors.js";
import type { SharedStore } from "../incident/store/pg-store.js";
import { StoreError } from "../incident/store/url.js";
import type { StoreStatus } from "../incident/store/types.js";
import type { CommandContext } from "./context.js";

/** The store URL in effect, if any: the flag, then the variable (which the config file's store.url fills). */
export function storeUrl(ctx: CommandContext): string | undefined {
  const url = ctx.options.store ?? ctx.env.HANDRAIL_STORE_URL;
  return url === undefined || url === "" ? undefined : url;
}

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

/** A line for each change of the store's state (headless runs): offline with its queue, online again. */
export function statusReporter(write: (line: string) => void): (s: StoreStatus) => void {
  let last: StoreStatus["state"] = "online";
  return (s) => {
    if (s.state === last) return;
    last = s.state;
    if (s.state === "offline") write(`store: offline (${s.queued} event${s.queued === 1 ? "" : "s"} queued): ${s.error ?? "unreachable"}; going on, the events are in the local file`);
    else write(`store: online again (${s.queued} event${s.queued === 1 ? "" : "s"} queued)`);
  };
}

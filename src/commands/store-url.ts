import type { CommandContext } from "./context.js";

/** The store URL in effect, if any: the flag, then the variable (which the config file's store.url fills). */
export function storeUrl(ctx: CommandContext): string | undefined {
  const url = ctx.options.store ?? ctx.env.HANDRAIL_STORE_URL;
  return url === undefined || url === "" ? undefined : url;
}

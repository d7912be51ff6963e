/** Finding incident files by path or id in the incident store. */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import type { CommandContext } from "./context.js";

/** Drill incidents live in this directory of the store, so practice never mixes with real incidents. */
export const DRILLS_SUBDIR = "drills";

export function incidentsDir(ctx: CommandContext): string {
  return path.resolve(ctx.cwd, ctx.options.incidents ?? ctx.env.HANDRAIL_INCIDENTS ?? "incidents");
}

/** A path to a .jsonl file, or an incident id in the store (a unique prefix is enough). */
export function findIncident(ctx: CommandContext, ref: string): string {
  const direct = path.resolve(ctx.cwd, ref);
  if (existsSync(direct) && statSync(direct).isFile()) return direct;
  const dir = incidentsDir(ctx);
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".jsonl"));
  } catch {
    throw new UsageError(`no incident "${ref}": the incident store ${dir} does not exist`, "Name the incident file, or pass --incidents DIR.");
  }
  try {
    names.push(...readdirSync(path.join(dir, DRILLS_SUBDIR)).filter((n) => n.endsWith(".jsonl")).map((n) => path.join(DRILLS_SUBDIR, n)));
  } catch {
    // No drills yet.
  }
  const base = (n: string) => path.basename(n);
  const exact = names.find((n) => base(n) === `${ref}.jsonl`);
  if (exact) return path.join(dir, exact);
  const matches = names.filter((n) => base(n).startsWith(ref) || base(n).includes(ref));
  if (matches.length === 1) return path.join(dir, matches[0]!);
  if (matches.length > 1) throw new UsageError(`"${ref}" matches ${matches.length} incidents in ${dir}`, `Be more specific: ${matches.slice(0, 3).map((m) => base(m).replace(/\.jsonl$/, "")).join(", ")}`);
  throw new UsageError(`no incident "${ref}" in ${dir}`, "List them with: handrail incidents");
}

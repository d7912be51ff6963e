/**
 * Finding incident files by path or id in the incident store. Every command that reads or
 * writes an incident (report, resolve, resume, run --resume) comes through findIncident, which
 * refuses anything that is not an incident file before any of them opens it.
 */
import { closeSync, lstatSync, openSync, readdirSync, readSync, constants, type Stats } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import type { CommandContext } from "./context.js";

/** Drill incidents live in this directory of the store, so practice never mixes with real incidents. */
export const DRILLS_SUBDIR = "drills";

/** An incident id is a file name in the store: no separator, no leading dot, nothing that leaves the store. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function incidentsDir(ctx: CommandContext): string {
  return path.resolve(ctx.cwd, ctx.options.incidents ?? ctx.env.HANDRAIL_INCIDENTS ?? "incidents");
}

/** A reference is a path when it names a directory or a .jsonl file; otherwise it is an id. */
function isPathRef(ref: string): boolean {
  return ref.includes("/") || ref.includes(path.sep) || ref.endsWith(".jsonl");
}

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

/** The first line of a file (at most 64 KiB), read without following a symlink. */
function firstLine(file: string): string {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString("utf8");
    const end = text.indexOf("\n");
    return end === -1 ? text : text.slice(0, end);
  } finally {
    closeSync(fd);
  }
}

function opensAnIncident(file: string): boolean {
  try {
    const first = JSON.parse(firstLine(file)) as { type?: unknown; seq?: unknown };
    return first.type === "incident.opened" && typeof first.seq === "number";
  } catch {
    return false;
  }
}

/** A path argument: a regular .jsonl file (not a symlink) whose first event is incident.opened. */
function checkPath(ref: string, file: string): string {
  const st = lstatOrUndefined(file);
  if (!st) throw new UsageError(`no incident file ${ref}`, "Name an incident id (handrail incidents) or an incident .jsonl file.");
  if (st.isSymbolicLink()) throw new UsageError(`${ref} is a symlink; handrail opens incident files only directly`, "Name the file it points to, if that is an incident file.");
  if (!st.isFile()) throw new UsageError(`${ref} is not a regular file`, "Name an incident .jsonl file.");
  if (!file.endsWith(".jsonl")) throw new UsageError(`${ref} is not an incident file (the name does not end in .jsonl)`, "Name an incident .jsonl file.");
  if (!opensAnIncident(file)) {
    throw new UsageError(`${ref} is not an incident file (its first line is not an incident.opened event)`, "If it is a damaged incident of the store, name it by id: handrail report ID lists its damage.");
  }
  return file;
}

function storeNames(ref: string, dir: string): string[] {
  let names: string[];
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
  return names;
}

/** An id: a name inside the store (a unique prefix or part is enough), and a regular file there. */
function findById(ref: string, dir: string): string {
  if (!ID.test(ref)) throw new UsageError(`"${ref}" is not an incident id (ids are file names in the store: letters, digits, '.', '_', '-')`, "List them with: handrail incidents");
  const names = storeNames(ref, dir);
  const base = (n: string) => path.basename(n);
  const exact = names.find((n) => base(n) === `${ref}.jsonl`);
  const matches = exact ? [exact] : names.filter((n) => base(n).startsWith(ref) || base(n).includes(ref));
  if (matches.length > 1) throw new UsageError(`"${ref}" matches ${matches.length} incidents in ${dir}`, `Be more specific: ${matches.slice(0, 3).map((m) => base(m).replace(/\.jsonl$/, "")).join(", ")}`);
  const name = matches[0];
  if (name === undefined) throw new UsageError(`no incident "${ref}" in ${dir}`, "List them with: handrail incidents");
  const file = path.join(dir, name);
  const st = lstatOrUndefined(file);
  if (!st?.isFile()) throw new UsageError(`${file} is ${st?.isSymbolicLink() ? "a symlink" : "not a regular file"}; handrail opens incident files only directly`, "Remove it from the store, or name the file it points to.");
  return file;
}

/** A path to a .jsonl incident file, or an incident id in the store; anything else is exit 2 before it is opened. */
export function findIncident(ctx: CommandContext, ref: string): string {
  if (ref === "" || ref.includes("\0")) throw new UsageError("the incident reference is empty", "Name an incident id (handrail incidents) or an incident .jsonl file.");
  if (!isPathRef(ref)) return findById(ref, incidentsDir(ctx));
  const file = path.resolve(ctx.cwd, ref);
  // A bare file name that is not here is the store's: `report ID.jsonl` works from anywhere.
  const bareName = !ref.includes("/") && !ref.includes(path.sep);
  if (bareName && !lstatOrUndefined(file)) return findById(ref.replace(/\.jsonl$/, ""), incidentsDir(ctx));
  return checkPath(ref, file);
}

/**
 * The loader's fast path, without the located parse or zod: a valid runbook read by the fast reader
 * (or js-yaml), checked by the JSON Schema and the lint. What it cannot vouch for is left to the
 * full loader (load.ts), which owns every problem message; validate loads that only for such files.
 */
import jsyaml from "js-yaml";
import { MAX_ALIAS_NODES } from "./alias-limits.js";
import { lintRunbook } from "./lint.js";
import type { LoadResult } from "./load.js";
import { quickRunbook } from "./quick-schema.js";
import type { Runbook } from "./schema.js";
import { firstBadByte } from "./text-bytes.js";
import { runbookText } from "./text-scan.js";
import { readFastYaml } from "./yaml-fast.js";

/**
 * Where js-yaml and yaml's YAML 1.2 core schema read a plain scalar differently (`0b11`, `-.5`): such
 * text takes the located parse. The same test as /(?:^|[\s:,[{-])(?:[-+]?0b[01]|[-+]\.\d)/m, but looking
 * only where a `0b` or `.` is: that regex tried every position of 22 MB for a 1,000-runbook library.
 * Aliases are read here too, expanded when what they add is bounded (quickParse).
 */
export function quickUnsafe(src: string): boolean {
  for (let i = src.indexOf("0b"); i >= 0; i = src.indexOf("0b", i + 1)) {
    if (!BINARY_DIGIT.test(src[i + 2] ?? "")) continue;
    if (startsToken(src, i) || (SIGN.test(src[i - 1] ?? "") && startsToken(src, i - 1))) return true;
  }
  for (let i = src.indexOf("."); i >= 0; i = src.indexOf(".", i + 1)) {
    if (i >= 1 && SIGN.test(src[i - 1]!) && DIGIT.test(src[i + 1] ?? "") && startsToken(src, i - 1)) return true;
  }
  return false;
}

const BINARY_DIGIT = /^[01]$/;
const SIGN = /^[-+]$/;
const DIGIT = /^\d$/;
const TOKEN_BOUNDARY = /^[\s:,[{-]$/;

/** At the start of the text, of a line, or after a space or flow punctuation. */
function startsToken(src: string, i: number): boolean {
  return i === 0 || TOKEN_BOUNDARY.test(src[i - 1]!);
}

/**
 * The common case, a valid runbook, read by the fast reader (yaml-fast.ts, the data js-yaml would
 * give, about twice as fast) or else by js-yaml: ten times faster than yaml's located document
 * (1,000 runbooks are 20 MB of YAML). Undefined whenever it cannot be trusted to agree; the
 * located parse then decides, and owns every problem message. `plain` as readFastYaml takes it.
 */
export function quickParse(src: string, plain = false): unknown {
  // The fast reader declines the plain scalars quickUnsafe looks for, where they are read (yaml-fast-scalars.ts).
  const fast = readFastYaml(src, plain);
  // With aliases, the fast reader counts what they add (the same bound as below, without a walk).
  if ("data" in fast) return !fast.aliases || fast.nodes <= MAX_ALIAS_NODES ? fast.data : undefined;
  // js-yaml reads whatever the fast reader declines.
  if (quickUnsafe(src)) return undefined;
  let data: unknown;
  try {
    data = jsyaml.load(src, { schema: jsyaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
  // Aliases (conditions a runbook reuses: `when: *gate-failed`): js-yaml shares the node, and a walk of the
  // data (the schema's) visits it once per path to it, or forever when it contains itself. Kept shared when
  // what they add is small (the schema's output is a tree of its own, and copying 22 MB of runbooks cost
  // ~0.2 s); a cycle or an alias bomb is left to the located parse, which says where.
  if (!sharesNodes(data)) return data;
  return expandedSize(data, MAX_ALIAS_NODES) === undefined ? undefined : data;
}

/** Nodes the data holds once every alias is written out; undefined past `limit` or for a cycle. */
export function expandedSize(root: unknown, limit: number): number | undefined {
  const memo = new Map<object, number>();
  const active = new Set<object>();
  const visit = (node: unknown): number | undefined => {
    if (node === null || typeof node !== "object") return 1;
    const known = memo.get(node);
    if (known !== undefined) return known;
    if (active.has(node)) return undefined;
    active.add(node);
    let total = 1;
    for (const child of Array.isArray(node) ? (node as unknown[]) : Object.values(node)) {
      const n = visit(child);
      if (n === undefined) return undefined;
      total += n;
      if (total > limit) return undefined;
    }
    active.delete(node);
    memo.set(node, total);
    return total;
  };
  try {
    return visit(root);
  } catch (e) {
    // Nesting deep enough to exhaust the stack: the located parse walks it on a stack of its own.
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

/** Whether a mapping or list is reached twice (an alias) in data as a YAML parser returns it. */
export function sharesNodes(root: unknown): boolean {
  if (root === null || typeof root !== "object") return false;
  const seen = new Set<object>([root]);
  const stack: object[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const value of Array.isArray(node) ? (node as unknown[]) : Object.values(node)) {
      if (value === null || typeof value !== "object") continue;
      if (seen.has(value)) return true;
      seen.add(value);
      stack.push(value);
    }
  }
  return false;
}

/**
 * The runbook when the fast path reads it and finds nothing wrong; undefined otherwise. `orSchema`
 * decides when the JSON Schema check is not sure (load.ts passes zod's runbookSchema).
 */
export function quickLoad(src: string, file: string, orSchema?: (data: unknown) => Runbook | undefined): LoadResult | undefined {
  return loadParsed(quickParse(src), file, orSchema);
}

function loadParsed(quick: unknown, file: string, orSchema?: (data: unknown) => Runbook | undefined): LoadResult | undefined {
  if (quick === null || typeof quick !== "object" || Array.isArray(quick)) return undefined;
  const runbook = quickRunbook(quick) ?? orSchema?.(quick);
  return runbook !== undefined && lintRunbook(runbook).length === 0 ? { file, kind: "Runbook", runbook, problems: [] } : undefined;
}

/** quickLoad of a file's bytes: undefined for bytes that are not text, and for a check that failed (the full loader says why). */
export function quickLoadBytes(bytes: Buffer, file: string): LoadResult | undefined {
  if (firstBadByte(bytes) !== undefined) return undefined;
  try {
    const { text, plain } = runbookText(bytes);
    return loadParsed(quickParse(text, plain), file);
  } catch {
    // A bug: the full loader meets it again and reports it as one, in the file's problems.
    return undefined;
  }
}

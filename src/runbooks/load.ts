/** Read a runbook file into the model, or every problem in it with file:line:col. */
import jsyaml from "js-yaml";
import { LineCounter, parseDocument } from "yaml";
import { lintModel, lintRunbook } from "./lint.js";
import { problemAt, sortProblems, type LocatedDoc } from "./located.js";
import type { RunbookProblem } from "./problems.js";
import { readDefinition } from "./read-definition.js";
import { salvageModel } from "./salvage.js";
import { explainIssues } from "./schema-issues.js";
import { quickRunbook } from "./quick-schema.js";
import { runbookSchema, type Runbook } from "./schema.js";
import { firstBadByte } from "./text-bytes.js";
import { checkScenarioData, isScenarioData, type ScenarioDoc } from "./scenario-load.js";
import { MAX_ALIAS_NODES, checkYamlShape } from "./yaml-guard.js";
import { readFastYaml } from "./yaml-fast.js";
import { positionOf } from "./yaml-locate.js";

/** What a handrail/v1 file declares itself to be. */
export type DefinitionKind = "Runbook" | "Scenario";

export interface LoadResult {
  file: string;
  /** Set once the file's data says (a file that does not parse says nothing, and is taken for a runbook). */
  kind?: DefinitionKind;
  runbook?: Runbook;
  /**
   * A scenario file (kind: Scenario) that passed the schema: drillable only when `problems` is empty
   * and its checks against the runbook it drills (ScenarioDoc.checkAgainst) find nothing either.
   */
  scenario?: ScenarioDoc;
  /** The first MAX_PROBLEMS_PER_FILE problems, in the order of the text. */
  problems: RunbookProblem[];
  /** How many problems there were beyond those. */
  moreProblems?: number;
}

export { MAX_PROBLEMS_PER_FILE } from "./located.js";
export { MAX_RUNBOOK_BYTES } from "./read-definition.js";

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
 * located parse then decides, and owns every problem message.
 */
export function quickParse(src: string): unknown {
  if (quickUnsafe(src)) return undefined;
  const fast = readFastYaml(src);
  // With aliases, the fast reader counts what they add (the same bound as below, without a walk).
  if ("data" in fast) return !fast.aliases || fast.nodes <= MAX_ALIAS_NODES ? fast.data : undefined;
  // js-yaml reads whatever the fast reader declines.
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

/** Parse and check runbook text; `file` is only used in messages. Never throws: a failure is a problem. */
export function loadRunbookText(src: string, file: string): LoadResult {
  try {
    return checkText(src, file);
  } catch (e) {
    // A bug must not take down `list` or the console because of one file on the search path.
    const message = `handrail could not check this file: ${(e as Error).message} (a bug in handrail; please report it)`;
    return { file, problems: [{ file, line: 1, column: 1, path: "", message }] };
  }
}

/** The runbook when the fast path reads it and finds nothing wrong; its data is dropped otherwise. */
function quickLoad(src: string, file: string): LoadResult | undefined {
  const quick = quickParse(src);
  if (quick === null || typeof quick !== "object" || Array.isArray(quick)) return undefined;
  // zod only when the fast check is not sure: a valid library never runs it.
  const runbook = quickRunbook(quick) ?? runbookSchema.safeParse(quick).data;
  return runbook !== undefined && lintRunbook(runbook).length === 0 ? { file, kind: "Runbook", runbook, problems: [] } : undefined;
}

const EMPTY = "the file is empty; a runbook starts with apiVersion: handrail/v1";

function checkText(src: string, file: string): LoadResult {
  const quick = quickLoad(src, file);
  if (quick) return quick;
  const at = (line: number, column: number, message: string): RunbookProblem => ({ file, line, column, path: "", message });
  if (src.trim() === "") return { file, problems: [at(1, 1, EMPTY)] };
  const nul = src.indexOf("\0");
  if (nul >= 0) {
    const line = src.slice(0, nul).split("\n").length;
    return { file, problems: [at(line, nul - src.lastIndexOf("\n", nul - 1), "a NUL character: a runbook is text")] };
  }
  const counter = new LineCounter();
  // Duplicate keys are found by checkYamlShape: yaml's own check compares every key with every other.
  const doc = parseDocument(src, { lineCounter: counter, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e): RunbookProblem => {
      const pos = e.linePos?.[0] ?? positionOf(counter, e.pos[0]);
      const line = "line" in pos ? pos.line : 1;
      const column = "col" in pos ? pos.col : "column" in pos ? pos.column : 1;
      return at(line, column, `invalid YAML: ${e.message.split("\n")[0]}`);
    });
    return finish(file, problems);
  }
  const shape = checkYamlShape(doc, counter);
  const shapeProblems = shape.map((p) => {
    const pos = positionOf(counter, p.offset);
    return at(pos.line, pos.column, p.message);
  });
  if (shape.some((p) => p.fatal)) return finish(file, shapeProblems);
  const data: unknown = doc.toJS({ maxAliasCount: -1 });
  if (data === null || data === undefined) return { file, problems: [at(1, 1, EMPTY)] };
  const located: LocatedDoc = { file, doc, counter, src };
  if (typeof data !== "object" || Array.isArray(data)) {
    return { file, problems: [problemAt(located, [], `expected a mapping with apiVersion, kind, id, title and phases, got ${Array.isArray(data) ? "a list" : "a single value"}`)] };
  }
  if (isScenarioData(data as Record<string, unknown>)) {
    const checked = checkScenarioData(located, data as Record<string, unknown>);
    const problems = [...shapeProblems, ...checked.problems];
    return { ...finish(file, problems, "Scenario"), ...(checked.scenario ? { scenario: checked.scenario } : {}) };
  }
  const parsed = runbookSchema.safeParse(data);
  const problems = [...shapeProblems];
  if (parsed.success) {
    for (const p of lintRunbook(parsed.data)) problems.push(problemAt(located, p.path, p.message, p.atKey, p.token));
    return problems.length > 0 ? finish(file, problems, "Runbook") : { file, kind: "Runbook", runbook: parsed.data, problems };
  }
  for (const i of explainIssues(runbookSchema, data, parsed.error.issues)) problems.push(problemAt(located, i.path, i.message, i.atKey));
  // The parts that did parse are linted too: fixing the schema's problems must not reveal new ones.
  for (const p of lintModel(salvageModel(data as Record<string, unknown>))) problems.push(problemAt(located, p.path, p.message, p.atKey, p.token));
  return finish(file, problems, "Runbook");
}

/** Problems in the order of the text, at most MAX_PROBLEMS_PER_FILE of them. */
function finish(file: string, problems: RunbookProblem[], kind?: DefinitionKind): LoadResult {
  return { file, ...(kind ? { kind } : {}), ...sortProblems(problems) };
}

/** Check the bytes of one file (named `file` in messages). */
export function loadRunbookBytes(bytes: Buffer, file: string): LoadResult {
  const bad = firstBadByte(bytes);
  if (bad) return { file, problems: [{ file, line: bad.line, column: bad.column, path: "", message: bad.message }] };
  return loadRunbookText(bytes.toString("utf8"), file);
}

/** Read and check one file (named `shownAs` in messages); an unreadable file is a problem, not an exception. */
export async function loadRunbookFile(path: string, shownAs = path): Promise<LoadResult> {
  const read = await readDefinition(path, shownAs);
  return Buffer.isBuffer(read) ? loadRunbookBytes(read, shownAs) : { file: shownAs, problems: [read] };
}

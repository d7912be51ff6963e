/** Read a runbook file into the model, or every problem in it with file:line:col. */
import { LineCounter, parseDocument } from "yaml";
import { lintModel, lintRunbook, type LintProblem } from "./lint.js";
import { problemAt, sortProblems, type LocatedDoc } from "./located.js";
import type { RunbookProblem } from "./problems.js";
import { readDefinition } from "./read-definition.js";
import { salvageModel } from "./salvage.js";
import { explainIssues } from "./schema-issues.js";
import { quickLoad } from "./quick-load.js";
import { runbookSchema, type Runbook } from "./schema.js";
import { firstBadByte } from "./text-bytes.js";
import { checkScenarioData, isScenarioData, type ScenarioDoc } from "./scenario-load.js";
import { checkYamlShape } from "./yaml-guard.js";
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
export { expandedSize, quickParse, quickUnsafe, sharesNodes } from "./quick-load.js";
export { MAX_RUNBOOK_BYTES } from "./read-definition.js";

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

const EMPTY = "the file is empty; a runbook starts with apiVersion: handrail/v1";

function checkText(src: string, file: string): LoadResult {
  // zod only when the fast check is not sure: a valid library never runs it.
  const quick = quickLoad(src, file, (data) => runbookSchema.safeParse(data).data);
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

/** Lint findings on a valid runbook's text, each located (file:line:column) as a problem would be. */
export function locateFindings(bytes: Buffer, file: string, findings: readonly LintProblem[]): RunbookProblem[] {
  const src = bytes.toString("utf8");
  const counter = new LineCounter();
  const doc = parseDocument(src, { lineCounter: counter, uniqueKeys: false, prettyErrors: false });
  const located: LocatedDoc = { file, doc, counter, src };
  return findings.map((p) => problemAt(located, p.path, p.message, p.atKey, p.token));
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

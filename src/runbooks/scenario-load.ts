/** A scenario file (kind: Scenario) checked with file:line:col, as runbook files are (load.ts reads both). */
import { problemAt, type LocatedDoc } from "./located.js";
import type { PathSegment, RunbookProblem } from "./problems.js";
import { lintScenario, lintScenarioAgainst } from "./scenario-lint.js";
import { scenarioSchema, type ScenarioSpec } from "./scenario-schema.js";
import type { Runbook } from "./schema.js";
import { explainIssues } from "./schema-issues.js";
import { closest } from "./suggest.js";

/** A scenario file that passed the schema; its checks against the runbook it drills come later (checkAgainst). */
export interface ScenarioDoc {
  file: string;
  spec: ScenarioSpec;
  /** Its problems against the runbooks on the search path, located in the file. */
  checkAgainst(runbooks: ReadonlyMap<string, Runbook>): RunbookProblem[];
}

/** The kind a file's data declares: a kind close to Scenario (a typo) is read as a scenario, so its messages are a scenario's. */
export function isScenarioData(data: Record<string, unknown>): boolean {
  const kind = data.kind;
  if (kind === "Scenario") return true;
  return typeof kind === "string" && kind !== "Runbook" && closest(kind, ["Runbook", "Scenario"]) === "Scenario";
}

/**
 * The problems of a scenario's data, and the scenario once the schema passed (even with problems of its
 * own: those against its runbook are then reported with them, in one run of validate).
 */
export function checkScenarioData(at: LocatedDoc, data: Record<string, unknown>): { problems: RunbookProblem[]; scenario?: ScenarioDoc } {
  const parsed = scenarioSchema.safeParse(data);
  const locate = (path: PathSegment[], message: string, atKey?: boolean, token?: string) => problemAt(at, path, message, atKey, token);
  if (!parsed.success) return { problems: explainIssues(scenarioSchema, data, parsed.error.issues).map((i) => locate(i.path, i.message, i.atKey)) };
  const problems = lintScenario(parsed.data).map((p) => locate(p.path, p.message, p.atKey, p.token));
  const spec = parsed.data;
  return {
    problems,
    scenario: { file: at.file, spec, checkAgainst: (runbooks) => lintScenarioAgainst(spec, runbooks).map((p) => locate(p.path, p.message, p.atKey, p.token)) },
  };
}

/**
 * Every drill scenario handrail can run: the scenario files on the search path (a team's own, then
 * the shipped ones), then those written in TypeScript. One registry for `handrail drill`, `run
 * --drill`, the console's drill list and `handrail test`; the first scenario with an id wins.
 */
import path from "node:path";
import type { Library, Shadowed } from "../../runbooks/library.js";
import { sortProblems } from "../../runbooks/located.js";
import type { RunbookProblem } from "../../runbooks/problems.js";
import type { Runbook } from "../../runbooks/schema.js";
import { compileScenario } from "./compile.js";
import type { Scenario } from "./types.js";

/** A scenario file that cannot be drilled, and why (file:line:col). */
export interface BrokenScenario {
  file: string;
  problems: RunbookProblem[];
  moreProblems?: number;
}

export interface ScenarioRegistry {
  /** In the order the drill list shows them. */
  scenarios: Scenario[];
  /** Scenario files whose id an earlier one already took. */
  shadowed: Shadowed[];
  broken: BrokenScenario[];
}

/** What `drill --list` shows as a scenario's source: "built-in" for handrail's own, else the file. */
export const BUILT_IN = "built-in";

/**
 * The registry of a loaded library, its scenario files checked against the runbooks on the same path.
 * Files under `shippedDir` are handrail's own ("built-in"), whichever search directory reached them.
 */
export function scenarioRegistry(lib: Library, builtins: readonly Scenario[], shippedDir?: string): ScenarioRegistry {
  const shipped = (file: string) => {
    if (shippedDir === undefined) return false;
    const rel = path.relative(path.resolve(shippedDir), file);
    return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
  };
  const runbooks = new Map<string, Runbook>(lib.entries.map((e) => [e.runbook.id, e.runbook]));
  const registry: ScenarioRegistry = { scenarios: [], shadowed: [], broken: [] };
  for (const b of lib.broken) {
    if (b.kind === "Scenario") registry.broken.push({ file: b.file, problems: b.problems, ...(b.moreProblems ? { moreProblems: b.moreProblems } : {}) });
  }
  const byId = new Map<string, string>();
  const add = (scenario: Scenario, file: string) => {
    const first = byId.get(scenario.id);
    if (first !== undefined) {
      registry.shadowed.push({ id: scenario.id, file, shadowedBy: first });
      return;
    }
    byId.set(scenario.id, file);
    registry.scenarios.push(scenario);
  };
  for (const entry of lib.scenarios) {
    const problems = [...entry.problems, ...entry.scenario.checkAgainst(runbooks)];
    if (problems.length > 0) {
      registry.broken.push({ file: entry.file, ...sortProblems(problems) });
      continue;
    }
    add(compileScenario(entry.scenario.spec, { source: entry.origin === "shipped" || shipped(entry.path) ? BUILT_IN : entry.file, file: entry.file }), entry.file);
  }
  for (const scenario of builtins) add({ ...scenario, source: BUILT_IN }, `${BUILT_IN} (${scenario.id})`);
  registry.broken.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return registry;
}

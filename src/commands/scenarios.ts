/** The scenario registry of the search path, for the commands that drill: scenario files there, then the TypeScript ones. */
import { UsageError } from "../errors.js";
import type { Library } from "../runbooks/library.js";
import { formatProblem } from "../runbooks/problems.js";
import { codeScenarios } from "../sandbox/scenarios/index.js";
import { scenarioRegistry, type ScenarioRegistry } from "../sandbox/scenarios/registry.js";
import { openLibrary, type CommandContext } from "./context.js";

export interface LoadedScenarios {
  lib: Library;
  registry: ScenarioRegistry;
}

/** Every problem of the scenario files that cannot be drilled, one `file:line:col` line each. */
export function brokenScenarioLines(registry: ScenarioRegistry): string[] {
  return registry.broken.flatMap((b) => [...b.problems.map(formatProblem), ...(b.moreProblems ? [`${b.file}: … and ${b.moreProblems} more problems in this file`] : [])]);
}

/** A scenario file with problems is bad input for a command that drills: listed, then exit 2. */
export function refuseBrokenScenarios(registry: ScenarioRegistry, write: (line: string) => void): void {
  if (registry.broken.length === 0) return;
  for (const line of brokenScenarioLines(registry)) write(line);
  const files = registry.broken.length;
  throw new UsageError(`${files === 1 ? "a scenario file" : `${files} scenario files`} on the search path ${files === 1 ? "has" : "have"} problems (listed above)`, "Fix them (handrail validate <file> checks one), or take the file off the search path.");
}

/**
 * The library and its scenarios; `warn` gets the library's warnings (runbook files skipped). With
 * `strict` a broken scenario file is exit 2 (a drill or a test must not quietly run without it);
 * otherwise the registry's `broken` says which were left out.
 */
export async function loadScenarios(ctx: CommandContext, opts: { strict: boolean; warn?: (line: string) => void }): Promise<LoadedScenarios> {
  const warn = opts.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const lib = await openLibrary(ctx, warn);
  const registry = scenarioRegistry(lib, codeScenarios, ctx.shippedDir);
  if (opts.strict) refuseBrokenScenarios(registry, (line) => process.stderr.write(`${line}\n`));
  return { lib, registry };
}

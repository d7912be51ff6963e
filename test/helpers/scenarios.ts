/** The scenario registry handrail ships (scenario files under runbooks/, then the TypeScript ones), as the commands load it. */
import path from "node:path";
import { loadLibrary, searchPath } from "../../src/runbooks/library.js";
import { codeScenarios, findScenario } from "../../src/sandbox/scenarios/index.js";
import { scenarioRegistry, type ScenarioRegistry } from "../../src/sandbox/scenarios/registry.js";
import type { Scenario } from "../../src/sandbox/scenarios/types.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SHIPPED = path.join(ROOT, "runbooks");

/** The registry of the shipped search path (no team directories). */
export async function shippedRegistry(): Promise<ScenarioRegistry> {
  const lib = await loadLibrary(searchPath({ cwd: ROOT, shippedDir: SHIPPED }), ROOT);
  return scenarioRegistry(lib, codeScenarios, SHIPPED);
}

/** Every shipped scenario, in the order the drill list shows them. */
export async function shippedScenarios(): Promise<Scenario[]> {
  return (await shippedRegistry()).scenarios;
}

/** One shipped scenario by id (a usage error with a suggestion when there is none). */
export async function shippedScenario(id: string): Promise<Scenario> {
  return findScenario(id, await shippedScenarios());
}

/** The scenarios written in TypeScript, and finding one by id in a registry (registry.ts adds the scenario files). */
import { UsageError } from "../../errors.js";
import { didYouMean } from "../../runbooks/suggest.js";
import { canaryErrorRate } from "./canary-error-rate.js";
import { stagingHealth500 } from "./staging-health-500.js";
import { trainBacktestingCrash, trainRollbackServiceDown } from "./train-backtesting-crash.js";
import { trainStuckPull } from "./train-stuck-pull.js";
import type { Scenario } from "./types.js";

export type { Scenario, DrillWorld, DrillHealth } from "./types.js";

/**
 * The scenarios a scenario file cannot describe yet (a simulated docker-compose host, a release
 * platform's API, a Prometheus): in the order the drill list shows them, after the files.
 */
export const codeScenarios: readonly Scenario[] = [stagingHealth500, trainBacktestingCrash, trainRollbackServiceDown, trainStuckPull, canaryErrorRate];

/** The scenario with this id; an unknown id is a usage error (exit 2) with the closest id suggested. */
export function findScenario(id: string, list: readonly Scenario[]): Scenario {
  const found = list.find((s) => s.id === id);
  if (found) return found;
  throw new UsageError(`no drill scenario "${id}"${didYouMean(id, list.map((s) => s.id))}`, `List them with: handrail drill --list (${list.map((s) => s.id).join(", ")})`);
}

/** The scenarios handrail ships: one registry for `handrail drill`, `run --drill` and the home screen. */
import { UsageError } from "../../errors.js";
import { didYouMean } from "../../runbooks/suggest.js";
import { crashloopRollback, stuckRollout } from "./crashloop-rollback.js";
import { canaryErrorRate } from "./canary-error-rate.js";
import { stagingHealth500 } from "./staging-health-500.js";
import { trainBacktestingCrash, trainRollbackServiceDown } from "./train-backtesting-crash.js";
import { trainStuckPull } from "./train-stuck-pull.js";
import type { Scenario } from "./types.js";

export type { Scenario, DrillWorld, DrillHealth } from "./types.js";

/** Every scenario, in the order the drill list shows them. */
export const scenarios: readonly Scenario[] = [crashloopRollback, stuckRollout, stagingHealth500, trainBacktestingCrash, trainRollbackServiceDown, trainStuckPull, canaryErrorRate];

/** The scenario with this id; an unknown id is a usage error (exit 2) with the closest id suggested. */
export function findScenario(id: string, list: readonly Scenario[] = scenarios): Scenario {
  const found = list.find((s) => s.id === id);
  if (found) return found;
  throw new UsageError(`no drill scenario "${id}"${didYouMean(id, list.map((s) => s.id))}`, `List them with: handrail drill --list (${list.map((s) => s.id).join(", ")})`);
}

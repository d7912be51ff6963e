/**
 * Everything a headless run would be refused for, found before anything runs (issue: "exit 2
 * means nothing ran"): choices without an --option, high-risk steps without --yes, secret inputs
 * whose value this process was not given. Pure.
 */
import { inputVariable, type InputValue } from "../runbooks/inputs.js";
import type { Runbook, Severity } from "../runbooks/schema.js";
import { holds, readsSteps, type Condition } from "../runbooks/conditions.js";
import { buildPlan, flatten } from "./plan.js";

export interface PreflightInput {
  runbook: Runbook;
  severity: Severity;
  inputs: Record<string, InputValue>;
  /** Choices already made (resume). */
  chosen: Record<string, string>;
  /** Steps already passed, found or skipped (resume): not asked about again. */
  done: ReadonlySet<string>;
  /** --option phase=option. */
  options: Record<string, string>;
  yes: boolean;
  dryRun: boolean;
  /** Secret inputs with no value in this process. */
  missingSecrets: readonly string[];
}

/** One line per problem; empty when the walk may start. */
export function preflight(p: PreflightInput): string[] {
  const problems: string[] = [];
  for (const name of p.missingSecrets) {
    problems.push(`${inputVariable(name)} is not set: the secret input "${name}" is never stored, so it must be given again (set the variable; --set would leave it in the shell history)`);
  }
  const lists = Object.fromEntries(Object.entries(p.inputs).filter((e): e is [string, string[]] => Array.isArray(e[1])));
  // A condition on inputs and severity is known now; one on earlier results is judged when the walk gets there.
  const facts = { inputs: p.inputs, severity: p.severity };
  const ruledOut = (c: Condition | undefined) => c !== undefined && !readsSteps(c) && !holds(c, facts);
  const decidedLater = (c: Condition | undefined) => readsSteps(c);
  const phaseOf = (id: string) => p.runbook.phases.find((x) => x.id === id);
  const items = flatten(buildPlan({ runbook: p.runbook, severity: p.severity, lists, chosen: { ...p.chosen, ...p.options } })).filter((i) => !ruledOut(phaseOf(i.phaseId)?.when) && !(i.kind === "step" && ruledOut(i.step.when)));
  for (const item of items) {
    if (item.kind !== "choice") continue;
    if (decidedLater(phaseOf(item.phaseId)?.when) || item.options.some((o) => decidedLater(o.when))) continue;
    const open = item.options.filter((o) => !ruledOut(o.when));
    if (open.length <= 1) continue;
    const recommended = open.find((o) => o.recommended === true || (typeof o.recommended === "object" && !readsSteps(o.recommended) && holds(o.recommended, facts)));
    problems.push(`--option ${item.phaseId}=<${open.map((o) => o.id).join(" | ")}>: phase ${item.phaseId} needs a choice${recommended ? ` (the runbook recommends ${recommended.id})` : ""}`);
  }
  if (!p.yes && !p.dryRun) {
    const risky = items.filter((i) => i.kind === "step" && !p.done.has(i.key) && (i.step.risk === "high" || i.step.risk === "critical")).map((i) => i.key);
    if (risky.length > 0) problems.push(`${risky.length} step(s) of risk high or critical need --yes: ${risky.join(", ")}`);
  }
  return problems;
}

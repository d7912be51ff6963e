/** The names a `$name` may use, and the lint of escalations (whose message is a notification's). */
import type { LintProblem } from "./lint.js";
import type { LintModel } from "./lint-model.js";
import { templateReferences } from "./script-vars.js";
import { closest } from "./suggest.js";

/** Names every step may use besides the inputs: `$item` inside forEach, handrail's own exports. */
export const BUILTIN_VARIABLES = ["item", "incident_id", "severity", "runbook_id"] as const;
/** Incident fields a notification message may use besides those (rendered by handrail, never by a shell). */
export const NOTIFY_VARIABLES = ["runbook_title", "elapsed", "last_step", "last_result"] as const;

/**
 * The input names a `$name` may mean. A name the schema refused (`Service`) still counts, lowercased
 * too: `$service` is then that input, whose name is already reported, not a typo of its own.
 */
export function inputNames(model: LintModel): string[] {
  const names = new Set<string>();
  for (const { name } of model.inputs) {
    names.add(name);
    names.add(name.toLowerCase());
  }
  return [...names];
}

/** An escalation's message is a notification message too; a message without a channel goes nowhere. */
export function checkEscalations(model: LintModel, out: LintProblem[]): void {
  const known = new Set<string>([...inputNames(model), ...BUILTIN_VARIABLES.filter((v) => v !== "item"), ...NOTIFY_VARIABLES]);
  for (const { index: i, escalation: esc, broken } of model.escalations) {
    if (esc.message === undefined) continue;
    if (esc.notify === undefined && !broken.has("notify")) out.push({ path: ["escalations", i, "message"], atKey: true, message: "message applies only with notify: <channel>" });
    if (!model.inputNamesKnown) continue;
    for (const ref of templateReferences(esc.message)) {
      if (known.has(ref.name) || ref.name === ref.name.toUpperCase()) continue;
      const hint = closest(ref.name, known);
      if (hint) out.push({ path: ["escalations", i, "message"], token: ref.token, message: `"$${ref.name}" is not an input (did you mean "$${hint}"?)` });
    }
  }
}

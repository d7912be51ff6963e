/** The lint of inputs and escalations, and the names a `$name` may use. */
import { checkInputValue } from "./inputs.js";
import type { LintProblem } from "./lint.js";
import type { LintModel } from "./lint-model.js";
import type { PathSegment } from "./problems.js";
import type { InputSpec } from "./schema.js";
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

// A default is checked against these: not while one of them is broken.
const SHAPES_A_VALUE = ["values", "items", "min", "max", "pattern", "required"];

/** Each input's fields fit its type, and its default is a value it accepts. */
export function checkInputs(model: LintModel, out: LintProblem[]): void {
  for (const { name, spec: partial, broken } of model.inputs) {
    const at = (field: string): PathSegment[] => ["inputs", name, field];
    if ((BUILTIN_VARIABLES as readonly string[]).includes(name)) {
      out.push({ path: ["inputs", name], atKey: true, message: `"${name}" is set by handrail itself; choose another name` });
    }
    // Every other check reads the type: without one that parsed, each would guess.
    if (partial?.type === undefined) continue;
    const spec = partial as InputSpec;
    if (spec.type === "enum" && spec.values === undefined && !broken.has("values")) out.push({ path: ["inputs", name], message: "an enum input needs values" });
    if (spec.type !== "enum" && spec.values !== undefined) out.push({ path: at("values"), atKey: true, message: `values apply to enum inputs, not ${spec.type}` });
    if (spec.type !== "list" && spec.items !== undefined) out.push({ path: at("items"), atKey: true, message: `items applies to list inputs, not ${spec.type}` });
    if (spec.type !== "int" && (spec.min !== undefined || spec.max !== undefined)) {
      out.push({ path: at(spec.min !== undefined ? "min" : "max"), atKey: true, message: `min and max apply to int inputs, not ${spec.type}` });
    }
    if (spec.pattern !== undefined) {
      if (spec.type !== "string") out.push({ path: at("pattern"), atKey: true, message: `pattern applies to string inputs, not ${spec.type}` });
      else {
        try {
          new RegExp(spec.pattern);
        } catch (e) {
          out.push({ path: at("pattern"), message: `not a valid regular expression: ${(e as Error).message}` });
        }
      }
    }
    if (spec.default !== undefined && !SHAPES_A_VALUE.some((f) => broken.has(f))) {
      if (spec.type === "secret") {
        out.push({ path: at("default"), atKey: true, message: "a secret must not have a default: it would be stored in the runbook" });
        continue;
      }
      const result = checkInputValue(spec, spec.default);
      if (!result.ok) out.push({ path: at("default"), message: `bad default: ${result.message}` });
    }
  }
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

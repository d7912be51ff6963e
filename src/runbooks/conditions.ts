/**
 * Conditions a runbook states about an incident: on its inputs and its severity, combined with
 * `all` / `any` / `not`. Used by `production:` (is this incident production?). Pure.
 */
import { z } from "zod";
// Inside z.lazy: schema.ts imports this module, so its SEVERITIES is read only once both are loaded.
import { SEVERITIES, type Severity } from "./schema.js";

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export type Condition =
  | { input: string; equals?: string | number | boolean; in?: Array<string | number | boolean>; matches?: string }
  | { severity: Severity | Severity[] }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ input: z.string().regex(/^[a-z][a-z0-9_]*$/), equals: scalar.optional(), in: z.array(scalar).min(1).optional(), matches: z.string().optional() }),
    z.strictObject({ severity: z.union([z.enum(SEVERITIES), z.array(z.enum(SEVERITIES)).min(1)]) }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

export interface ConditionFacts {
  inputs: Readonly<Record<string, string | string[]>>;
  severity: Severity;
}

const text = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(" ") : (v ?? ""));

/** Whether the condition holds for these facts. An input condition without a test holds when the input is set and not empty. */
export function holds(c: Condition, facts: ConditionFacts): boolean {
  if ("all" in c) return c.all.every((x) => holds(x, facts));
  if ("any" in c) return c.any.some((x) => holds(x, facts));
  if ("not" in c) return !holds(c.not, facts);
  if ("severity" in c) return (Array.isArray(c.severity) ? c.severity : [c.severity]).includes(facts.severity);
  const value = text(facts.inputs[c.input]);
  if (c.equals !== undefined && value !== String(c.equals)) return false;
  if (c.in !== undefined && !c.in.map(String).includes(value)) return false;
  if (c.matches !== undefined && !new RegExp(`^(?:${c.matches})$`).test(value)) return false;
  return c.equals !== undefined || c.in !== undefined || c.matches !== undefined || value !== "";
}

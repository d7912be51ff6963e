/** `handrail schema [runbook|scenario]`: the JSON Schema of a handrail/v1 file kind. */
import { UsageError } from "../errors.js";
import { runbookJsonSchema, scenarioJsonSchema } from "../runbooks/json-schema.js";
import { didYouMean } from "../runbooks/suggest.js";

const KINDS = { runbook: runbookJsonSchema, scenario: scenarioJsonSchema } as const;

export function schemaCommand(kind = "runbook"): void {
  const make = KINDS[kind.toLowerCase() as keyof typeof KINDS] as (() => Record<string, unknown>) | undefined;
  if (!make) throw new UsageError(`schema ${kind}: expected runbook | scenario${didYouMean(kind, Object.keys(KINDS))}`);
  process.stdout.write(`${JSON.stringify(make(), null, 2)}\n`);
}

/** `handrail schema`: the JSON Schema of handrail/v1. */
import { runbookJsonSchema } from "../runbooks/json-schema.js";

export function schemaCommand(): void {
  process.stdout.write(`${JSON.stringify(runbookJsonSchema(), null, 2)}\n`);
}

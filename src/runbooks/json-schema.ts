/** JSON Schema for editors (yaml-language-server), generated from the same zod schema the loader uses. */
import { z } from "zod";
import { runbookSchema } from "./schema.js";

export function runbookJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(runbookSchema, { target: "draft-2020-12", unrepresentable: "any", reused: "ref" }) as Record<string, unknown>;
  return {
    ...schema,
    title: "handrail runbook (handrail/v1)",
    description: "A runbook for the handrail on-call console: phases of steps the operator walks through.",
  };
}

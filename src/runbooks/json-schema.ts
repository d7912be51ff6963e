/** JSON Schema for editors (yaml-language-server), generated from the same zod schema the loader uses. */
import { z } from "zod";
import { scenarioSchema } from "./scenario-schema.js";
import { runbookSchema } from "./schema.js";

export function runbookJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(runbookSchema, { target: "draft-2020-12", unrepresentable: "any", reused: "ref" }) as Record<string, unknown>;
  return {
    ...schema,
    title: "handrail runbook (handrail/v1)",
    description: "A runbook for the handrail on-call console: phases of steps the operator walks through.",
  };
}

/** JSON Schema of scenario files (kind: Scenario), from the zod schema the loader checks them with. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { target: "draft-2020-12", unrepresentable: "any", reused: "ref" }) as Record<string, unknown>;
  return {
    ...schema,
    title: "handrail scenario (handrail/v1)",
    description: "A drill scenario for handrail: the runbook it drills, the broken world it starts in, the fix that heals it.",
  };
}

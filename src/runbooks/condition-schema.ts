/** The schema of a condition (conditions.ts evaluates them; the engine never loads this). */
import { z } from "zod";
import { STEP_RESULTS, type Condition } from "./conditions.js";
import { SEVERITIES } from "./severity.js";

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const oneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema).min(1)]);

const textTest = z.strictObject({ contains: oneOrMany(z.string()).optional(), notContains: oneOrMany(z.string()).optional(), matches: z.string().optional() });

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ input: z.string().regex(/^[a-z][a-z0-9_]*$/), equals: scalar.optional(), in: z.array(scalar).min(1).optional(), matches: z.string().optional() }),
    z.strictObject({ severity: oneOrMany(z.enum(SEVERITIES)) }),
    z.strictObject({ step: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*(?:\[[^\]]+\])?$/), status: oneOrMany(z.enum(STEP_RESULTS)).optional(), stdout: textTest.optional() }),
    z.strictObject({ chosen: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/), equals: z.string().optional(), in: z.array(z.string()).min(1).optional() }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);


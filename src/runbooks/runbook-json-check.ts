/**
 * Whether data matches the committed JSON Schema of runbooks (what quick-schema.ts builds on). Compiled
 * when loaded from the sources; the build replaces this module with ajv's standalone code of the same
 * check (scripts/build.mjs), so neither ajv nor the compile reaches dist.
 */
import { runbookJsonCheck } from "../../scripts/runbook-json-check.mjs";

export const matchesJsonSchema = runbookJsonCheck();

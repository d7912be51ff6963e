/**
 * Whether data matches the committed JSON Schema of runbooks (what quick-schema.ts builds on): a yes/no
 * check generated from it (scripts/json-check-code.mjs). Generated and compiled when loaded from the
 * sources; the build replaces this module with the same code (scripts/build.mjs), so the tests check
 * the code that ships and nothing is compiled at start-up.
 */
import { runbookJsonCheck } from "../../scripts/runbook-json-check.mjs";

export const matchesJsonSchema = runbookJsonCheck();

// The committed JSON Schema of runbooks (schema/handrail-v1.schema.json, zod's export of runbookSchema; a
// test holds it to `handrail schema`) compiled by ajv, for the loader's fast check (src/runbooks/quick-schema.ts).
// From the sources (tests) it is compiled when loaded; scripts/build.mjs puts ajv's standalone code of it in the
// bundle instead, so dist carries neither ajv nor a compile at start-up. One set of options for both.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";

const SCHEMA = new URL("../schema/handrail-v1.schema.json", import.meta.url);

function compiled(code) {
  // strict: false, the schema carries zod's annotations; refs as functions of their own, which keeps the code a quarter smaller.
  const ajv = new Ajv2020({ strict: false, inlineRefs: false, ...(code ? { code } : {}) });
  ajv.addSchema(JSON.parse(readFileSync(SCHEMA, "utf8")), "runbook");
  return ajv;
}

/** The check, compiled now. */
export function runbookJsonCheck() {
  return compiled().getSchema("runbook");
}

/** An ES module exporting the same check as `matchesJsonSchema`, in ajv's standalone code. */
export function runbookJsonCheckModule() {
  return standaloneCode(compiled({ source: true, esm: true }), { matchesJsonSchema: "runbook" });
}

// The committed JSON Schema of runbooks (schema/handrail-v1.schema.json, zod's export of runbookSchema; a
// test holds it to `handrail schema`) compiled by ajv, for the loader's fast check (src/runbooks/quick-schema.ts).
// From the sources (tests) it is compiled when loaded; scripts/build.mjs puts ajv's standalone code of it in the
// bundle instead, so dist carries neither ajv nor a compile at start-up. One set of options for both.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";

const SCHEMA = new URL("../schema/handrail-v1.schema.json", import.meta.url);

// ajv's draft-07 engine: the schema uses nothing of 2020-12's own (no prefixItems, no unevaluated* nor dynamic
// refs), and without them the code does not track evaluated properties; ~40 % less time on a large library.
// unicode: false measures minLength in UTF-16 units (string.length), as zod's .min() does, where ajv's default
// walked every character of every string (each step's script) to count code points. ajv marks the option
// deprecated and says so on every compile: that one notice is dropped.
const logger = {
  log: console.log,
  warn: (...args) => (String(args[0]).startsWith("DEPRECATED: option unicode") ? undefined : console.warn(...args)),
  error: console.error,
};

function compiled(code) {
  const { $schema: _draft, ...schema } = JSON.parse(readFileSync(SCHEMA, "utf8"));
  // strict: false, the schema carries zod's annotations.
  const ajv = new Ajv({ strict: false, unicode: false, logger, ...(code ? { code } : {}) });
  ajv.addSchema(schema, "runbook");
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

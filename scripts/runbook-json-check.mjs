// The committed JSON Schema of runbooks (schema/handrail-v1.schema.json, zod's export of runbookSchema; a
// test holds it to `handrail schema`) as one yes/no check, for the loader's fast path (src/runbooks/quick-schema.ts).
// From the sources (tests) the code is generated and compiled when loaded; scripts/build.mjs puts the same code
// in the bundle as a module, so the tests check the code that ships.
import { readFileSync } from "node:fs";
import { jsonCheckCode } from "./json-check-code.mjs";

const SCHEMA = new URL("../schema/handrail-v1.schema.json", import.meta.url);

function code() {
  return jsonCheckCode(JSON.parse(readFileSync(SCHEMA, "utf8")));
}

/** The check, compiled now. */
export function runbookJsonCheck() {
  return new Function(`${code()}return check;`)();
}

/** An ES module exporting the same check as `matchesJsonSchema`. */
export function runbookJsonCheckModule() {
  return `${code()}export { check as matchesJsonSchema };\n`;
}

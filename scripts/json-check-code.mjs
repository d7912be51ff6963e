// A JSON Schema turned into one yes/no JavaScript check, for the loader's fast path (src/runbooks/quick-schema.ts).
// It replaces ajv's standalone code there: ajv builds an error object, an instance path and a message at every
// failed branch of an anyOf (each condition tries several shapes), passes an options object to every nested
// check, and wrote 256 KB of code for our 29 KB schema, which every validate thread compiled again. The check
// here says only yes or no: a fifth of the code, and nothing allocated.
//
// Only a yes is trusted (a no goes to runbookSchema, zod, which explains), so a check here may be stricter than
// the schema but never looser. Hence: numbers are finite (zod's z.number() refuses Infinity and NaN; JSON has
// neither, and ajv took Infinity as a number, so `latencyMs: { max: .inf }` passed the fast path), and a keyword
// this generator does not know stops the build instead of being ignored (ignored, it would say yes to anything).

// Keywords that only annotate: they never change the answer.
const ANNOTATIONS = new Set(["$schema", "$id", "title", "description", "$comment", "examples"]);
const REF_PREFIX = "#/$defs/";

/** The check's code: declarations, then `check`, the root schema's function. */
export function jsonCheckCode(schema) {
  const decls = [];
  const fns = [];
  let n = 0;
  const fresh = (stem) => `${stem}${n++}`;
  // Each definition's function name; two names that read alike once made identifiers would call each other's check.
  const defNames = new Map();
  for (const name of Object.keys(schema.$defs ?? {})) {
    const fnName = `def_${name.replace(/\W/g, "_")}`;
    const other = [...defNames].find(([, f]) => f === fnName)?.[0];
    if (other !== undefined) throw new Error(`json-check: $defs ${JSON.stringify(other)} and ${JSON.stringify(name)} would have the same function`);
    defNames.set(name, fnName);
  }
  const defName = (ref) => {
    if (typeof ref !== "string" || !ref.startsWith(REF_PREFIX)) throw new Error(`json-check: only local $defs references are supported, not ${JSON.stringify(ref)}`);
    const fnName = defNames.get(ref.slice(REF_PREFIX.length));
    if (fnName === undefined) throw new Error(`json-check: ${ref} is not defined`);
    return fnName;
  };
  const constant = (stem, code) => {
    const name = fresh(stem);
    decls.push(`const ${name} = ${code};`);
    return name;
  };
  const primitive = (value, where) => {
    if (value !== null && typeof value === "object") throw new Error(`json-check: ${where} compares objects; only primitives are supported`);
    if (typeof value === "number" && !Number.isFinite(value)) throw new Error(`json-check: ${where} is not a finite number`);
    return JSON.stringify(value);
  };
  const typeTest = (type, v) => {
    switch (type) {
      case "string":
        return `typeof ${v} === "string"`;
      case "number":
        return `(typeof ${v} === "number" && Number.isFinite(${v}))`;
      case "integer":
        return `Number.isInteger(${v})`;
      case "boolean":
        return `typeof ${v} === "boolean"`;
      case "null":
        return `${v} === null`;
      case "object":
        return `(typeof ${v} === "object" && ${v} !== null && !Array.isArray(${v}))`;
      case "array":
        return `Array.isArray(${v})`;
      default:
        throw new Error(`json-check: unknown type ${JSON.stringify(type)}`);
    }
  };
  const isObject = (v) => typeTest("object", v);

  /** A function of its own for `s` (a $def, a branch of anyOf or oneOf): its name. */
  const fn = (s, name = fresh("branch")) => {
    fns.push(`function ${name}(v) {\n${body(s, "v", "  ").join("\n")}\n  return true;\n}`);
    return name;
  };

  /** Statements that return false unless `v` (a variable) matches `s`. */
  const body = (s, v, ind) => {
    if (s === true || (typeof s === "object" && s !== null && Object.keys(s).every((k) => ANNOTATIONS.has(k)))) return [];
    if (s === false) return [`${ind}return false;`];
    if (typeof s !== "object" || s === null || Array.isArray(s)) throw new Error(`json-check: not a schema: ${JSON.stringify(s)}`);
    const out = [];
    const fail = (cond) => out.push(`${ind}if (${cond}) return false;`);
    const known = new Set(ANNOTATIONS);
    const use = (k) => (known.add(k), s[k]);
    if (s.$ref !== undefined) fail(`!${defName(use("$ref"))}(${v})`);
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      use("type");
      fail(`!(${types.map((t) => typeTest(t, v)).join(" || ")})`);
    }
    if (s.const !== undefined) fail(`${v} !== ${primitive(use("const"), "const")}`);
    if (s.enum !== undefined) {
      const values = use("enum");
      if (!Array.isArray(values) || values.length === 0) throw new Error("json-check: enum needs values");
      fail(`!(${values.map((e) => `${v} === ${primitive(e, "enum")}`).join(" || ")})`);
    }
    const bound = (k, op) => {
      if (s[k] === undefined) return;
      const limit = use(k);
      if (typeof limit !== "number" || !Number.isFinite(limit)) throw new Error(`json-check: ${k} must be a finite number`);
      fail(`typeof ${v} === "number" && !(${v} ${op} ${limit})`);
    };
    bound("minimum", ">=");
    bound("maximum", "<=");
    bound("exclusiveMinimum", ">");
    bound("exclusiveMaximum", "<");
    const count = (k, test, op) => {
      if (s[k] === undefined) return;
      const limit = use(k);
      if (!Number.isInteger(limit) || limit < 0) throw new Error(`json-check: ${k} must be a count`);
      // Lengths in UTF-16 units, as zod's .min() counts them (ajv's option unicode: false did the same).
      fail(`${test} && !(${v}.length ${op} ${limit})`);
    };
    count("minLength", typeTest("string", v), ">=");
    count("maxLength", typeTest("string", v), "<=");
    count("minItems", typeTest("array", v), ">=");
    count("maxItems", typeTest("array", v), "<=");
    if (s.pattern !== undefined) {
      // The flag ajv gave every pattern: what the JSON Schema means by a pattern.
      const re = constant("pattern", `new RegExp(${JSON.stringify(use("pattern"))}, "u")`);
      fail(`typeof ${v} === "string" && !${re}.test(${v})`);
    }
    if (s.items !== undefined) {
      const items = use("items");
      if (typeof items !== "object" || items === null || Array.isArray(items)) throw new Error("json-check: items must be one schema");
      const i = fresh("i");
      const x = fresh("x");
      const inner = body(items, x, `${ind}    `);
      if (inner.length > 0) {
        out.push(`${ind}if (Array.isArray(${v})) {`, `${ind}  for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {`, `${ind}    const ${x} = ${v}[${i}];`, ...inner, `${ind}  }`, `${ind}}`);
      }
    }
    // The object keywords, each for an object only, in one pass over its keys: a switch on the key reads
    // each value once, where a look-up per declared property (most absent) cost a megamorphic load each.
    const objectLines = [];
    const oind = `${ind}  `;
    const props = s.properties !== undefined ? use("properties") : {};
    const required = s.required !== undefined ? use("required") : [];
    const additional = s.additionalProperties !== undefined ? use("additionalProperties") : true;
    const names = s.propertyNames !== undefined ? use("propertyNames") : true;
    const a = fresh("a");
    const cind = `${oind}    `;
    // A required property counts as present only with a value, as `v.k !== undefined` tells.
    const seen = new Map(required.map((k) => [k, fresh("has")]));
    const cases = [];
    for (const k of new Set([...Object.keys(props), ...required])) {
      // A name Object.prototype has would be found on every object.
      if (k in Object.prototype) throw new Error(`json-check: property ${JSON.stringify(k)} is a name every object has`);
      const inner = Object.hasOwn(props, k) ? body(props[k], a, `${cind}  `) : [];
      const flag = seen.get(k);
      const lines = [...(flag !== undefined ? [`${cind}  ${flag} = true;`] : []), ...inner];
      if (lines.length > 0) cases.push(`${oind}  case ${JSON.stringify(k)}:`, `${cind}if (${a} !== undefined) {`, ...lines, `${cind}}`, `${cind}break;`);
      else if (additional !== true) cases.push(`${oind}  case ${JSON.stringify(k)}:`, `${cind}break;`);
    }
    const others = additional === false ? [`${cind}return false;`] : body(additional, a, cind);
    const nameLines = body(names, "k", `${oind}  `);
    if (cases.length > 0 || others.length > 0 || nameLines.length > 0) {
      for (const flag of seen.values()) objectLines.push(`${oind}let ${flag} = false;`);
      objectLines.push(`${oind}for (const k in ${v}) {`, ...nameLines);
      if (cases.length > 0 || others.length > 0) {
        objectLines.push(`${oind}  const ${a} = ${v}[k];`, `${oind}  switch (k) {`, ...cases);
        if (others.length > 0) objectLines.push(`${oind}  default:`, ...others);
        objectLines.push(`${oind}  }`);
      }
      objectLines.push(`${oind}}`);
      for (const flag of seen.values()) objectLines.push(`${oind}if (!${flag}) return false;`);
    }
    // Under `type: object` the test above has made sure already.
    if (objectLines.length > 0) out.push(...(s.type === "object" ? objectLines.map((l) => l.slice(2)) : [`${ind}if (${isObject(v)}) {`, ...objectLines, `${ind}}`]));
    if (s.anyOf !== undefined) fail(`!(${use("anyOf").map((b) => `${fn(b)}(${v})`).join(" || ")})`);
    if (s.oneOf !== undefined) fail(`(${use("oneOf").map((b) => `(${fn(b)}(${v}) ? 1 : 0)`).join(" + ")}) !== 1`);
    if (s.$defs !== undefined) use("$defs");
    const unknown = Object.keys(s).filter((k) => !known.has(k));
    if (unknown.length > 0) throw new Error(`json-check: keyword(s) ${unknown.join(", ")} not supported`);
    return out;
  };

  for (const [name, def] of Object.entries(schema.$defs ?? {})) fn(def, defName(`${REF_PREFIX}${name}`));
  fn(schema, "check");
  return `${decls.join("\n")}\n${fns.join("\n")}\n`;
}

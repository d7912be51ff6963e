/** Turn zod's issues into the messages an operator can act on: what was expected, what was found. */
import type { z } from "zod";
import { describeValue, type PathSegment } from "./problems.js";
import { didYouMean } from "./suggest.js";

export interface SchemaIssue {
  path: PathSegment[];
  message: string;
  /** Point at the key rather than the value (unknown fields). */
  atKey: boolean;
}

type AnySchema = z.core.$ZodType;
interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  innerType?: AnySchema;
  in?: AnySchema;
  element?: AnySchema;
  valueType?: AnySchema;
  options?: AnySchema[];
}
const defOf = (s: AnySchema) => s._zod.def as unknown as Def;

/** Schemas that a path can reach, looking through optional, default, pipe and union wrappers. */
function resolve(schema: AnySchema): AnySchema[] {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
      return resolve(def.innerType!);
    case "pipe":
      return resolve(def.in!);
    case "union":
      return def.options!.flatMap(resolve);
    default:
      return [schema];
  }
}

function step(schemas: AnySchema[], seg: PathSegment): AnySchema[] {
  const next: AnySchema[] = [];
  for (const s of schemas) {
    const def = defOf(s);
    if (def.type === "object" && typeof seg === "string" && def.shape?.[seg]) next.push(def.shape[seg]);
    else if (def.type === "array" && typeof seg === "number") next.push(def.element!);
    else if (def.type === "record" && typeof seg === "string") next.push(def.valueType!);
  }
  return next.flatMap(resolve);
}

/** The field names an object at `path` accepts, for did-you-mean on unknown fields. */
export function knownFields(root: AnySchema, path: readonly PathSegment[]): string[] {
  let schemas = resolve(root);
  for (const seg of path) schemas = step(schemas, seg);
  const keys = new Set<string>();
  for (const s of schemas) for (const k of Object.keys(defOf(s).shape ?? {})) keys.add(k);
  return [...keys];
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

function expectedWords(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") return TYPE_WORDS[issue.expected] ?? issue.expected;
  return "a valid value";
}

/** What each union branch expected, for `exitCode: "zero"`-style mistakes. */
function unionExpectation(issue: z.core.$ZodIssueInvalidUnion): string {
  const words = new Set<string>();
  for (const branch of issue.errors) {
    const first = branch.find((i) => i.path.length === 0);
    if (first) words.add(first.code === "invalid_type" ? expectedWords(first) : first.message);
  }
  return words.size > 0 ? [...words].join(" or ") : "a valid value";
}

/** One message per problem, each at its own path. */
export function explainIssues(root: AnySchema, data: unknown, issues: readonly z.core.$ZodIssue[]): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  for (const issue of issues) {
    const path = issue.path as PathSegment[];
    const got = valueAt(data, path);
    switch (issue.code) {
      case "unrecognized_keys": {
        const known = knownFields(root, path);
        for (const key of issue.keys) {
          out.push({ path: [...path, key], atKey: true, message: `unknown field${didYouMean(key, known)}` });
        }
        break;
      }
      case "invalid_type":
        if (got === undefined) {
          out.push({ path, atKey: false, message: `missing required field "${String(path.at(-1))}"` });
        } else {
          out.push({ path, atKey: false, message: `expected ${expectedWords(issue)}, got ${describeValue(got)}` });
        }
        break;
      case "invalid_value": {
        const allowed = issue.values.map((v) => String(v));
        const hint = typeof got === "string" && allowed.length > 1 ? didYouMean(got, allowed) : "";
        const expected = allowed.length === 1 ? `"${allowed[0]}"` : allowed.join(" | ");
        out.push({ path, atKey: false, message: `expected ${expected}, got ${describeValue(got)}${hint}` });
        break;
      }
      case "invalid_union": {
        if (issue.discriminator !== undefined) {
          const field = issue.discriminator;
          const at = path.at(-1) === field ? path : [...path, field];
          const value = valueAt(data, at);
          const options = ("options" in issue ? (issue.options ?? []) : []).map(String);
          const list = options.length > 0 ? options.join(" | ") : "a known value";
          out.push({
            path: at,
            atKey: value === undefined,
            message: `expected ${list}, got ${describeValue(value)}${typeof value === "string" ? didYouMean(value, options) : ""}`,
          });
        } else {
          out.push({ path, atKey: false, message: `expected ${unionExpectation(issue)}, got ${describeValue(got)}` });
        }
        break;
      }
      case "too_small":
        if (issue.origin === "array") {
          out.push({ path, atKey: false, message: issue.message.startsWith("Too small") ? `must list at least ${String(issue.minimum)}` : issue.message });
        } else if (issue.origin === "string") {
          out.push({ path, atKey: false, message: "must not be empty" });
        } else {
          out.push({ path, atKey: false, message: `must be at least ${String(issue.minimum)}, got ${describeValue(got)}` });
        }
        break;
      case "too_big":
        out.push({ path, atKey: false, message: `must be at most ${String(issue.maximum)}, got ${describeValue(got)}` });
        break;
      case "invalid_format":
        out.push({ path, atKey: false, message: `${issue.message}, got ${describeValue(got)}` });
        break;
      case "invalid_key":
        out.push({ path: [...path, String(issue.path.at(-1) ?? "")].slice(0, path.length), atKey: true, message: issue.issues[0]?.message ?? issue.message });
        break;
      default:
        out.push({ path, atKey: false, message: issue.message });
    }
  }
  return out;
}


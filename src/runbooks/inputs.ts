/** Input values checked by type before anything runs (DESIGN.md: values never reach a shell as code). */
import { KEY_BEGIN, maskCredentials, MIN_SECRET_CHARS, triggered } from "../incident/redact-rules.js";
import { parseDuration } from "./duration.js";
import type { InputSpec } from "./schema.js";
import { REGEX_DEADLINE_MS, testWithDeadline } from "../util/regex-deadline.js";

export type InputValue = string | string[];

/** The environment variable that gives an input's value (a secret's, always: `--set` would leave it in the shell history). */
export function inputVariable(name: string): string {
  return `HANDRAIL_INPUT_${name.toUpperCase()}`;
}
export type CheckResult = { ok: true; value: InputValue } | { ok: false; message: string };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME_RULE = "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

/** An input's `pattern` as it is applied: to the whole value. */
export function inputPattern(pattern: string): string {
  return `^(?:${pattern})$`;
}

/** The value with any credential in it masked, as output is. */
function masked(value: string): string {
  return triggered(value) ? maskCredentials(value) : value;
}

/** A value in a message: short, and with any credential in it masked (messages reach the screen and stderr). */
function show(value: string): string {
  const text = masked(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/**
 * A value's problem by its type; then, unless it is a secret, whether it holds a credential. A secret's
 * value is never written down; any other input's is, as given, in the incident file and the report,
 * where the credential rules that mask output would not reach it.
 */
function checkScalar(type: string, raw: string, spec: Pick<InputSpec, "values" | "min" | "max" | "pattern">): string | undefined {
  return checkType(type, raw, spec) ?? (type === "secret" ? undefined : credentialIn(raw));
}

function credentialIn(raw: string): string | undefined {
  const what = KEY_BEGIN.test(raw) ? "a private key" : masked(raw) !== raw ? `masked: ${show(raw)}` : undefined;
  return what && `holds a credential (${what}): this input's value is written to the incident file and the report as given; a credential belongs in a secret input`;
}

function checkType(type: string, raw: string, spec: Pick<InputSpec, "values" | "min" | "max" | "pattern">): string | undefined {
  switch (type) {
    case "name":
      if (raw.length > 63 || !DNS_LABEL.test(raw)) return `expected a name (${NAME_RULE}), got ${show(raw)}`;
      return undefined;
    case "enum": {
      const allowed = (spec.values ?? []).map(String);
      return allowed.includes(raw) ? undefined : `expected one of ${allowed.join(" | ")}, got ${show(raw)}`;
    }
    case "int": {
      if (!/^-?\d+$/.test(raw.trim())) return `expected a whole number, got ${show(raw)}`;
      const n = Number(raw);
      if (spec.min !== undefined && n < spec.min) return `must be at least ${spec.min}, got ${n}`;
      if (spec.max !== undefined && n > spec.max) return `must be at most ${spec.max}, got ${n}`;
      return undefined;
    }
    case "duration":
      return parseDuration(raw) === undefined ? `expected a duration such as 30s, 5m or 1h30m, got ${show(raw)}` : undefined;
    case "url": {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return `expected a URL such as http://host:port/path, got ${show(raw)}`;
      }
      return url.host === "" && url.protocol !== "file:" ? `expected a URL such as http://host:port/path, got ${show(raw)}` : undefined;
    }
    case "secret":
    case "string":
      if (raw.includes("\0")) return "must not contain a NUL byte";
      if (type === "secret" && raw.length > 0 && raw.length < MIN_SECRET_CHARS) {
        return `a secret of ${raw.length} character${raw.length === 1 ? "" : "s"} cannot be masked in output (masking it would hide ordinary text wherever it occurs); use ${MIN_SECRET_CHARS} or more`;
      }
      if (spec.pattern === undefined) return undefined;
      switch (testWithDeadline(new RegExp(inputPattern(spec.pattern)), raw)) {
        case true:
          return undefined;
        case false:
          return `expected text matching /${spec.pattern}/, got ${type === "secret" ? "(hidden)" : show(raw)}`;
        default:
          return `the pattern /${spec.pattern}/ took more than ${REGEX_DEADLINE_MS / 1000} s on this value and was stopped (catastrophic backtracking?)`;
      }
    default:
      return `unknown input type ${type}`;
  }
}

/** Validate one value for an input; lists accept a list or comma-separated text. */
export function checkInputValue(spec: InputSpec, value: unknown): CheckResult {
  if (spec.type === "list") {
    const items = Array.isArray(value)
      ? value.map((v) => String(v).trim())
      : String(value ?? "").split(",").map((v) => v.trim()).filter((v) => v !== "");
    const itemType = spec.items ?? "name";
    for (const [i, item] of items.entries()) {
      if (/\s/.test(item)) return { ok: false, message: `item ${i + 1} must not contain white space, got ${show(item)}` };
      const problem = checkScalar(itemType, item, spec);
      if (problem !== undefined) return { ok: false, message: `item ${i + 1}: ${problem}` };
    }
    if (new Set(items).size !== items.length) return { ok: false, message: "items must not repeat" };
    return { ok: true, value: items };
  }
  if (Array.isArray(value)) return { ok: false, message: `expected a single value, got a list` };
  if (value === null || value === undefined) return { ok: false, message: "a value is required" };
  const raw = String(value);
  if (raw === "" && spec.required !== false) return { ok: false, message: "a value is required" };
  // An optional input left empty is not checked against its type (an empty URL is "not given", not a bad URL).
  if (raw === "" && spec.required === false) return { ok: true, value: raw };
  const problem = checkScalar(spec.type, raw, spec);
  return problem === undefined ? { ok: true, value: raw } : { ok: false, message: problem };
}

/**
 * The values HANDRAIL_INPUT_<NAME> gives these inputs, each checked by type as if typed; a bad one is
 * left out, with a problem that names its variable. Pure: the caller passes the environment.
 */
export function inputsFromEnv(specs: Readonly<Record<string, InputSpec>>, env: Readonly<Record<string, string | undefined>>): { values: Record<string, InputValue>; problems: string[] } {
  const values: Record<string, InputValue> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const variable = inputVariable(name);
    const raw = env[variable];
    if (raw === undefined) continue;
    const checked = checkInputValue(spec, raw);
    if (checked.ok) values[name] = checked.value;
    else problems.push(`${variable}: ${checked.message}`);
  }
  return { values, problems };
}

/** The secret inputs among these. */
export function secretSpecs(specs: Readonly<Record<string, InputSpec>> = {}, names?: readonly string[]): Record<string, InputSpec> {
  return Object.fromEntries(Object.entries(specs).filter(([name, spec]) => spec.type === "secret" && (names === undefined || names.includes(name))));
}

/** The environment variable form: lists are space-separated so `for p in $participants` works. */
export function inputToEnv(value: InputValue): string {
  return Array.isArray(value) ? value.join(" ") : value;
}

/** The kube target an incident opens against: inputs named after it default to it (what the steps will target). */
export interface KubeDefaults {
  /** The namespace --namespace or the kube context names (not a fallback). */
  namespace?: string;
  context?: string;
}

/** An input's default: `namespace` / `context` inputs follow the kube target, others the runbook's default. */
export function defaultFor(name: string, spec: InputSpec, kube: KubeDefaults = {}): InputSpec["default"] {
  if (name === "namespace" && kube.namespace !== undefined) return kube.namespace;
  if (name === "context" && kube.context !== undefined) return kube.context;
  return spec.default;
}

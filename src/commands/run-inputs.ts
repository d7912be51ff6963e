/**
 * What the command line gives a run: NAME=VALUE pairs, the severity, the inputs (from --set and
 * HANDRAIL_INPUT_<NAME>, checked by type before anything runs) and the options chosen up front.
 * The flag or variable is named in every error (exit 2). Shared by `run`, the console and drills.
 */
import { UsageError } from "../errors.js";
import { optionsFor } from "../incident/plan.js";
import { checkInputValue, defaultFor, inputsFromEnv, inputVariable, secretSpecs, type InputValue, type KubeDefaults } from "../runbooks/inputs.js";
import type { Runbook } from "../runbooks/schema.js";
import { SEVERITIES, type Severity } from "../runbooks/severity.js";
import { didYouMean } from "../runbooks/suggest.js";

/** `k=v` pairs from repeated flags; the flag is named in every error. */
export function parsePairs(flag: string, pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag} ${pair}: expected NAME=VALUE`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export function parseSeverity(value: string | undefined, fallback: Severity): Severity {
  if (value === undefined) return fallback;
  if ((SEVERITIES as readonly string[]).includes(value)) return value as Severity;
  throw new UsageError(`--severity ${value}: expected ${SEVERITIES.join(" | ")}${didYouMean(value, SEVERITIES)}`);
}

/** The inputs the flags and HANDRAIL_INPUT_<NAME> give, checked as for run; the rest is left for the start screen to ask. */
export function givenInputs(runbook: Runbook, pairs: Record<string, string>, env: Record<string, string | undefined>, warn: (line: string) => void): Record<string, InputValue> {
  const specs = runbook.inputs ?? {};
  const named = Object.keys(specs).filter((n) => pairs[n] !== undefined || env[inputVariable(n)] !== undefined);
  // An unknown name is refused against the whole runbook (with its list of inputs), then only the given ones are checked.
  resolveUnknown(runbook, pairs);
  return resolveInputs({ ...runbook, inputs: Object.fromEntries(named.map((n) => [n, specs[n]!])) }, pairs, env, warn);
}

function resolveUnknown(runbook: Runbook, given: Record<string, unknown>): void {
  const specs = runbook.inputs ?? {};
  for (const name of Object.keys(given)) {
    if (!specs[name]) throw new UsageError(`--set ${name}: the runbook ${runbook.id} has no input "${name}"${didYouMean(name, Object.keys(specs))}`, `Its inputs: ${Object.keys(specs).join(", ") || "none"}`);
  }
}

/** Every input checked by type before anything runs; secrets may come from HANDRAIL_INPUT_<NAME>. */
export function resolveInputs(runbook: Runbook, given: Record<string, string | string[]>, env: Record<string, string | undefined>, warn: (line: string) => void = () => undefined, kube: KubeDefaults = {}): Record<string, InputValue> {
  const specs = runbook.inputs ?? {};
  for (const name of Object.keys(given)) {
    if (specs[name]?.type === "secret") warn(`warning: --set ${name} puts a secret in your shell history; use ${inputVariable(name)} instead`);
  }
  resolveUnknown(runbook, given);
  const values: Record<string, InputValue> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const fromEnv = env[inputVariable(name)];
    const fallback = defaultFor(name, spec, kube);
    const raw = given[name] ?? fromEnv ?? (fallback !== undefined ? fallback : undefined);
    if (raw === undefined) {
      if (spec.required === false) continue;
      problems.push(`--set ${name}=…: required${spec.prompt ? ` (${spec.prompt})` : ""}${spec.type === "enum" ? `, one of ${(spec.values ?? []).join(" | ")}` : ""}${spec.type === "secret" ? `; or set ${inputVariable(name)}` : ""}`);
      continue;
    }
    const checked = checkInputValue(spec, raw);
    if (checked.ok) values[name] = checked.value;
    else {
      // The problem is named where the value came from.
      const source = given[name] !== undefined ? `--set ${name}` : fromEnv !== undefined ? inputVariable(name) : `${name} (its default)`;
      problems.push(`${source}: ${checked.message}`);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join("\n  "), "Nothing was run.");
  return values;
}

export function parseOptions(runbook: Runbook, severity: Severity, pairs: Record<string, string>): Record<string, string> {
  for (const [phaseId, optionId] of Object.entries(pairs)) {
    const phase = runbook.phases.find((p) => p.id === phaseId);
    if (!phase?.options) {
      const withOptions = runbook.phases.filter((p) => p.options).map((p) => p.id);
      throw new UsageError(`--option ${phaseId}=${optionId}: no phase "${phaseId}" with options${didYouMean(phaseId, withOptions)}`, `Phases with options: ${withOptions.join(", ") || "none"}`);
    }
    const allowed = optionsFor(phase, severity).map((o) => o.id);
    if (!allowed.includes(optionId)) throw new UsageError(`--option ${phaseId}=${optionId}: expected ${allowed.join(" | ")} (for severity ${severity})${didYouMean(optionId, allowed)}`);
  }
  return pairs;
}

/** Secret values given again on resume, from HANDRAIL_INPUT_<NAME> (never from the file). */
export function secretsFromEnv(runbook: Runbook, env: Record<string, string | undefined>): Record<string, string> {
  // Checked as on the first run: one too short to mask would be written in the clear.
  const { values, problems } = inputsFromEnv(secretSpecs(runbook.inputs), env);
  if (problems.length > 0) throw new UsageError(problems.join("\n  "), "Nothing was run.");
  return values as Record<string, string>;
}

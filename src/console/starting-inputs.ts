/** What the start screen begins from: the inputs given, and what the environment gives or suggests. */
import { inputsFromEnv, inputVariable, secretSpecs, type InputValue } from "../runbooks/inputs.js";
import type { Runbook } from "../runbooks/schema.js";

export interface StartingInputs {
  inputs: Record<string, InputValue>;
  /** Secrets their HANDRAIL_INPUT_<NAME> gave: not asked, and said so. */
  fromEnv: Array<{ name: string; variable: string }>;
  /** What a prompt starts from instead of its default. */
  suggested: Record<string, InputValue>;
  /** Why a variable was not taken (the variable named): its input is asked instead. */
  problems: string[];
}

/**
 * `given` undefined: picked on home. HANDRAIL_INPUT_<NAME> gives a secret, as it does to open and run (never
 * typed, never in the shell's history); any other input's value from there is what its prompt starts from,
 * seen before it is taken. `given`: what `open`'s command layer took from --set and the variables; a secret
 * equal to its variable's value came from there.
 */
export function startingInputs(runbook: Runbook, given: Record<string, InputValue> | undefined, env: Readonly<Record<string, string | undefined>>): StartingInputs {
  const secretNames = Object.keys(secretSpecs(runbook.inputs));
  const named = (names: string[]) => names.map((name) => ({ name, variable: inputVariable(name) }));
  if (given !== undefined) {
    return { inputs: given, fromEnv: named(secretNames.filter((n) => given[n] !== undefined && given[n] === env[inputVariable(n)])), suggested: {}, problems: [] };
  }
  const fromVariables = inputsFromEnv(runbook.inputs ?? {}, env);
  const secrets = secretNames.filter((n) => fromVariables.values[n] !== undefined);
  return {
    inputs: Object.fromEntries(secrets.map((n) => [n, fromVariables.values[n]!])),
    fromEnv: named(secrets),
    suggested: Object.fromEntries(Object.entries(fromVariables.values).filter(([n]) => !secrets.includes(n))),
    problems: fromVariables.problems,
  };
}

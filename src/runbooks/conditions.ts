/**
 * Conditions a runbook states about an incident, evaluated when the walk reaches them: on its
 * inputs, its severity and the results of earlier steps, combined with `all` / `any` / `not`.
 * Used by `when:` (steps, phases, options), `recommended:` and `production:`. Pure.
 */
import type { Severity } from "./severity.js";

/** What a step came to, as a condition names it; `not-run` when the walk has not run it (or skipped it). */
export const STEP_RESULTS = ["passed", "found", "failed", "error", "timeout", "cancelled", "skipped", "interrupted", "not-run"] as const;
export type StepResultName = (typeof STEP_RESULTS)[number];

/** The text tests a condition may ask of an earlier step's standard output (judged over all of it). */
export interface TextTest {
  contains?: string | string[];
  notContains?: string | string[];
  matches?: string;
}

export type Condition =
  | { input: string; equals?: string | number | boolean; in?: Array<string | number | boolean>; matches?: string }
  | { severity: Severity | Severity[] }
  | { step: string; status?: StepResultName | StepResultName[]; stdout?: TextTest }
  /** The option taken at an earlier phase's choice: `{ chosen: diagnose, equals: staging-health }`. */
  | { chosen: string; equals?: string; in?: string[] }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

/** One step's result as conditions see it: its status and the stdout tests it was judged on (by `factKey`). */
export interface StepFact {
  status: StepResultName;
  facts?: Readonly<Record<string, boolean>>;
}

export interface ConditionFacts {
  inputs: Readonly<Record<string, string | string[]>>;
  severity: Severity;
  /** Every repetition of a step id (`deploy[curve]`, `deploy[scenario]`), or the one step with that key. */
  steps?: (idOrKey: string) => StepFact[];
  /** phase id → the option taken at its choice. */
  chosen?: Readonly<Record<string, string>>;
}

const text = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(" ") : (v ?? ""));
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The key a stdout test is recorded under in `step.finished.facts`. */
export function factKey(test: TextTest): string {
  return JSON.stringify(test);
}

/** Whether the condition holds for these facts. An input condition without a test holds when the input is set and not empty. */
export function holds(c: Condition, facts: ConditionFacts): boolean {
  if ("all" in c) return c.all.every((x) => holds(x, facts));
  if ("any" in c) return c.any.some((x) => holds(x, facts));
  if ("not" in c) return !holds(c.not, facts);
  if ("severity" in c) return list(c.severity).includes(facts.severity);
  if ("chosen" in c) {
    const taken = facts.chosen?.[c.chosen];
    if (taken === undefined) return false;
    return (c.equals === undefined || taken === c.equals) && (c.in === undefined || c.in.includes(taken));
  }
  if ("step" in c) {
    const results = facts.steps?.(c.step) ?? [];
    const seen: StepFact[] = results.length > 0 ? results : [{ status: "not-run" }];
    // A step repeated for each item (forEach) holds when one of its repetitions does: "a participant failed".
    return seen.some((r) => (c.status === undefined || list(c.status).includes(r.status)) && (c.stdout === undefined || r.facts?.[factKey(c.stdout)] === true));
  }
  const value = text(facts.inputs[c.input]);
  if (c.equals !== undefined && value !== String(c.equals)) return false;
  if (c.in !== undefined && !c.in.map(String).includes(value)) return false;
  if (c.matches !== undefined && !new RegExp(`^(?:${c.matches})$`).test(value)) return false;
  return c.equals !== undefined || c.in !== undefined || c.matches !== undefined || value !== "";
}

/** The condition and what it saw, in words for the log and the screen: `environment is "staging" (wanted production)`. */
export function explain(c: Condition, facts: ConditionFacts): string {
  if ("all" in c) return c.all.map((x) => explain(x, facts)).join(" and ");
  if ("any" in c) return `one of (${c.any.map((x) => explain(x, facts)).join("; ")})`;
  if ("not" in c) return `not (${explain(c.not, facts)})`;
  if ("severity" in c) return `severity is ${facts.severity} (${holds(c, facts) ? "" : "not "}${list(c.severity).join(" or ")})`;
  if ("chosen" in c) return `${c.chosen} chose ${facts.chosen?.[c.chosen] ?? "nothing yet"} (wanted ${c.equals ?? c.in?.join(" or ") ?? "a choice"})`;
  if ("step" in c) {
    const seen = facts.steps?.(c.step) ?? [];
    const statuses = seen.length > 0 ? [...new Set(seen.map((r) => r.status))].join(", ") : "not run";
    const wanted = [c.status !== undefined ? list(c.status).join(" or ") : "", c.stdout !== undefined ? `stdout ${JSON.stringify(c.stdout)}` : ""].filter(Boolean).join(", ");
    return `step ${c.step} is ${statuses}${wanted ? ` (wanted ${wanted})` : ""}`;
  }
  const wanted = c.equals !== undefined ? String(c.equals) : c.in !== undefined ? c.in.join(" or ") : c.matches !== undefined ? `/${c.matches}/` : "set";
  return `${c.input} is ${JSON.stringify(text(facts.inputs[c.input]))} (wanted ${wanted})`;
}

/** Every stdout test the conditions ask of a step id, anywhere in a list of conditions. */
export function stdoutTestsOf(conditions: ReadonlyArray<Condition | undefined>, stepId: string): TextTest[] {
  const out = new Map<string, TextTest>();
  const visit = (c: Condition | undefined): void => {
    if (!c) return;
    if ("all" in c) c.all.forEach(visit);
    else if ("any" in c) c.any.forEach(visit);
    else if ("not" in c) visit(c.not);
    else if ("step" in c && c.stdout && c.step.replace(/\[.*\]$/, "") === stepId) out.set(factKey(c.stdout), c.stdout);
  };
  conditions.forEach(visit);
  return [...out.values()];
}

/** Whether a condition reads earlier steps (and so cannot be decided before the walk gets there). */
export function readsSteps(c: Condition | undefined): boolean {
  if (!c) return false;
  if ("all" in c) return c.all.some(readsSteps);
  if ("any" in c) return c.any.some(readsSteps);
  if ("not" in c) return readsSteps(c.not);
  return "step" in c || "chosen" in c;
}

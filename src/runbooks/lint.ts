/** Checks the schema cannot express: ids, references between fields, input defaults, typos in `$name`. */
import { checkEscalations, inputNames, BUILTIN_VARIABLES, NOTIFY_VARIABLES } from "./lint-names.js";
import { checkConditions } from "./lint-conditions.js";
import { checkGotos } from "./lint-goto.js";
import { modelOfRunbook, type LintModel, type StepSlot } from "./lint-model.js";
import type { PathSegment } from "./problems.js";
import { checkInputValue, inputPattern } from "./inputs.js";
import { catastrophicBacktracking } from "./patterns.js";
import { scriptAssignments, scriptReferences, templateReferences } from "./script-vars.js";
import type { InputSpec, Runbook, Step, StepKind } from "./schema.js";
import { closest } from "./suggest.js";
import { underOneDeadline } from "../util/regex-deadline.js";

export { BUILTIN_VARIABLES, NOTIFY_VARIABLES } from "./lint-names.js";

export interface LintProblem {
  path: PathSegment[];
  message: string;
  /** Text inside the field to point at (a misspelt `$name`), when the field is long. */
  token?: string;
  atKey?: boolean;
}

// A default is checked against these: not while one of them is broken.
const SHAPES_A_VALUE = ["values", "items", "min", "max", "pattern", "required"];

/** Each input's fields fit its type, and its default is a value it accepts. */
function checkInputs(model: LintModel, out: LintProblem[]): void {
  const defaults: Array<{ name: string; spec: InputSpec & { default: NonNullable<InputSpec["default"]> } }> = [];
  for (const { name, spec: partial, broken } of model.inputs) {
    const at = (field: string): PathSegment[] => ["inputs", name, field];
    if ((BUILTIN_VARIABLES as readonly string[]).includes(name)) {
      out.push({ path: ["inputs", name], atKey: true, message: `"${name}" is set by handrail itself; choose another name` });
    }
    // Every other check reads the type: without one that parsed, each would guess.
    if (partial?.type === undefined) continue;
    const spec = partial as InputSpec;
    if (spec.type === "enum" && spec.values === undefined && !broken.has("values")) out.push({ path: ["inputs", name], message: "an enum input needs values" });
    if (spec.type !== "enum" && spec.values !== undefined) out.push({ path: at("values"), atKey: true, message: `values apply to enum inputs, not ${spec.type}` });
    if (spec.type !== "list" && spec.items !== undefined) out.push({ path: at("items"), atKey: true, message: `items applies to list inputs, not ${spec.type}` });
    if (spec.type !== "int" && (spec.min !== undefined || spec.max !== undefined)) {
      out.push({ path: at(spec.min !== undefined ? "min" : "max"), atKey: true, message: `min and max apply to int inputs, not ${spec.type}` });
    }
    if (spec.pattern !== undefined) {
      if (spec.type !== "string") out.push({ path: at("pattern"), atKey: true, message: `pattern applies to string inputs, not ${spec.type}` });
      else {
        checkRegex(spec.pattern, at("pattern"), out, { wrap: inputPattern });
      }
    }
    if (spec.default !== undefined && !SHAPES_A_VALUE.some((f) => broken.has(f))) {
      if (spec.type === "secret") {
        out.push({ path: at("default"), atKey: true, message: "a secret must not have a default: it would be stored in the runbook" });
        continue;
      }
      defaults.push({ name, spec: spec as InputSpec & { default: NonNullable<InputSpec["default"]> } });
    }
  }
  // A default is matched against its pattern: all of them under one deadline (a vm call each costs more than the match).
  const results = underOneDeadline(() => defaults.map(({ spec }) => checkInputValue(spec, spec.default)));
  results.forEach((result, i) => {
    if (!result.ok) out.push({ path: ["inputs", defaults[i]!.name, "default"], message: `bad default: ${result.message}` });
  });
}

function checkIds(model: LintModel, out: LintProblem[]): Set<string> {
  const phaseIds = new Map<string, PathSegment[]>();
  for (const phase of model.phases) {
    if (phase.id !== undefined) {
      const first = phaseIds.get(phase.id);
      if (first !== undefined) out.push({ path: [...phase.path, "id"], message: `duplicate phase id "${phase.id}" (first at ${pathText(first)})` });
      else phaseIds.set(phase.id, phase.path);
    }
    const optionIds = new Set<string>();
    for (const option of phase.options) {
      if (option.id === undefined) continue;
      if (optionIds.has(option.id)) out.push({ path: [...option.path, "id"], message: `duplicate option id "${option.id}" in phase "${phase.id ?? pathText(phase.path)}"` });
      optionIds.add(option.id);
    }
  }
  // The first path of each id, written out only for a duplicate.
  const stepIds = new Map<string, PathSegment[]>();
  for (const { step, path } of model.steps) {
    if (step.id === undefined) continue;
    const first = stepIds.get(step.id);
    if (first !== undefined) out.push({ path: [...path, "id"], message: `duplicate step id "${step.id}" (first at ${pathText(first)})` });
    else stepIds.set(step.id, path);
  }
  return new Set(stepIds.keys());
}

function pathText(path: PathSegment[]): string {
  return path.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("").replace(/^\./, "");
}

/** A pattern must compile and must not backtrack catastrophically; `flags` and `wrap` as it will run. */
function checkRegex(pattern: string | undefined, path: PathSegment[], out: LintProblem[], how: { flags?: string; wrap?: (p: string) => string } = {}): void {
  if (pattern === undefined) return;
  try {
    // Compiled as written, so the message shows the author's pattern (no flags, no wrapping).
    new RegExp(pattern);
  } catch (e) {
    out.push({ path, message: `not a valid regular expression: ${(e as Error).message}` });
    return;
  }
  const why = catastrophicBacktracking(how.wrap ? how.wrap(pattern) : pattern, how.flags);
  if (why !== undefined) out.push({ path, message: `/${pattern}/ ${why}` });
}

/**
 * The step checks below run for every step of every runbook `validate` reads, nearly always finding
 * nothing: they are written to be cheap to run and to compile (V8 compiles each hot function once per
 * thread). No closure is made per step, no loop runs over a list written in place (TurboFan peels
 * each such loop, and three nested ones multiplied the code), and a problem's path is built only
 * when there is a problem.
 */

/** What the step checks of one runbook share. */
interface StepChecks {
  model: LintModel;
  out: LintProblem[];
  names: string[];
  listInputs: Set<string>;
  typeOf: Map<string, InputSpec["type"] | undefined>;
  /**
   * The names a step may use depend only on whether it loops and whether it notifies: four sets, built
   * when first needed, each with the nearest known name of the unknown ones met so far (a script's own
   * $pod recurs step after step), indexed by knownNames.
   */
  known: Array<KnownNames | undefined>;
}

interface KnownNames {
  names: Set<string>;
  nearest: Map<string, string | undefined>;
}

function knownNames(c: StepChecks, looped: boolean, notify: boolean): KnownNames {
  const i = (looped ? 2 : 0) + (notify ? 1 : 0);
  let known = c.known[i];
  if (known === undefined) {
    known = { names: new Set<string>([...c.names, ...BUILTIN_VARIABLES.filter((v) => v !== "item" || looped), ...(notify ? NOTIFY_VARIABLES : [])]), nearest: new Map() };
    c.known[i] = known;
  }
  return known;
}

function checkForEach(c: StepChecks, forEach: string | undefined, reverse: boolean | undefined, path: PathSegment[], forEachWritten: boolean): void {
  if (forEach !== undefined && !c.listInputs.has(forEach) && c.model.inputNamesKnown) {
    const type = c.typeOf.get(forEach);
    // An input whose type did not parse may well be the list meant: its type is already reported.
    if (!(c.typeOf.has(forEach) && type === undefined)) {
      const hint = closest(forEach, c.listInputs);
      const what = type !== undefined ? `input "${forEach}" is a ${type}, not a list` : `no list input named "${forEach}"`;
      c.out.push({ path: [...path, "forEach"], message: `${what}${hint ? ` (did you mean "${hint}"?)` : ""}` });
    }
  }
  if (reverse !== undefined && !forEachWritten) c.out.push({ path: [...path, "reverse"], atKey: true, message: "reverse applies only with forEach" });
}

/** An `expect:` or `found:` block's fields that a step of this kind has nothing for. */
function checkOutputFit(check: NonNullable<Step["expect"]>, field: "expect" | "found", kind: StepKind, path: PathSegment[], out: LintProblem[]): void {
  if (kind !== "http") {
    if (check.status !== undefined) outputMisfit(field, "status", kind, path, out);
    if (check.json !== undefined) outputMisfit(field, "json", kind, path, out);
    if (check.latencyMs !== undefined) outputMisfit(field, "latencyMs", kind, path, out);
  }
  if (check.exitCode !== undefined && kind !== "run") outputMisfit(field, "exitCode", kind, path, out);
  if (kind === "manual" || kind === "notify") out.push({ path: [...path, field], atKey: true, message: `a ${kind} step has no output to check` });
}

function outputMisfit(field: string, f: string, kind: StepKind, path: PathSegment[], out: LintProblem[]): void {
  out.push({ path: [...path, field, f], atKey: true, message: `${field}.${f} applies to ${f === "exitCode" ? "run" : "http"} steps, not ${kind}` });
}

/** The checks that read the step's kind: only made when the kind is certain. */
function checkKindFit(step: Partial<Step>, kind: StepKind, path: PathSegment[], out: LintProblem[]): void {
  if (step.interactive && kind !== "run") out.push({ path: [...path, "interactive"], atKey: true, message: `interactive applies to run steps, not ${kind}` });
  if (step.detach && kind !== "run") out.push({ path: [...path, "detach"], atKey: true, message: `detach applies to run steps, not ${kind}` });
  if (step.expect) checkOutputFit(step.expect, "expect", kind, path, out);
  if (step.found) checkOutputFit(step.found, "found", kind, path, out);
}

/** Output patterns run with "m" (^ and $ at line ends), whether per line or across lines. */
function checkOutputPatterns(check: NonNullable<Step["expect"]>, field: "expect" | "found", path: PathSegment[], out: LintProblem[]): void {
  const { stdout, stderr } = check;
  if (stdout?.matches !== undefined) checkRegex(stdout.matches, [...path, field, "stdout", "matches"], out, { flags: "m" });
  if (stdout?.notMatches !== undefined) checkRegex(stdout.notMatches, [...path, field, "stdout", "notMatches"], out, { flags: "m" });
  if (stderr?.matches !== undefined) checkRegex(stderr.matches, [...path, field, "stderr", "matches"], out, { flags: "m" });
  if (stderr?.notMatches !== undefined) checkRegex(stderr.notMatches, [...path, field, "stderr", "notMatches"], out, { flags: "m" });
}

/** The nearest known name when `name` looks like a typo of one; undefined when it is known or not a likely typo. */
function misspelt(c: StepChecks, known: KnownNames, name: string): string | undefined {
  if (known.names.has(name) || name === name.toUpperCase()) return undefined;
  if (name === "item") return "item";
  if (!c.model.inputNamesKnown) return undefined;
  if (!known.nearest.has(name)) known.nearest.set(name, closest(name, known.names));
  return known.nearest.get(name);
}

function reportName(c: StepChecks, hint: string, name: string, token: string, where: PathSegment[]): void {
  const message = hint === "item" && name === "item" ? `"$item" is only set inside a step or phase with forEach` : `"$${name}" is not an input (did you mean "$${hint}"?)`;
  c.out.push({ path: where, token, message });
}

/** A `$name` in a text handrail substitutes itself (`sub` is the field's path under the step). */
function checkText(c: StepChecks, known: KnownNames, text: unknown, path: PathSegment[], ...sub: PathSegment[]): void {
  // A text without a `$` has no reference to check: most have none.
  if (typeof text !== "string" || !text.includes("$")) return;
  for (const ref of templateReferences(text)) {
    const hint = misspelt(c, known, ref.name);
    if (hint !== undefined) reportName(c, hint, ref.name, ref.token, [...path, ...sub]);
  }
}

/** The text fields of a step that handrail substitutes `$name` in. */
function checkTemplateFields(c: StepChecks, known: KnownNames, step: Partial<Step>, path: PathSegment[]): void {
  checkText(c, known, step.manual, path, "manual");
  checkText(c, known, step.target, path, "target");
  if (step.notify) {
    checkText(c, known, step.notify.message, path, "notify", "message");
    checkText(c, known, step.notify.title, path, "notify", "title");
  }
  if (step.k8s) for (const k in step.k8s) checkText(c, known, (step.k8s as Record<string, unknown>)[k], path, "k8s", k);
  const http = step.http;
  if (http) {
    checkText(c, known, http.url, path, "http", "url");
    checkText(c, known, http.body, path, "http", "body");
    if (http.headers) for (const k in http.headers) checkText(c, known, http.headers[k], path, "http", "headers", k);
    if (http.query) for (const k in http.query) checkText(c, known, http.query[k], path, "http", "query", k);
  }
}

function checkScript(c: StepChecks, known: KnownNames, script: string, path: PathSegment[]): void {
  // What the script assigns matters only for a reference that looks like a typo: rare, so found then.
  let assigned: Set<string> | undefined;
  for (const ref of scriptReferences(script)) {
    const hint = misspelt(c, known, ref.name);
    if (hint === undefined) continue;
    assigned ??= scriptAssignments(script);
    if (!assigned.has(ref.name)) reportName(c, hint, ref.name, ref.token, [...path, "run"]);
  }
}

function checkStep(c: StepChecks, slot: StepSlot): void {
  const { step, broken, kind, path, phase } = slot;
  const out = c.out;
  const stepLoops = step.forEach !== undefined || broken.has("forEach");
  if (step.forEach !== undefined || step.reverse !== undefined) checkForEach(c, step.forEach, step.reverse, path, stepLoops);
  if (step.forEach !== undefined && phase.forEach !== undefined) {
    out.push({ path: [...path, "forEach"], message: `phase "${phase.id ?? pathText(phase.path)}" already repeats for each ${phase.forEach}; forEach does not nest` });
  }
  if (kind !== undefined) checkKindFit(step, kind, path, out);
  if (step.detach && step.interactive) out.push({ path: [...path, "detach"], atKey: true, message: "an interactive step runs in handrail's own process group; it cannot detach" });
  if (step.interactive && step.expect?.stdout) out.push({ path: [...path, "expect", "stdout"], atKey: true, message: "an interactive step's output goes to the terminal and cannot be checked" });
  if (step.expect) checkOutputPatterns(step.expect, "expect", path, out);
  if (step.found) {
    checkOutputPatterns(step.found, "found", path, out);
    if (step.interactive) out.push({ path: [...path, "found"], atKey: true, message: "an interactive step's output goes to the terminal and cannot be checked" });
  }
  const known = knownNames(c, stepLoops || phase.looped, step.notify !== undefined || broken.has("notify"));
  if (step.run !== undefined) checkScript(c, known, step.run, path);
  checkTemplateFields(c, known, step, path);
}

function checkSteps(model: LintModel, out: LintProblem[]): void {
  const c: StepChecks = {
    model,
    out,
    names: inputNames(model),
    listInputs: new Set(model.inputs.filter((i) => i.spec?.type === "list").map((i) => i.name)),
    typeOf: new Map(model.inputs.map((i) => [i.name, i.spec?.type])),
    known: [undefined, undefined, undefined, undefined],
  };
  for (const phase of model.phases) checkForEach(c, phase.forEach, phase.reverse, phase.path, phase.looped);
  for (const slot of model.steps) checkStep(c, slot);
}

/** Every semantic problem of the parts of a runbook that parsed (all of it, once the schema passed). */
export function lintModel(model: LintModel): LintProblem[] {
  const out: LintProblem[] = [];
  checkInputs(model, out);
  const stepIds = checkIds(model, out);
  checkGotos(model, stepIds, out);
  checkSteps(model, out);
  checkEscalations(model, out);
  return out;
}

/** Every semantic problem of a runbook that already passed the schema. */
export function lintRunbook(runbook: Runbook): LintProblem[] {
  const regex = (pattern: string | undefined, path: PathSegment[]) => {
    const out: LintProblem[] = [];
    checkRegex(pattern, path, out, { wrap: inputPattern });
    return out;
  };
  return [...lintModel(modelOfRunbook(runbook)), ...checkConditions(runbook, regex)];
}

/** Checks the schema cannot express: ids, references between fields, input defaults, typos in `$name`. */
import { checkEscalations, inputNames, BUILTIN_VARIABLES, NOTIFY_VARIABLES } from "./lint-names.js";
import { checkConditions } from "./lint-conditions.js";
import { checkGotos } from "./lint-goto.js";
import { modelOfRunbook, type LintModel } from "./lint-model.js";
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

/** The text fields of a step that handrail substitutes `$name` in and that name some, with their paths. */
function templateFields(step: Partial<Step>, path: PathSegment[]): Array<[string, PathSegment[]]> {
  const fields: Array<[string, PathSegment[]]> = [];
  // A text without a `$` has no reference to check: most have none, and each would cost a path.
  const add = (value: unknown, sub: PathSegment[]) => {
    if (typeof value === "string" && value.includes("$")) fields.push([value, [...path, ...sub]]);
  };
  add(step.manual, ["manual"]);
  add(step.target, ["target"]);
  add(step.notify?.message, ["notify", "message"]);
  add(step.notify?.title, ["notify", "title"]);
  for (const [k, v] of Object.entries(step.k8s ?? {})) add(v, ["k8s", k]);
  if (step.http) {
    add(step.http.url, ["http", "url"]);
    add(step.http.body, ["http", "body"]);
    for (const [k, v] of Object.entries(step.http.headers ?? {})) add(v, ["http", "headers", k]);
    for (const [k, v] of Object.entries(step.http.query ?? {})) add(v, ["http", "query", k]);
  }
  return fields;
}

/** The checks that read the step's kind: only made when the kind is certain. */
function checkKindFit(step: Partial<Step>, kind: StepKind, path: PathSegment[], out: LintProblem[]): void {
  if (step.interactive && kind !== "run") out.push({ path: [...path, "interactive"], atKey: true, message: `interactive applies to run steps, not ${kind}` });
  if (step.detach && kind !== "run") out.push({ path: [...path, "detach"], atKey: true, message: `detach applies to run steps, not ${kind}` });
  for (const field of ["expect", "found"] as const) {
    const expect = step[field];
    if (!expect) continue;
    for (const f of ["status", "json", "latencyMs"] as const) {
      if (expect[f] !== undefined && kind !== "http") out.push({ path: [...path, field, f], atKey: true, message: `${field}.${f} applies to http steps, not ${kind}` });
    }
    if (expect.exitCode !== undefined && kind !== "run") out.push({ path: [...path, field, "exitCode"], atKey: true, message: `${field}.exitCode applies to run steps, not ${kind}` });
    if (kind === "manual" || kind === "notify") out.push({ path: [...path, field], atKey: true, message: `a ${kind} step has no output to check` });
  }
}

function checkSteps(model: LintModel, out: LintProblem[]): void {
  const names = inputNames(model);
  const listInputs = new Set(model.inputs.filter((i) => i.spec?.type === "list").map((i) => i.name));
  const typeOf = new Map(model.inputs.map((i) => [i.name, i.spec?.type]));
  const checkForEach = (forEach: string | undefined, reverse: boolean | undefined, path: PathSegment[], forEachWritten: boolean) => {
    if (forEach !== undefined && !listInputs.has(forEach) && model.inputNamesKnown) {
      const type = typeOf.get(forEach);
      // An input whose type did not parse may well be the list meant: its type is already reported.
      if (typeOf.has(forEach) && type === undefined) return;
      const hint = closest(forEach, listInputs);
      const what = type !== undefined ? `input "${forEach}" is a ${type}, not a list` : `no list input named "${forEach}"`;
      out.push({ path: [...path, "forEach"], message: `${what}${hint ? ` (did you mean "${hint}"?)` : ""}` });
    }
    if (reverse !== undefined && !forEachWritten) out.push({ path: [...path, "reverse"], atKey: true, message: "reverse applies only with forEach" });
  };
  for (const phase of model.phases) checkForEach(phase.forEach, phase.reverse, phase.path, phase.looped);

  // The names a step may use depend only on whether it loops and whether it notifies: four sets, built once,
  // each with the nearest known name of the unknown ones met so far (a script's own $pod recurs step after step).
  const knownSets = new Map<string, { names: Set<string>; nearest: Map<string, string | undefined> }>();
  const knownFor = (looped: boolean, notify: boolean) => {
    const key = `${looped}/${notify}`;
    let known = knownSets.get(key);
    if (known === undefined) {
      known = { names: new Set<string>([...names, ...BUILTIN_VARIABLES.filter((v) => v !== "item" || looped), ...(notify ? NOTIFY_VARIABLES : [])]), nearest: new Map() };
      knownSets.set(key, known);
    }
    return known;
  };

  for (const { step, broken, kind, path, phase } of model.steps) {
    const stepLoops = step.forEach !== undefined || broken.has("forEach");
    checkForEach(step.forEach, step.reverse, path, stepLoops);
    if (step.forEach !== undefined && phase.forEach !== undefined) {
      out.push({ path: [...path, "forEach"], message: `phase "${phase.id ?? pathText(phase.path)}" already repeats for each ${phase.forEach}; forEach does not nest` });
    }
    if (kind !== undefined) checkKindFit(step, kind, path, out);
    if (step.detach && step.interactive) out.push({ path: [...path, "detach"], atKey: true, message: "an interactive step runs in handrail's own process group; it cannot detach" });
    if (step.interactive && step.expect?.stdout) out.push({ path: [...path, "expect", "stdout"], atKey: true, message: "an interactive step's output goes to the terminal and cannot be checked" });
    for (const field of ["expect", "found"] as const) {
      const expect = step[field];
      if (!expect) continue;
      for (const stream of ["stdout", "stderr"] as const) {
        for (const key of ["matches", "notMatches"] as const) {
          const pattern = expect[stream]?.[key];
          // Output patterns run with "m" (^ and $ at line ends), whether per line or across lines.
          if (pattern !== undefined) checkRegex(pattern, [...path, field, stream, key], out, { flags: "m" });
        }
      }
    }
    if (step.found && step.interactive) out.push({ path: [...path, "found"], atKey: true, message: "an interactive step's output goes to the terminal and cannot be checked" });
    const looped = stepLoops || phase.looped;
    const known = knownFor(looped, step.notify !== undefined || broken.has("notify"));
    const misspelt = (name: string): string | undefined => {
      if (known.names.has(name) || name === name.toUpperCase()) return undefined;
      if (name === "item") return "item";
      if (!model.inputNamesKnown) return undefined;
      if (!known.nearest.has(name)) known.nearest.set(name, closest(name, known.names));
      return known.nearest.get(name);
    };
    const report = (name: string, token: string, where: PathSegment[]) => {
      const hint = misspelt(name);
      if (hint === undefined) return;
      const message =
        hint === "item" && name === "item"
          ? `"$item" is only set inside a step or phase with forEach`
          : `"$${name}" is not an input (did you mean "$${hint}"?)`;
      out.push({ path: where, token, message });
    };
    if (step.run !== undefined) {
      // What the script assigns matters only for a reference that looks like a typo: rare, so found then.
      let assigned: Set<string> | undefined;
      for (const ref of scriptReferences(step.run)) {
        if (misspelt(ref.name) === undefined) continue;
        assigned ??= scriptAssignments(step.run);
        if (!assigned.has(ref.name)) report(ref.name, ref.token, [...path, "run"]);
      }
    }
    for (const [text, where] of templateFields(step, path)) {
      for (const ref of templateReferences(text)) report(ref.name, ref.token, where);
    }
  }
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

/**
 * Checks a scenario file needs beyond its schema: every object a condition, a change or an event
 * names is one the scenario creates; conditions say one thing each; and, against the runbook it
 * drills, that the phases, options and inputs it names exist (with the closest name when they do not).
 */
import { checkInputValue } from "./inputs.js";
import type { LintProblem } from "./lint.js";
import type { PathSegment } from "./problems.js";
import type { ScenarioSpec, WorldCondition } from "./scenario-schema.js";
import type { Runbook, Severity } from "./schema.js";
import { closest } from "./suggest.js";

/** `shop/api` → `shop/api`; `api` → `default/api`. */
export function qualifiedRef(ref: string): string {
  return ref.includes("/") ? ref : `default/${ref}`;
}

/** The closest candidate, else the one candidate the word begins (`health` for `health_url`). */
const hint = (word: string, candidates: Iterable<string>) => {
  const list = [...candidates];
  const prefixed = word.length >= 4 ? list.filter((c) => c.startsWith(word)) : [];
  const hit = closest(word, list) ?? (prefixed.length === 1 ? prefixed[0] : undefined);
  return hit === undefined ? "" : ` (did you mean "${hit}"?)`;
};

/** The fields each kind of condition takes besides its subject. */
/** The fields that say what a condition is about; exactly one per condition. */
export const CONDITION_SUBJECTS = ["all", "any", "not", "deployment", "pods", "endpoint"] as const;

const CONDITION_FIELDS: Record<(typeof CONDITION_SUBJECTS)[number], readonly (keyof WorldCondition)[]> = {
  all: [],
  any: [],
  not: [],
  deployment: ["image", "readyReplicas", "replicas"],
  pods: ["image", "status", "ready", "restarted", "count", "every"],
  endpoint: ["status"],
};

interface Declared {
  deployments: Map<string, number>;
  services: Set<string>;
  endpoints: Set<string>;
}

function declared(spec: ScenarioSpec): Declared {
  return {
    deployments: new Map((spec.cluster.deployments ?? []).map((d) => [`${d.namespace ?? "default"}/${d.name}`, d.replicas ?? 1])),
    services: new Set((spec.cluster.services ?? []).map((s) => `${s.namespace ?? "default"}/${s.name}`)),
    endpoints: new Set((spec.endpoints ?? []).map((e) => e.path)),
  };
}

/** The closest namespace/name, else the one of the same name in another namespace (the namespace forgotten). */
function refHint(qualified: string, pool: Iterable<string>): string {
  const list = [...pool];
  const name = qualified.split("/")[1];
  const sameName = list.filter((k) => k.split("/")[1] === name);
  return hint(qualified, list) || (sameName.length === 1 ? ` (did you mean "${sameName[0]}"?)` : "");
}

function checkDeploymentRef(ref: string, known: Declared, path: PathSegment[], out: LintProblem[]): void {
  if (known.deployments.has(qualifiedRef(ref))) return;
  const what = ref.includes("/") ? `"${ref}"` : `"${ref}" (in the namespace default)`;
  out.push({ path, message: `the scenario creates no deployment ${what}${refHint(qualifiedRef(ref), known.deployments.keys())}` });
}

/** One condition and those inside it; `inEndpoint`: an endpoint's answer cannot depend on an endpoint. */
function checkCondition(c: WorldCondition, path: PathSegment[], known: Declared, out: LintProblem[], inEndpoint: boolean): void {
  const subjects = CONDITION_SUBJECTS.filter((s) => c[s] !== undefined);
  if (subjects.length === 0) {
    out.push({ path, message: `a condition names what it is about: one of ${CONDITION_SUBJECTS.join(", ")}` });
    return;
  }
  if (subjects.length > 1) {
    out.push({ path: [...path, subjects[1]!], atKey: true, message: `a condition is about one thing; this one names ${subjects.join(" and ")} (combine them with all:)` });
    return;
  }
  const subject = subjects[0]!;
  const allowed = CONDITION_FIELDS[subject];
  for (const field of Object.keys(c) as (keyof WorldCondition)[]) {
    if (field === subject || allowed.includes(field)) continue;
    const takers = CONDITION_SUBJECTS.filter((s) => CONDITION_FIELDS[s].includes(field));
    out.push({ path: [...path, field], atKey: true, message: `${field} applies to ${takers.map((s) => `${s}:`).join(" and ")} conditions, not ${subject}:` });
  }
  switch (subject) {
    case "all":
    case "any":
      c[subject]!.forEach((inner, i) => checkCondition(inner, [...path, subject, i], known, out, inEndpoint));
      return;
    case "not":
      checkCondition(c.not!, [...path, "not"], known, out, inEndpoint);
      return;
    case "deployment":
      checkDeploymentRef(c.deployment!, known, [...path, "deployment"], out);
      return;
    case "pods":
      checkDeploymentRef(c.pods!, known, [...path, "pods"], out);
      if (c.status !== undefined && typeof c.status !== "string") out.push({ path: [...path, "status"], message: "a pods: condition's status is what kubectl get pods shows, such as Running or CrashLoopBackOff" });
      return;
    case "endpoint":
      if (inEndpoint) out.push({ path: [...path, "endpoint"], message: "an endpoint's answer depends on the cluster, not on another endpoint" });
      else if (!known.endpoints.has(c.endpoint!)) out.push({ path: [...path, "endpoint"], message: `the scenario serves no endpoint ${c.endpoint!}${hint(c.endpoint!, known.endpoints)}` });
      if (c.status === undefined) out.push({ path, message: "an endpoint: condition needs the status it answers, such as status: 200" });
      else if (typeof c.status === "string") out.push({ path: [...path, "status"], message: "an endpoint: condition's status is an HTTP status, such as 200 or [200, 204]" });
      return;
  }
}

function duplicates<T>(items: readonly T[], key: (item: T) => string, path: (i: number) => PathSegment[], what: string, out: LintProblem[]): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    if (first.has(k)) out.push({ path: path(i), message: `${what} ${k} is already declared (${what}s[${first.get(k)}])` });
    else first.set(k, i);
  });
}

/** The problems of a scenario that passed the schema, read on its own (no runbook needed). */
export function lintScenario(spec: ScenarioSpec): LintProblem[] {
  const out: LintProblem[] = [];
  const known = declared(spec);
  const c = spec.cluster;
  duplicates(c.deployments ?? [], (d) => `${d.namespace ?? "default"}/${d.name}`, (i) => ["cluster", "deployments", i, "name"], "deployment", out);
  duplicates(c.services ?? [], (s) => `${s.namespace ?? "default"}/${s.name}`, (i) => ["cluster", "services", i, "name"], "service", out);
  duplicates(c.configMaps ?? [], (m) => `${m.namespace ?? "default"}/${m.name}`, (i) => ["cluster", "configMaps", i, "name"], "configMap", out);
  duplicates(spec.endpoints ?? [], (e) => e.path, (i) => ["endpoints", i, "path"], "endpoint", out);
  (c.events ?? []).forEach((e, i) => {
    const [kind, name] = e.object.split("/") as [string, string];
    const ref = `${e.namespace ?? "default"}/${name}`;
    const pool = kind === "deployment" ? [...known.deployments.keys()] : [...known.services];
    if (!pool.includes(ref)) out.push({ path: ["cluster", "events", i, "object"], message: `the scenario creates no ${kind} ${ref}${refHint(ref, pool)}` });
  });
  (spec.incident?.changes ?? []).forEach((ch, i) => {
    const at: PathSegment[] = ["incident", "changes", i];
    const actions = (["setImage", "scale"] as const).filter((a) => ch[a] !== undefined);
    if (actions.length !== 1) {
      out.push({ path: actions.length > 1 ? [...at, actions[1]!] : at, atKey: actions.length > 1, message: actions.length > 1 ? `a change does one thing; this one has ${actions.join(" and ")}` : "a change needs one of: setImage (with image), scale (with replicas)" });
      return;
    }
    const action = actions[0]!;
    checkDeploymentRef(ch[action]!, known, [...at, action], out);
    if (action === "setImage" && ch.image === undefined) out.push({ path: at, message: "setImage needs the image to set" });
    if (action === "scale" && ch.replicas === undefined) out.push({ path: at, message: "scale needs the replicas to scale to" });
    if (action === "setImage" && ch.replicas !== undefined) out.push({ path: [...at, "replicas"], atKey: true, message: "replicas goes with scale, not setImage" });
    if (action === "scale" && ch.image !== undefined) out.push({ path: [...at, "image"], atKey: true, message: "image goes with setImage, not scale" });
  });
  if (spec.incident?.until) checkCondition(spec.incident.until, ["incident", "until"], known, out, false);
  checkCondition(spec.health, ["health"], known, out, false);
  (spec.endpoints ?? []).forEach((e, i) => {
    e.answers.forEach((a, j) => {
      if (a.when) checkCondition(a.when, ["endpoints", i, "answers", j, "when"], known, out, true);
    });
    const last = e.answers.length - 1;
    if (e.answers[last]?.when !== undefined) out.push({ path: ["endpoints", i, "answers", last, "when"], atKey: true, message: "the last answer is the one given when no other holds: it has no when" });
  });
  (spec.alsoFixes ?? []).forEach((fix, i) => {
    if (Object.keys(fix).length === 0) out.push({ path: ["alsoFixes", i], message: "an empty choice: name the phase and the option (phase: option)" });
  });
  return out;
}

function offeredAt(option: { severities?: readonly Severity[] | undefined }, severity: Severity): boolean {
  return option.severities === undefined || option.severities.includes(severity);
}

function checkChoices(choices: Record<string, string>, at: PathSegment[], runbook: Runbook, severity: Severity, out: LintProblem[]): void {
  const withOptions = runbook.phases.filter((p) => p.options !== undefined);
  for (const [phaseId, optionId] of Object.entries(choices)) {
    const phase = withOptions.find((p) => p.id === phaseId);
    if (!phase) {
      const exists = runbook.phases.some((p) => p.id === phaseId);
      const why = exists ? `phase "${phaseId}" of runbook ${runbook.id} offers no options` : `runbook ${runbook.id} has no phase "${phaseId}"`;
      out.push({ path: [...at, phaseId], atKey: true, message: `${why}${exists ? "" : hint(phaseId, withOptions.map((p) => p.id))}` });
      continue;
    }
    const option = phase.options!.find((o) => o.id === optionId);
    if (!option) {
      const ids = phase.options!.map((o) => o.id);
      out.push({ path: [...at, phaseId], message: `phase "${phaseId}" has no option "${optionId}"${hint(optionId, ids) || ` (its options: ${ids.join(", ")})`}` });
    } else if (!offeredAt(option, severity)) {
      out.push({ path: [...at, phaseId], message: `option "${optionId}" of phase "${phaseId}" is not offered at severity ${severity} (only ${option.severities!.join(", ")})` });
    }
  }
}

/**
 * The problems of a scenario against the runbooks it may drill (by id): the runbook exists, the fixes
 * name its phases and options, the inputs are its inputs with values it accepts, and every input it
 * needs without a default is given.
 */
export function lintScenarioAgainst(spec: ScenarioSpec, runbooks: ReadonlyMap<string, Runbook>): LintProblem[] {
  const out: LintProblem[] = [];
  const runbook = runbooks.get(spec.runbook);
  if (!runbook) {
    out.push({ path: ["runbook"], message: `no runbook "${spec.runbook}" on the search path${hint(spec.runbook, runbooks.keys())}` });
    return out;
  }
  checkChoices(spec.fixes, ["fixes"], runbook, spec.severity, out);
  (spec.alsoFixes ?? []).forEach((fix, i) => checkChoices(fix, ["alsoFixes", i], runbook, spec.severity, out));
  const specs = runbook.inputs ?? {};
  const names = Object.keys(specs);
  for (const [name, value] of Object.entries(spec.inputs ?? {})) {
    const input = specs[name];
    if (!input) {
      out.push({ path: ["inputs", name], atKey: true, message: `runbook ${runbook.id} has no input "${name}"${hint(name, names)}` });
      continue;
    }
    const checked = checkInputValue(input, Array.isArray(value) ? value.map(String) : String(value));
    if (!checked.ok) out.push({ path: ["inputs", name], message: `not a value the runbook's ${name} accepts: ${checked.message}` });
  }
  const fromEndpoints = new Set<string>();
  (spec.endpoints ?? []).forEach((e, i) => {
    if (e.input === undefined) return;
    const input = specs[e.input];
    const at: PathSegment[] = ["endpoints", i, "input"];
    if (!input) out.push({ path: at, message: `runbook ${runbook.id} has no input "${e.input}"${hint(e.input, names)}` });
    else if (!checkInputValue(input, `http://127.0.0.1:8080${e.path}`).ok) out.push({ path: at, message: `the runbook's input ${e.input} is a ${input.type} and does not take a URL` });
    if (spec.inputs?.[e.input] !== undefined) out.push({ path: at, message: `${e.input} is given in inputs too: the endpoint's URL is its value` });
    if (fromEndpoints.has(e.input)) out.push({ path: at, message: `another endpoint already gives ${e.input}` });
    fromEndpoints.add(e.input);
  });
  for (const [name, input] of Object.entries(specs)) {
    if (input.default !== undefined || input.required === false || spec.inputs?.[name] !== undefined || fromEndpoints.has(name)) continue;
    out.push({ path: spec.inputs ? ["inputs"] : ["runbook"], atKey: spec.inputs !== undefined, message: `runbook ${runbook.id} needs the input ${name} (it has no default): give it in inputs` });
  }
  return out;
}

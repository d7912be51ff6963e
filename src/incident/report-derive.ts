/**
 * What the gathered events amount to: which steps recovered on a retry, what fixed it (the
 * phases that remedy), whether the end is broken, the key times, the response time and the
 * evidence. Pure; fills the derived fields of a report buildReport gathered.
 */
import { parseDuration } from "../runbooks/duration.js";
import { DEFAULT_RESPONSE_TIMES, type Severity } from "../runbooks/severity.js";
import type { OutlineIndex } from "./outline.js";
import type { IncidentReport, KeyTime, RemedyPhase, ReportStep } from "./report-model.js";

const OK = new Set(["passed", "found"]);
const isOk = (s: ReportStep) => OK.has(s.status);

const lastOf = new WeakMap<readonly ReportStep[], { count: number; last: readonly ReportStep[] }>();

/** The last attempt of each step, in the order they started: worked out once for a report's steps (derive, the summary and the failed steps all ask). */
export function lastAttempts(steps: readonly ReportStep[]): readonly ReportStep[] {
  const known = lastOf.get(steps);
  if (known?.count === steps.length) return known.last;
  // From the end: the first attempt met of each step is its last. (A map moved to its end on every attempt
  // deletes and re-adds each of tens of thousands of keys.)
  const seen = new Set<string>();
  const out: ReportStep[] = [];
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    if (seen.has(s.step)) continue;
    seen.add(s.step);
    out.push(s);
  }
  const last = out.reverse();
  lastOf.set(steps, { count: steps.length, last });
  return last;
}

/** The earliest option chosen, or step started, in a phase that remedies (text order is time order in ISO-8601 UTC). */
function firstRemedyAt(r: IncidentReport, ix: OutlineIndex): string | undefined {
  let first: string | undefined;
  for (const o of r.options) if (ix.isRemedy(o.phase) && (first === undefined || o.at < first)) first = o.at;
  for (const s of r.steps) if (ix.isRemedy(s.phase) && (first === undefined || s.startedAt < first)) first = s.startedAt;
  return first;
}

export function deriveReport(r: IncidentReport, ix: OutlineIndex, end: string): void {
  const opened = Date.parse(r.openedAt);
  const at = (iso: string): KeyTime => ({ at: iso, sinceOpenMs: Date.parse(iso) - opened });
  const last = lastAttempts(r.steps);

  // A step that failed and then passed on a later attempt recovered: it is not a failed step.
  const everFailed = new Set(r.steps.filter((s) => !isOk(s)).map((s) => s.step));
  r.recovered = last.filter((s) => isOk(s) && everFailed.has(s.step)).map((s) => s.step);

  // Diagnosed: the first option chosen, or step started, in a phase that remedies (as drills time it).
  const firstStep = r.steps[0];
  if (firstStep) r.keyTimes.firstAction = at(firstStep.startedAt);
  const diagnosedAt = firstRemedyAt(r, ix);
  if (diagnosedAt) r.keyTimes.diagnosed = at(diagnosedAt);

  // Mitigated: a verify phase whose every step, run after the remedy began, passed.
  const isVerify = (phase: string) => (ix.known ? ix.phaseKind(phase) === "verify" : /verif/.test(phase));
  if (diagnosedAt) {
    const byPhase = new Map<string, ReportStep[]>();
    for (const s of lastAttempts(r.steps.filter((s) => s.startedAt >= diagnosedAt && isVerify(s.phase)))) {
      const steps = byPhase.get(s.phase);
      if (steps) steps.push(s);
      else byPhase.set(s.phase, [s]);
    }
    const jumpedOver = new Set(r.skipped.filter((k) => k.at >= diagnosedAt && k.reason !== "condition").map((k) => k.step));
    const passedAt = [...byPhase.values()]
      .filter((steps) => steps.every((s) => isOk(s) && !jumpedOver.has(s.step)))
      .map((steps) => steps.map((s) => s.endedAt ?? s.startedAt).sort().at(-1)!)
      .sort();
    if (passedAt[0]) r.keyTimes.mitigated = at(passedAt[0]);
  }
  if (r.resolvedAt) r.keyTimes.resolved = at(r.resolvedAt);

  // The response time of the severity in force at the end, from the runbook's own table when recorded.
  const severity = r.severity.final as Severity;
  const within = ix.outline?.respondWithin[severity] ?? DEFAULT_RESPONSE_TIMES[severity] ?? r.sla.respondWithin;
  const ms = within ? parseDuration(within) : undefined;
  const closed = r.resolvedAt ?? r.drill?.finishedAt;
  if (within) r.sla.respondWithin = within;
  r.sla.severity = severity;
  if (ms !== undefined) r.sla.dueAt = new Date(opened + ms).toISOString();
  r.sla.state = r.sla.breached || (ms !== undefined && closed !== undefined && Date.parse(closed) - opened > ms) ? "breached" : closed ? "met" : ms !== undefined && Date.parse(end) - opened > ms ? "breached" : "running";
  if (r.sla.state === "breached") r.sla.breached = true;

  r.resolution = resolutionOf(r, ix, last, isVerify, diagnosedAt);
  r.evidence = last.filter((s) => s.evidence && (s.head?.length || s.tail?.length || s.output));
  r.links = linksOf(r, ix, last);
}

/** The runbook's links, then each link of a step that ran (once per URL), `$input` replaced by its value. */
function linksOf(r: IncidentReport, ix: OutlineIndex, last: readonly ReportStep[]): IncidentReport["links"] {
  const values = Object.fromEntries(Object.entries(r.inputs).map(([k, v]) => [k, Array.isArray(v) ? v.join(" ") : v]));
  const fill = (url: string, item?: string) => url.replace(/\$\{?([a-z][a-z0-9_]*)\}?/g, (m, name: string) => (name === "item" && item !== undefined ? item : values[name]) ?? m);
  const seen = new Set<string>();
  const out: IncidentReport["links"] = [];
  const add = (l: { title: string; url: string }, step?: string) => {
    const url = fill(l.url, /\[(.*)\]$/.exec(step ?? "")?.[1]);
    if (seen.has(url)) return;
    seen.add(url);
    out.push({ title: l.title, url, ...(step ? { step } : {}) });
  };
  for (const l of ix.outline?.links ?? []) add(l);
  for (const s of last) for (const l of ix.stepLinks(s.step)) add(l, s.step);
  return out;
}

function resolutionOf(r: IncidentReport, ix: OutlineIndex, last: readonly ReportStep[], isVerify: (phase: string) => boolean, diagnosedAt: string | undefined): IncidentReport["resolution"] {
  const warnings: string[] = [];
  const outcome = r.drill?.outcome;
  if (outcome && !outcome.healthy) warnings.push(`The drill ended STILL BROKEN: ${outcome.detail}.`);
  else if (r.drill && !outcome) warnings.push("The drill was left before its end: its outcome is not recorded.");
  const verifyFailed = last.filter((s) => isVerify(s.phase) && !isOk(s) && (diagnosedAt === undefined || s.startedAt >= diagnosedAt));
  if (verifyFailed.length) warnings.push(`Verification did not pass: ${verifyFailed.map((s) => `${s.title} (${s.status})`).join(", ")}.`);
  if (r.status === "open") warnings.push("Not resolved: the incident is still open.");

  const chosen = new Map<string, { option: string; optionTitle: string }>();
  for (const o of r.options) chosen.set(o.phase, o);
  const phases = new Map<string, RemedyPhase>();
  for (const s of last) {
    if (!ix.isRemedy(s.phase)) continue;
    const choice = chosen.get(s.phase);
    // Steps of an option chosen and then replaced did not fix it: they are listed as the replaced choice.
    if (s.option !== undefined && choice && s.option !== choice.option) continue;
    let p = phases.get(s.phase);
    if (!p) {
      p = { phase: s.phase, title: s.phaseTitle, ...(choice ? { option: choice.option, optionTitle: choice.optionTitle } : {}), steps: [] };
      phases.set(s.phase, p);
    }
    p.steps.push(s);
  }
  if (phases.size === 0 && !outcome?.healthy) warnings.push("No remedy was applied: no step of a phase that remedies ran.");
  const notPassed = [...phases.values()].flatMap((p) => p.steps).filter((s) => !isOk(s));
  if (notPassed.length) warnings.push(`Remedy steps that did not pass: ${notPassed.map((s) => `${s.title} (${s.status})`).join(", ")}.`);
  const replaced = r.options.filter((o) => o.replaced && ix.isRemedy(o.phase)).map((o) => ({ phaseTitle: o.phaseTitle, optionTitle: o.optionTitle }));
  return { warnings, phases: [...phases.values()], replaced };
}

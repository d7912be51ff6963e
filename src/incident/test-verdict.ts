/**
 * `handrail test`: which runs a scenario gets (its documented fix, and every other option of the
 * phases that remedy) and what each run must show. Pure: a run is judged from its incident events
 * and the scenario's verdict at the end.
 */
import type { Runbook } from "../runbooks/schema.js";
import type { EventOf, IncidentEvent } from "./events.js";
import { replay } from "./machine.js";
import { optionsFor } from "./plan.js";

export interface TestChoice {
  /** phase id → option id, for every phase with options. */
  options: Record<string, string>;
  /** The scenario's documented fix (expected healthy), or a variation of one remedying phase (expected broken). */
  expect: "healthy" | "broken";
  /** What this run varies, in words: "the documented fix", "rollback=configuration". */
  label: string;
}

export interface ScenarioPlan {
  remedy: Record<string, string>;
  /** Other choices that lead to a healthy world too (not a defect when they heal). */
  alsoFixes?: ReadonlyArray<Record<string, string>>;
}

/** The phases whose options decide the outcome: marked `mitigates: true`, else of kind remediate. */
function remedyingPhases(runbook: Runbook) {
  const declared = runbook.phases.some((p) => p.mitigates === true);
  return runbook.phases.filter((p) => p.options && (declared ? p.mitigates === true : p.kind === "remediate"));
}

/**
 * The documented fix, then each other option of each remedying phase the fix names (the rest of the
 * fix kept as it is; every remedying phase when the fix names none). A choice phase the fix says
 * nothing of is left to the walk: when only one option applies there it is taken, when several do
 * the run stops and says the scenario must name it.
 */
export function choicesFor(runbook: Runbook, severity: Parameters<typeof optionsFor>[1], scenario: ScenarioPlan): TestChoice[] {
  const base: Record<string, string> = { ...scenario.remedy };
  const out: TestChoice[] = [{ options: base, expect: "healthy", label: "the documented fix" }];
  const remedying = remedyingPhases(runbook);
  const named = remedying.filter((p) => p.id in base);
  for (const phase of named.length > 0 ? named : remedying) {
    for (const option of optionsFor(phase, severity)) {
      if (option.id === base[phase.id]) continue;
      const options = { ...base, [phase.id]: option.id };
      const also = scenario.alsoFixes?.some((fix) => Object.entries(fix).every(([p, o]) => options[p] === o)) === true;
      if (!also) out.push({ options, expect: "broken", label: `${phase.id}=${option.id}` });
    }
  }
  return out;
}

export interface RunFinding {
  ok: boolean;
  /** What was wrong, naming the runbook's phase or step. */
  problems: string[];
  /** Worth knowing, not a failure: steps the drill could not judge (a script of the team's platform not here). */
  notes: string[];
  /** "not offered": the option varied does not apply when the walk gets there (its `when:`), so there was nothing to judge. */
  outcome: "healthy" | "broken" | "unknown" | "not offered";
  /** Verify phases the walk reached, judged on the steps that could run here: passed when every one of them passed (or found). */
  verify: Array<{ phase: string; passed: boolean; green: string[]; red: string[] }>;
}

/** Failures that are the step's own fault, not its check's verdict: the command could not run as written. */
const BROKEN_STEP: ReadonlySet<string> = new Set(["command-not-found", "no-kubeconfig", "unknown-context", "cluster-tls", "http-dns"]);
const SHELL_ERROR = /syntax error|unexpected EOF|unterminated quoted string|bad substitution/i;

/** Judge one run: the outcome against what was expected, verify phases that pass on a broken world, steps that errored. */
export function judgeRun(runbook: Runbook, events: readonly IncidentEvent[], choice: TestChoice): RunFinding {
  const finished = events.find((e): e is EventOf<"drill.finished"> => e.type === "drill.finished");
  const outcome = finished === undefined ? "unknown" : finished.healthy ? "healthy" : "broken";
  const problems: string[] = [];
  const notes: string[] = [];
  if (outcome === "unknown") problems.push("the drill did not finish (no drill.finished in the incident)");
  else if (choice.expect === "healthy" && outcome !== "healthy") problems.push(`the documented fix did not heal it: ${finished!.detail}`);
  else if (choice.expect === "broken" && outcome === "healthy") problems.push(`${choice.label} heals it too, and the scenario does not declare it (alsoFixes)`);

  // The last result of each step (a step that failed and was then passed by --keep-going stays failed).
  const last = new Map<string, EventOf<"step.finished">>();
  for (const e of events) if (e.type === "step.finished") last.set(e.step, e);
  const untestable = new Set<string>();
  for (const [key, e] of last) {
    if (e.diagnosis?.code === "missing-requirement") {
      untestable.add(key);
      notes.push(`${key} not judged: ${e.diagnosis.summary}`);
    } else if (e.status === "error" || (e.diagnosis && BROKEN_STEP.has(e.diagnosis.code)) || (e.status === "failed" && e.tail?.some((l) => SHELL_ERROR.test(l)))) {
      problems.push(`step ${key} could not run as written: ${e.diagnosis?.summary ?? e.error ?? e.tail?.find((l) => SHELL_ERROR.test(l)) ?? e.status}`);
    }
  }

  const state = replay(runbook, events);
  const verify: RunFinding["verify"] = [];
  // Only a verification after the remedy says whether the remedy worked: a gate before it (a canary's burn-in)
  // saw the world before anything was fixed, whatever the end.
  const remedies = new Set(remedyingPhases(runbook).map((p) => p.id));
  const firstRemedy = state.plan.findIndex(({ phase }) => remedies.has(phase.id));
  for (const [index, { phase, items }] of state.plan.entries()) {
    if (phase.kind !== "verify" || index < firstRemedy) continue;
    const judged = items.filter((i) => i.kind === "step" && last.has(i.key) && !untestable.has(i.key)).map((i) => [i.key, last.get(i.key)!.status] as const);
    if (judged.length === 0) continue;
    const green = judged.filter(([, st]) => st === "passed" || st === "found").map(([k]) => k);
    const red = judged.filter(([, st]) => st !== "passed" && st !== "found").map(([k]) => k);
    verify.push({ phase: phase.id, passed: red.length === 0, green, red });
  }
  // The defect that matters most: a verification that goes green while the service is broken.
  if (outcome === "broken") {
    for (const v of verify) if (v.passed) problems.push(`verify phase ${v.phase} passed while the world was broken (${finished!.detail}): ${v.green.join(", ")} went green`);
  }
  // Its mirror: a verification that fails after the documented fix cries wolf, and teaches the operator to ignore it.
  if (outcome === "healthy" && choice.expect === "healthy") {
    for (const v of verify) if (!v.passed) problems.push(`verify phase ${v.phase} failed on a healthy world (${finished!.detail}): ${v.red.join(", ")} did not pass`);
  }
  return { ok: problems.length === 0, problems, notes, outcome, verify };
}

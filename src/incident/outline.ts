/**
 * What the report needs to know of the runbook, recorded once in incident.opened: titles of
 * phases, options and steps, phase kinds, which phases remedy, which steps are evidence, and the
 * response time of each severity. The report is rebuilt from the incident file alone, so it
 * cannot look these up in a runbook that may have changed or gone since. Pure.
 */
import type { Phase, Runbook, Step } from "../runbooks/schema.js";
import { DEFAULT_RESPONSE_TIMES, SEVERITIES, type Severity } from "../runbooks/severity.js";

export interface OutlineStep {
  id: string;
  title: string;
  /** The runbook marks its output as evidence (`evidence: true`), or it has `found:` checks. */
  evidence?: true;
  /** Dashboards and documents of the step, as written (`$service` substituted when shown). */
  links?: Array<{ title: string; url: string }>;
}

export interface OutlinePhase {
  id: string;
  title: string;
  kind: string;
  mitigates?: true;
  steps: OutlineStep[];
  options?: Array<{ id: string; title: string; steps: OutlineStep[] }>;
}

export interface RunbookOutline {
  phases: OutlinePhase[];
  /** The runbook's own links, as written. */
  links?: Array<{ title: string; url: string }>;
  respondWithin: Record<Severity, string>;
}

const stepOf = (s: Step): OutlineStep => ({ id: s.id, title: s.title, ...(s.evidence === true || s.found !== undefined ? { evidence: true as const } : {}), ...(s.links?.length ? { links: s.links.map((l) => ({ title: l.title, url: l.url })) } : {}) });

const phaseOf = (p: Phase): OutlinePhase => ({
  id: p.id,
  title: p.title,
  kind: p.kind,
  ...(p.mitigates === true ? { mitigates: true as const } : {}),
  steps: (p.steps ?? []).map(stepOf),
  ...(p.options ? { options: p.options.map((o) => ({ id: o.id, title: o.title, steps: o.steps.map(stepOf) })) } : {}),
});

/** The outline of a runbook, as incident.opened records it. */
export function outlineOf(runbook: Runbook): RunbookOutline {
  const respondWithin = Object.fromEntries(SEVERITIES.map((s) => [s, runbook.severities?.[s]?.respondWithin ?? DEFAULT_RESPONSE_TIMES[s]])) as Record<Severity, string>;
  return { phases: runbook.phases.map(phaseOf), respondWithin, ...(runbook.links?.length ? { links: runbook.links.map((l) => ({ title: l.title, url: l.url })) } : {}) };
}

/** The id a step key was repeated from: `deploy[curve]` → `deploy`. */
// Asked for every step of every event: most keys have no item, and a test of the last character is cheaper than the regex.
export const baseStepId = (key: string): string => (key.endsWith("]") ? key.replace(/\[.*\]$/, "") : key);

/** Lookups over an outline; every one falls back to the id when the file has no outline (written before it was recorded). */
export class OutlineIndex {
  private readonly phases = new Map<string, OutlinePhase>();
  private readonly steps = new Map<string, OutlineStep>();
  private readonly options = new Map<string, string>();
  private readonly phaseOf = new Map<string, string>();
  private readonly remedies: ReadonlySet<string>;

  constructor(readonly outline: RunbookOutline | undefined) {
    for (const p of outline?.phases ?? []) {
      this.phases.set(p.id, p);
      for (const s of p.steps) this.addStep(s, p.id);
      for (const o of p.options ?? []) {
        this.options.set(`${p.id}/${o.id}`, o.title);
        for (const s of o.steps) this.addStep(s, p.id);
      }
    }
    const phases = outline?.phases ?? [];
    // The phases that stop the harm: those marked `mitigates: true`, else every remediate-kind phase (as drills and `handrail test` judge).
    const declared = phases.some((p) => p.mitigates);
    this.remedies = new Set(phases.filter((p) => (declared ? p.mitigates : p.kind === "remediate")).map((p) => p.id));
  }

  private addStep(s: OutlineStep, phase: string): void {
    this.steps.set(s.id, s);
    this.phaseOf.set(s.id, phase);
  }

  get known(): boolean {
    return this.outline !== undefined;
  }
  phaseTitle(id: string): string {
    return this.phases.get(id)?.title ?? id;
  }
  phaseKind(id: string): string | undefined {
    return this.phases.get(id)?.kind;
  }
  optionTitle(phase: string, option: string): string {
    return this.options.get(`${phase}/${option}`) ?? option;
  }
  /** A step's title; a repetition (`deploy[curve]`) keeps its item: "Deploy (curve)". */
  stepTitle(key: string): string {
    const base = baseStepId(key);
    const title = this.steps.get(base)?.title;
    if (!title) return key;
    return key === base ? title : `${title} (${key.slice(base.length + 1, -1)})`;
  }
  /** The phase that holds a step, when the outline knows it. */
  phaseOfStep(key: string): string | undefined {
    return this.phaseOf.get(baseStepId(key));
  }
  /** A step's links as the runbook wrote them (none when the outline has none). */
  stepLinks(key: string): Array<{ title: string; url: string }> {
    return this.steps.get(baseStepId(key))?.links ?? [];
  }
  isEvidence(key: string): boolean {
    return this.steps.get(baseStepId(key))?.evidence === true;
  }
  /** Without an outline, a phase remedies when its id says so (files written before outlines were recorded). */
  isRemedy(phase: string): boolean {
    return this.known ? this.remedies.has(phase) : /remed|rollback|fix/.test(phase);
  }
}

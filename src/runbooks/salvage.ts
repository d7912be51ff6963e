/**
 * The lint model of a runbook that failed the schema: every input, step and escalation that parses
 * on its own, field by field, so one run reports the schema's problems and the lint's together.
 * What did not parse is marked broken, never guessed at: a check that would read it stands aside
 * rather than report a second problem with the same cause.
 */
import type { z } from "zod";
import type { Broken, EscalationPlace, InputPlace, LintModel, PhasePlace, StepSlot } from "./lint-model.js";
import type { PathSegment } from "./problems.js";
import { escalationSchema, inputSchema, phaseSchema, STEP_KINDS, stepSchema } from "./schema.js";

type Shape = Readonly<Record<string, z.ZodType>>;
type Raw = Record<string, unknown>;

const isRecord = (v: unknown): v is Raw => v !== null && typeof v === "object" && !Array.isArray(v);

/** The fields of `raw` that parse on their own; unknown fields are left to the schema's message. */
function salvageFields<T>(whole: z.ZodType<T>, shape: Shape, raw: Raw): { value: Partial<T>; broken: Broken } {
  const all = whole.safeParse(raw);
  if (all.success) return { value: all.data, broken: new Set() };
  const value: Raw = {};
  const broken = new Set<string>();
  for (const [key, v] of Object.entries(raw)) {
    const field = shape[key];
    if (field === undefined) continue;
    const r = field.safeParse(v);
    if (r.success) value[key] = r.data;
    else broken.add(key);
  }
  return { value: value as Partial<T>, broken };
}

function salvageInputs(raw: unknown): { inputs: InputPlace[]; known: boolean } {
  if (raw === undefined) return { inputs: [], known: true };
  if (!isRecord(raw)) return { inputs: [], known: false };
  const inputs = Object.entries(raw).map(([name, spec]): InputPlace => {
    if (!isRecord(spec)) return { name, broken: new Set() };
    const { value, broken } = salvageFields(inputSchema, inputSchema.shape, spec);
    return { name, spec: value, broken };
  });
  return { inputs, known: true };
}

function salvageEscalations(raw: unknown): EscalationPlace[] {
  if (!Array.isArray(raw)) return [];
  const out: EscalationPlace[] = [];
  raw.forEach((esc, index) => {
    if (!isRecord(esc)) return;
    const { value, broken } = salvageFields(escalationSchema, escalationSchema.shape, esc);
    out.push({ index, escalation: value, broken });
  });
  return out;
}

const ID = phaseSchema.shape.id;

function idOf(raw: Raw): string | undefined {
  const r = ID.safeParse(raw.id);
  return r.success ? r.data : undefined;
}

interface Walk {
  steps: StepSlot[];
  /** Set when a step's id could not be read. */
  idsUnknown: boolean;
}

function salvageSteps(raw: unknown, base: PathSegment[], phase: PhasePlace, walk: Walk, option?: number): void {
  if (raw === undefined) return;
  if (!Array.isArray(raw)) {
    walk.idsUnknown = true;
    return;
  }
  raw.forEach((step, s) => {
    if (!isRecord(step)) {
      walk.idsUnknown = true;
      return;
    }
    const { value, broken } = salvageFields(stepSchema, stepSchema.shape, step);
    if (value.id === undefined) walk.idsUnknown = true;
    const kinds = STEP_KINDS.filter((k) => step[k] !== undefined);
    const kind = kinds.length === 1 && value[kinds[0]!] !== undefined ? kinds[0] : undefined;
    walk.steps.push({ step: value, broken, ...(kind ? { kind } : {}), path: [...base, s], phase, ...(option !== undefined ? { option } : {}) });
  });
}

function salvagePhases(raw: unknown): { phases: PhasePlace[]; walk: Walk } {
  const walk: Walk = { steps: [], idsUnknown: false };
  const phases: PhasePlace[] = [];
  if (raw === undefined) return { phases, walk };
  if (!Array.isArray(raw)) return { phases, walk: { steps: [], idsUnknown: true } };
  raw.forEach((phase, p) => {
    const path: PathSegment[] = ["phases", p];
    if (!isRecord(phase)) {
      walk.idsUnknown = true;
      return;
    }
    const forEach = phaseSchema.shape.forEach.safeParse(phase.forEach);
    const reverse = phaseSchema.shape.reverse.safeParse(phase.reverse);
    const rawOptions = phase.options;
    const options = Array.isArray(rawOptions) ? rawOptions : [];
    const place: PhasePlace = {
      path,
      ...(idOf(phase) !== undefined ? { id: idOf(phase) } : {}),
      ...(forEach.success && forEach.data !== undefined ? { forEach: forEach.data } : {}),
      ...(reverse.success && reverse.data !== undefined ? { reverse: reverse.data } : {}),
      looped: phase.forEach !== undefined,
      options: options.map((o: unknown, i) => ({ path: [...path, "options", i], ...(isRecord(o) && idOf(o) !== undefined ? { id: idOf(o) } : {}) })),
    };
    phases.push(place);
    salvageSteps(phase.steps, [...path, "steps"], place, walk);
    if (rawOptions !== undefined && !Array.isArray(rawOptions)) walk.idsUnknown = true;
    options.forEach((o: unknown, i) => {
      if (!isRecord(o)) walk.idsUnknown = true;
      else salvageSteps(o.steps, [...path, "options", i, "steps"], place, walk, i);
    });
  });
  return { phases, walk };
}

/** The lint model of data that failed the runbook schema somewhere. */
export function salvageModel(data: Raw): LintModel {
  const { inputs, known } = salvageInputs(data.inputs);
  const { phases, walk } = salvagePhases(data.phases);
  return {
    inputs,
    inputNamesKnown: known,
    phases,
    steps: walk.steps,
    stepIdsKnown: !walk.idsUnknown,
    escalations: salvageEscalations(data.escalations),
  };
}

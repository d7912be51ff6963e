/** Drafts to a handrail/v1 runbook and its YAML text, checked by the same loader `handrail validate` uses. */
import { Document } from "yaml";
import { loadRunbookText } from "../load.js";
import type { Phase, PhaseKind, PhaseOption, Runbook, Step } from "../schema.js";
import { outputCheck, outputText } from "./expected.js";
import type { PhaseDraft } from "./phases.js";
import type { StepDraft } from "./shell-steps.js";
import { IdPool, shorten, slugify } from "./text.js";

export type RunbookHead = Omit<Runbook, "apiVersion" | "kind" | "phases">;

const nonEmpty = (text: string | undefined, fallback: string): string => {
  const t = (text ?? "").trim();
  return t === "" ? fallback : t;
};

function toStep(d: StepDraft, ids: IdPool, lines: Map<string, number>, kind: PhaseKind | undefined): Step {
  const title = shorten(nonEmpty(d.title, "Step"), 120);
  const step: Step = { id: ids.take(slugify(title, "step")), title };
  lines.set(step.id, d.line);
  const description = [d.description, d.expected ? outputText(d.expected) : undefined].filter((t): t is string => t !== undefined && t.trim() !== "").join("\n\n");
  if (description !== "") step.description = description.trim();
  if (d.run !== undefined && d.run.trim() !== "") {
    step.run = d.run;
    if (d.interactive) step.interactive = true;
    if (d.risk) step.risk = d.risk;
    // An interactive step's output goes to the terminal: nothing there to check.
    const check = d.expected && !d.interactive ? outputCheck(d.expected, kind) : undefined;
    if (check) step[check.field] = check.check;
  } else step.manual = nonEmpty(d.manual, title);
  return step;
}

/** The runbook object, with ids unique where the format needs them; `lines` gets each step's markdown line. */
export function assembleRunbook(head: RunbookHead, drafts: readonly PhaseDraft[], lines = new Map<string, number>()): Runbook {
  const stepIds = new IdPool();
  const phaseIds = new IdPool();
  const phases: Phase[] = [];
  for (const d of drafts) {
    const title = shorten(nonEmpty(d.title, "Steps"), 120);
    const phase: Phase = { id: phaseIds.take(slugify(title, "phase", 64)), kind: d.kind ?? "assess", title };
    if (d.steps.length > 0) phase.steps = d.steps.map((s) => toStep(s, stepIds, lines, d.kind));
    if (d.options.length > 0) {
      const optionIds = new IdPool();
      phase.options = d.options.map((o): PhaseOption => {
        const optTitle = shorten(nonEmpty(o.title, `Option ${o.n}`), 120);
        const id = optionIds.take(slugify(optTitle, slugify(`option ${o.n}`, "option")));
        return { id, title: optTitle, ...(o.description ? { description: o.description } : {}), steps: o.steps.map((s) => toStep(s, stepIds, lines, d.kind)) };
      });
    }
    if (phase.steps === undefined && phase.options === undefined) continue;
    phases.push(phase);
  }
  if (phases.length === 0) {
    phases.push({
      id: "review",
      kind: "assess",
      title: "Review the source document",
      steps: [{ id: stepIds.take("read-the-document"), title: "Read the source document", manual: `Nothing to run was found in ${head.source ?? "the markdown"}; read it and follow it by hand.` }],
    });
  }
  return { apiVersion: "handrail/v1", kind: "Runbook", ...head, phases };
}

export function runbookYaml(runbook: Runbook, source: string): string {
  const doc = new Document(runbook);
  doc.commentBefore = ` Imported from ${source.replace(/[\r\n]+/g, " ")} by handrail import: review every step before use.`;
  return doc.toString({ lineWidth: 0 });
}

type Json = Record<string, unknown>;

function at(root: unknown, path: string): { parent: Json; key: string } | undefined {
  const segs = [...path.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
  let node: unknown = root;
  for (let k = 0; k < segs.length - 1; k++) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[segs[k]!];
  }
  const key = segs[segs.length - 1];
  return node !== null && typeof node === "object" && typeof key === "string" ? { parent: node as Json, key } : undefined;
}

/**
 * A fix for one problem the loader reported: "moved" for manual text that reads like a handrail
 * variable (`$item` in prose), which is expected; "fixed" for anything else (an importer bug); undefined when there is none.
 */
function repair(runbook: Runbook, path: string): "moved" | "fixed" | undefined {
  const spot = at(runbook, path);
  if (!spot) return undefined;
  const { parent, key } = spot;
  const moveToDescription = (text: string) => {
    parent.description = [typeof parent.description === "string" ? parent.description : undefined, text].filter(Boolean).join("\n\n");
  };
  if (key === "manual" && typeof parent.manual === "string") {
    moveToDescription(parent.manual);
    parent.manual = "Follow the instructions in the description.";
    return "moved";
  }
  if (key === "run" && typeof parent.run === "string") {
    moveToDescription(parent.run);
    delete parent.run;
    delete parent.interactive;
    delete parent.risk;
    parent.manual = "Run the command in the description by hand.";
    return "fixed";
  }
  if (path.startsWith("inputs.")) {
    const input = at(runbook, path.split(".").slice(0, 2).join(".") + ".type")?.parent;
    if (!input) return undefined;
    delete input.default;
    delete input.values;
    input.type = "string";
    return "fixed";
  }
  return undefined;
}

export interface Emitted {
  yaml: string;
  runbook: Runbook;
  /** Problems the loader found and the importer had to fix: a bug in the importer if not empty. */
  repaired: string[];
  /** Manual text moved to the description because handrail would read it as a variable. */
  moved: Array<{ line: number; message: string }>;
}

/** Emit the YAML and check it with the loader; fix what it reports, and say so. */
export function emitChecked(runbook: Runbook, source: string, lines: ReadonlyMap<string, number> = new Map()): Emitted {
  const repaired: string[] = [];
  const moved: Emitted["moved"] = [];
  let current = runbook;
  for (let round = 0; round < 8; round++) {
    const yaml = runbookYaml(current, source);
    const result = loadRunbookText(yaml, `${current.id}.yaml`);
    if (result.runbook && result.problems.length === 0) return { yaml, runbook: result.runbook, repaired, moved };
    const copy = structuredClone(current);
    let fixed = false;
    for (const p of result.problems) {
      const how = repair(copy, p.path);
      if (how === undefined) continue;
      fixed = true;
      if (how === "fixed") repaired.push(`${p.path}: ${p.message}`);
      else {
        const step = at(copy, p.path)?.parent;
        const line = typeof step?.id === "string" ? (lines.get(step.id) ?? 1) : 1;
        moved.push({ line, message: `text that reads as a handrail variable (${p.message.split(" ")[0]}) kept in the step description` });
      }
    }
    if (!fixed) {
      repaired.push(...result.problems.map((p) => `unrepaired ${p.path}: ${p.message}`));
      return { yaml, runbook: current, repaired, moved };
    }
    current = copy;
  }
  return { yaml: runbookYaml(current, source), runbook: current, repaired, moved };
}

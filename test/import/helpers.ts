/** Shared helpers for the importer tests: import a fixture and check it the way `handrail validate` would. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { importMarkdown, type ImportResult } from "../../src/runbooks/import/index.js";
import { loadRunbookText } from "../../src/runbooks/load.js";
import type { Phase, Runbook, Step } from "../../src/runbooks/schema.js";
import { allSteps } from "../../src/runbooks/walk.js";

export const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/import");

export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), "utf8");
}

/** Import text and assert the YAML passes the runbook loader with no problem at all. */
export function importValid(text: string, fileName: string): ImportResult {
  const result = importMarkdown(text, { fileName });
  const loaded = loadRunbookText(result.yaml, `${fileName}.yaml`);
  expect(loaded.problems, `${fileName}:\n${loaded.problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.message}`).join("\n")}`).toEqual([]);
  expect(result.summary.repaired).toEqual([]);
  return result;
}

export function importFixture(name: string): ImportResult {
  return importValid(fixture(name), name);
}

export function steps(runbook: Runbook): Step[] {
  return allSteps(runbook).map((p) => p.step);
}

export function runs(runbook: Runbook): string[] {
  return steps(runbook).flatMap((s) => (s.run === undefined ? [] : [s.run]));
}

export function phase(runbook: Runbook, id: string): Phase {
  const found = runbook.phases.find((p) => p.id === id);
  if (!found) throw new Error(`no phase ${id}; phases: ${runbook.phases.map((p) => p.id).join(", ")}`);
  return found;
}

export function stepTitled(runbook: Runbook, title: string): Step {
  const found = steps(runbook).find((s) => s.title === title);
  if (!found) throw new Error(`no step titled ${JSON.stringify(title)}; titles: ${steps(runbook).map((s) => s.title).join(" | ")}`);
  return found;
}

/** Letters and digits only: placeholders and quoting differ, the command's words do not. */
export function words(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "");
}

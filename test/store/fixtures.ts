/** A small runbook and a session on a shared store, for the store tests. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadRunbookText } from "../../src/runbooks/load.js";
import type { Runbook } from "../../src/runbooks/schema.js";
import type { PlannedStep } from "../../src/incident/plan.js";

export const RUNBOOK_TEXT = `apiVersion: handrail/v1
kind: Runbook
id: shared-drill
title: Shared drill
summary: Two steps for the shared store tests.
phases:
  - id: diagnose
    kind: diagnose
    title: Diagnose
    steps:
      - { id: hello, title: Say hello, run: echo hello }
      - { id: later, title: Say later, run: echo later }
`;

export function runbook(): Runbook {
  const r = loadRunbookText(RUNBOOK_TEXT, "shared-drill.yaml");
  if (!r.runbook) throw new Error(JSON.stringify(r.problems));
  return r.runbook;
}

export function planned(rb: Runbook, id: string): PlannedStep {
  const step = rb.phases[0]!.steps!.find((s) => s.id === id)!;
  return { kind: "step", key: id, step, phaseId: "diagnose" };
}

export function tempDir(cleanup: (fn: () => void) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), "handrail-store-"));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, "incidents");
}

/** The train scenarios against their shipped runbooks: in the registry, with a remedy made of real options and inputs the runbook takes. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { optionsFor } from "../../../src/incident/plan.js";
import { loadRunbookFile } from "../../../src/runbooks/load.js";
import { shippedScenario } from "../../helpers/scenarios.js";

const DIR = path.resolve(import.meta.dirname, "../../../runbooks");

describe.each(["train-backtesting-crash", "train-rollback-service-down", "train-stuck-pull"])("scenario %s", (id) => {
  it("names, for every phase with options at its severity, one of that phase's options", async () => {
    const scenario = await shippedScenario(id);
    const loaded = await loadRunbookFile(path.join(DIR, `${scenario.runbook}.yaml`), `runbooks/${scenario.runbook}.yaml`);
    const runbook = loaded.runbook!;
    const choices = runbook.phases.filter((p) => optionsFor(p, scenario.severity).length > 0 && (p.severities === undefined || p.severities.includes(scenario.severity)));
    expect(Object.keys(scenario.remedy).sort()).toEqual(choices.map((p) => p.id).sort());
    for (const phase of choices) expect(optionsFor(phase, scenario.severity).map((o) => o.id)).toContain(scenario.remedy[phase.id]);
  });
});

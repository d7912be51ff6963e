/**
 * An incident opened or resumed for the console. On a shared store the lease comes first; a store
 * that cannot be reached leaves a new incident on the local file, said; a resume goes through the
 * store when it has the incident, and records a change of driver.
 */
import { existsSync } from "node:fs";
import { UsageError } from "../errors.js";
import { newIncidentId } from "../incident/identity.js";
import { IncidentSession } from "../incident/session.js";
import type { InputValue } from "../runbooks/inputs.js";
import type { Severity } from "../runbooks/schema.js";
import type { ResumeAsk, RunbookCard } from "../ui/store.js";
import { kubeRecord, type DrillMode, type StepWorld } from "./drill-mode.js";
import type { DrillSeat } from "./drill-seat.js";
import { resumeSession, type LocateRunbook, type ResumeAnswers } from "./resume.js";
import type { SharedDriving } from "./shared-driving.js";

/** A new incident on a runbook; `unshared` says why it is on the local file alone. Throws when it cannot be opened (someone else's lease among it). */
export async function openIncident(o: { card: RunbookCard; severity: Severity; inputs: Record<string, InputValue>; world: StepWorld; drill: DrillMode | undefined; shared: SharedDriving; mode: "console" | "drill"; dryRun: boolean }): Promise<{ session: IncidentSession; unshared?: string }> {
  const { card, world, drill } = o;
  const kube = kubeRecord(world);
  const mode = drill ? { mode: "drill" as const, scenario: drill.run.scenario.id } : { mode: o.mode };
  // On a shared store the lease comes first: the incident (a drill too: it can be handed over on this machine) is driven from here.
  const id = newIncidentId(card.runbook.id);
  let store = {};
  let unshared: string | undefined;
  try {
    store = await o.shared.drive(id);
  } catch (e) {
    // Someone else's lease is a refusal; a store that cannot be reached now must not hold the incident up: local file alone.
    if (e instanceof UsageError) throw e;
    unshared = `the shared store cannot be reached (${(e as Error).message}): this incident is on the local file alone; resume it once the store is back to share it`;
  }
  const session = IncidentSession.open({ id, ...store, dir: world.incidentsDir, runbook: card.runbook, ...(card.source ? { source: card.source } : {}), severity: o.severity, inputs: o.inputs, ...mode, dryRun: o.dryRun, ...(kube ? { kube } : {}) });
  // A drill on a shared store may be handed to another handrail on this machine: it is told where the world is.
  if (session.store.kind === "postgres") drill?.run.publish?.(session.id);
  return { session, ...(unshared ? { unshared } : {}) };
}

/** Resume an incident (its file, or one only in the shared store), or what must be asked first. */
export async function resumeIncident(file: string, answers: ResumeAnswers, o: { locate: LocateRunbook | undefined; shared: SharedDriving; drills: DrillSeat; env: Readonly<Record<string, string | undefined>> }): Promise<{ ask: ResumeAsk } | { session: IncidentSession; message?: string }> {
  if (!o.locate) throw new Error("resuming is not available here");
  // An incident only in the shared store (home lists the team's): its file is written from the store first.
  const via = await o.shared.resume(file, existsSync(file));
  const r = await resumeSession(via.file, o.locate, answers, via.share, o.env);
  if ("ask" in r) return { ask: r.ask };
  // The lease changed hands: said in the incident, by the one who drives now.
  const previous = via.previous();
  // A drill handed over from another handrail on this machine: its steps go to the world that one runs.
  if (r.drill) o.drills.adopt(r.drill);
  if (previous) r.session.record({ type: "driver.changed", from: previous.holder, to: o.shared.actor!, reason: previous.reason });
  return { session: r.session, ...(r.message ? { message: r.message } : {}) };
}

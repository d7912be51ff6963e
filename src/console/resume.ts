/**
 * What the console must ask before it resumes an incident: the values of its secret inputs
 * (never stored), and whether to go on with a runbook that changed since the incident opened.
 */
import { readIncidentFile } from "../incident/log.js";
import { replay } from "../incident/machine.js";
import { reapInterrupted } from "../incident/reap.js";
import { IncidentSession } from "../incident/session.js";
import { inputsFromEnv, secretSpecs } from "../runbooks/inputs.js";
import type { Runbook } from "../runbooks/schema.js";
import type { RunbookSource } from "../runbooks/source.js";
import type { StoreAttach } from "../incident/store/types.js";
import type { ResumeAsk } from "../ui/store.js";
import type { DrillRun } from "./drill-run.js";

/** Finds the runbook an incident was opened on (the command layer's resumeTarget). */
export type LocateRunbook = (file: string) => Promise<{ runbook: Runbook; source: RunbookSource; changed?: { was: string; now: string }; drill?: DrillRun }>;

export interface ResumeAnswers {
  secrets?: Record<string, string>;
  acceptChanged?: boolean;
  /** Take the lock even from a handrail that looks alive (resume --force-unlock). */
  forceUnlock?: boolean;
}

export type ResumeNeeds = { ask: ResumeAsk } | { ask?: undefined; runbook: Runbook; secrets: Record<string, string>; changed?: RunbookSource; drill?: DrillRun };

/**
 * Either what to ask the operator, or the runbook to resume with and the secrets' values. A secret
 * HANDRAIL_INPUT_<NAME> gives (checked as typed) is not asked, as `run --resume` takes it; one that
 * fails its check is asked, and the ask says why.
 */
export async function resumeNeeds(file: string, locate: LocateRunbook, answers: ResumeAnswers, env: Readonly<Record<string, string | undefined>> = {}): Promise<ResumeNeeds> {
  const target = await locate(file);
  const state = replay(target.runbook, readIncidentFile(file).events);
  const specs = target.runbook.inputs ?? {};
  const fromEnv = inputsFromEnv(secretSpecs(specs, state.secrets), env);
  const given = { ...(fromEnv.values as Record<string, string>), ...answers.secrets };
  const secrets = state.secrets.filter((n) => given[n] === undefined).map((name) => ({ name, prompt: specs[name]?.prompt ?? name }));
  const changed = target.changed && !answers.acceptChanged ? { file: target.source.file, was: target.changed.was, now: target.changed.now } : undefined;
  if (secrets.length > 0 || changed) {
    const problems = fromEnv.problems.length > 0 ? { problems: fromEnv.problems } : {};
    return { ask: { file, incident: state.id ?? file, secrets, ...(changed ? { changed } : {}), ...problems, answers: { secrets: given, acceptChanged: answers.acceptChanged === true, forceUnlock: answers.forceUnlock === true } } };
  }
  return { runbook: target.runbook, secrets: given, ...(target.changed ? { changed: target.source } : {}), ...(target.drill ? { drill: target.drill } : {}) };
}

/** A shared store's part in a resume: the lease taken, the file to resume, how its events reach the store. */
export type ShareResume = (file: string) => Promise<{ file: string; attach: StoreAttach; actor: string } | undefined>;

/** Resume when nothing is left to ask: the session, with a surviving group of an interrupted attempt ended first; or what to ask. */
export async function resumeSession(file: string, locate: LocateRunbook, answers: ResumeAnswers, share?: ShareResume, env: Readonly<Record<string, string | undefined>> = {}): Promise<{ ask: ResumeAsk } | { session: IncidentSession; message?: string; drill?: DrillRun }> {
  const needs = await resumeNeeds(file, locate, answers, env);
  if (needs.ask) return { ask: needs.ask };
  // Only once nothing is left to ask: the lease is taken for the resume itself.
  const shared = share ? await share(file) : undefined;
  const { session, read, interrupted } = IncidentSession.resume(shared?.file ?? file, needs.runbook, { secrets: needs.secrets, forceUnlock: answers.forceUnlock === true, ...(needs.changed ? { runbookChanged: needs.changed } : {}), ...(shared ? { store: shared.attach, actor: shared.actor } : {}) });
  const reaped = await reapInterrupted(session, read.events, interrupted);
  const drill = needs.drill ? { drill: needs.drill } : {};
  if (interrupted.length === 0) return { session, ...drill };
  return { session, ...drill, message: [`interrupted when handrail last stopped: ${interrupted.join(", ")} (offered again)`, ...reaped].join("; ") };
}

/**
 * `handrail run`: the walkthrough without a TUI, for scripts and CI. The same runner as the
 * console (`decide` + `perform`): this file only turns the flags into intents and prints.
 */
import type { StepResult } from "../executors/types.js";
import { formatDuration } from "../runbooks/duration.js";
import { displayCommand } from "./display.js";
import type { IncidentEvent } from "./events.js";
import { perform, type EffectIO } from "./effects.js";
import { walkVerdict } from "./outcomes.js";
import { describeClock, clock } from "./policy.js";
import { decide, type Command, type RunMode } from "./runner.js";
import type { IncidentSession } from "./session.js";

export interface HeadlessOptions {
  options: Record<string, string>;
  yes: boolean;
  dryRun: boolean;
  io: EffectIO;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether a terminal is attached (interactive steps need one). */
  terminal?: boolean;
  production?: boolean;
  /** Resuming: a step the last run stopped at is run again rather than reported as stopped. */
  retryHalted?: boolean;
  /** Go on past a step that stopped the walk (handrail test). */
  keepGoing?: boolean;
  /** The command that continues this incident, printed when the walk stops. */
  continueWith: (extra?: string[]) => string;
}

export type HeadlessOutcome = { exitCode: 0 | 1 | 130; message?: string };

function policyLine(e: IncidentEvent): string | undefined {
  if (e.type === "sla.breached") return `!! response time (${e.respondWithin} for ${e.severity}) breached`;
  if (e.type === "escalation.raised") return `!! escalate to ${e.to}${e.reason ? `: ${e.reason}` : ""} (after ${e.after})`;
  // A step's own delivery is printed with the step; these come from the clock or the resolve.
  if (e.type === "notify.sent" && !e.step) return `!! notified ${e.channel}${e.dryRun ? " (dry run: not sent)" : `: ${e.status ?? "sent"} in ${e.latencyMs} ms`}`;
  if (e.type === "notify.failed" && !e.step) return `!! notification to ${e.channel} failed: ${e.reason}`;
  return undefined;
}

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

/** Walk the incident to the end (or to the first stop), printing as it goes. */
export async function runHeadless(session: IncidentSession, opts: HeadlessOptions): Promise<HeadlessOutcome> {
  const mode: RunMode = {
    by: "--yes",
    dryRun: opts.dryRun,
    terminal: opts.terminal === true,
    production: opts.production === true,
    headless: { yes: opts.yes, options: opts.options, retryHalted: opts.retryHalted === true, ...(opts.keepGoing ? { keepGoing: true } : {}) },
  };
  const unsubscribe = session.subscribe((e) => {
    const line = policyLine(e);
    if (line) opts.err(`${line}\n`);
  });
  const stopped = async (reason: string, exitCode: 1 | 130, extra?: string[]): Promise<HeadlessOutcome> => {
    await opts.io.notifier.settle();
    const c = clock(session.state, Date.now());
    return { exitCode, message: `${reason}; the incident stays open${c ? `, ${describeClock(c)}` : ""}.\nContinue with: ${opts.continueWith(extra)}` };
  };
  // Someone else drives the incident now (a shared store): this run stops where it is, nothing more is done.
  let refused: string | undefined;
  const act = async (cmd: Command, io: EffectIO) => {
    const done = await perform(session, cmd, io);
    if (done.type === "refused") refused = done.reason;
    return done;
  };
  /** A step's command, printed as the operator reads it: header, command, output, result. */
  const stepCommand = async (cmd: Extract<Command, { type: "run" | "confirm" | "skip" }>): Promise<void> => {
    const item = cmd.item!;
    const step = item.step;
    const header = `\n▶ ${item.phaseId} › ${step.title}${item.item !== undefined ? ` [${item.item}]` : ""}${(session.state.steps[item.key]?.attempts ?? 0) > 0 ? " (again)" : ""}`;
    const shown = displayCommand(step, session.shown(item.item), cmd.type === "run" ? cmd.edited : undefined);
    opts.out(cmd.type === "confirm" || (cmd.type === "skip" && step.manual !== undefined) ? `${header}\n  ${indent(shown, "  ")}\n` : `${header}\n$ ${indent(shown, "  ")}\n`);
    const done = await act(cmd, { ...opts.io, onLines: (stream, lines) => (stream === "stderr" ? opts.err : opts.out)(lines.map((l) => `${l}\n`).join("")), onSkipped: (n) => opts.out(`  … ${n} lines not shown here (all kept in the incident)\n`) });
    if (done.type === "refused") opts.out(`  ✗ not done: ${done.reason}\n`);
    else if (cmd.type === "confirm") opts.out("  ✓ acknowledged (--yes)\n");
    else if (cmd.type === "skip") {
      if (done.type === "skipped" && done.payload !== undefined) opts.out(`  would send:\n    ${indent(done.payload, "    ")}\n`);
      opts.out(cmd.dryRun ? "  – dry run: not executed\n" : `  – skipped: ${cmd.reason}${cmd.condition ? ` (${cmd.condition})` : ""}\n`);
    } else if (done.type === "ran") printResult(done.result, opts);
  };
  try {
    for (;;) {
      if (refused !== undefined) return await stopped(`stopped: ${refused}`, 1);
      session.checkPolicy();
      const cmd = decide(session.state, { type: "next" }, mode);
      // A halted step is run again once, on resume; after that a stop is a stop.
      mode.headless!.retryHalted = false;
      switch (cmd.type) {
        case "end":
          break;
        case "stop":
          return await stopped(cmd.reason, cmd.status === "cancelled" ? 130 : 1, cmd.status === "needs-choice" ? [`--option ${cmd.step.replace(/^choose:/, "")}=…`] : undefined);
        case "refuse":
          // The preflight refuses all of these before anything runs; one reached mid-walk (a goto) stops the walk.
          return await stopped(`stopped: ${cmd.reason}`, 1, cmd.reason.includes("--yes") ? ["--yes"] : undefined);
        case "choose":
          if ((await act(cmd, opts.io)).type === "done") opts.out(`\n== ${cmd.phase}: option ${cmd.option}\n`);
          continue;
        case "skip":
          // A choice whose options do not apply now is passed over as a whole.
          if (!cmd.item) {
            if ((await act(cmd, opts.io)).type === "refused") continue;
            opts.out(`\n– ${cmd.key.replace(/^choose:/, "")}: passed over (${cmd.reason}${cmd.condition ? `: ${cmd.condition}` : ""})\n`);
            continue;
          }
          await stepCommand(cmd);
          continue;
        case "confirm":
        case "run":
          await stepCommand(cmd);
          continue;
        default:
          continue;
      }
      break;
    }
    await opts.io.notifier.settle();
  } finally {
    unsubscribe();
  }
  const verdict = walkVerdict(session.state);
  const c = clock(session.state, Date.now());
  const few = (keys: string[]) => `${keys.slice(0, 8).join(", ")}${keys.length > 8 ? ", …" : ""}`;
  const notes = [verdict.failed.length ? `${verdict.failed.length} not passed: ${few(verdict.failed)}` : "", verdict.found.length ? `${verdict.found.length} found the symptom: ${few(verdict.found)}` : "", verdict.skipped.length ? `${verdict.skipped.length} skipped` : "", verdict.notRun.length ? `${verdict.notRun.length} not run` : ""].filter(Boolean);
  opts.out(`\nWalkthrough ${verdict.failed.length ? "ended with steps that did not pass" : "complete"}${notes.length ? ` (${notes.join("; ")})` : ""}${c ? `; ${describeClock(c)}` : ""}.\nResolve with: handrail resolve ${session.file} --root-cause "…" --action-item "…"\n`);
  return { exitCode: verdict.failed.length > 0 ? 1 : 0 };
}

function printResult(r: StepResult, opts: HeadlessOptions): void {
  const reaped = typeof r.details?.reaped === "number" && r.details.reaped > 0 ? r.details.reaped : 0;
  if (reaped) opts.err(`  ended ${reaped} background process(es) the step left running (a step that must leave a daemon says detach: true)\n`);
  const took = formatDuration(r.durationMs);
  const timing = r.exitCode !== null ? `exit ${r.exitCode}, ${took}` : took;
  if (r.status === "passed") {
    opts.out(`  ✓ passed (${timing})\n`);
    return;
  }
  if (r.status === "found") {
    const seen = (r.found ?? []).map((x) => x.check.replace(/^found\./, "")).join("; ");
    opts.out(`  ◆ found: the symptom is present (${timing})${seen ? `: ${seen}` : ""}\n`);
    return;
  }
  const reasons = r.expectations.filter((x) => !x.passed).map((x) => x.reason);
  // Results go where ✓ goes (stdout, with the walk); stderr is the steps' own stderr and what stops or warns about the run.
  opts.out(`  ✗ ${r.status} (${timing})${reasons.length ? `: ${reasons.join("; ")}` : ""}${r.error ? `: ${r.error}` : ""}\n`);
  if (r.diagnosis) opts.out(`  ${r.diagnosis.summary}\n  hint: ${r.diagnosis.hint}\n`);
}

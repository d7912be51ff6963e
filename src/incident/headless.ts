/** `handrail run`: the walkthrough without a TUI, for scripts and CI. Same engine, same incident file. */
import type { KubeTarget } from "../executors/types.js";
import { formatDuration } from "../runbooks/duration.js";
import { RISKS, stepKind } from "../runbooks/schema.js";
import type { IncidentEvent } from "./events.js";
import { nextAction } from "./machine.js";
import { flatten, type PlannedStep } from "./plan.js";
import { describeClock, clock } from "./policy.js";
import type { IncidentSession } from "./session.js";

export interface HeadlessOptions {
  options: Record<string, string>;
  yes: boolean;
  dryRun: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  kube?: KubeTarget;
  out: (text: string) => void;
  err: (text: string) => void;
  signal: AbortSignal;
  /** Whether a terminal is attached (interactive steps need one). */
  terminal?: boolean;
  /** Resuming: a step the last run stopped at is run again rather than reported as stopped. */
  retryHalted?: boolean;
}

export type HeadlessOutcome = { exitCode: 0 | 1 | 2 | 130; message?: string };

const HIGH_RISK = new Set(RISKS.slice(RISKS.indexOf("high")));

function policyLine(e: IncidentEvent): string | undefined {
  if (e.type === "sla.breached") return `!! response time (${e.respondWithin} for ${e.severity}) breached`;
  if (e.type === "escalation.raised") return `!! escalate to ${e.to}${e.reason ? `: ${e.reason}` : ""} (after ${e.after})`;
  // A step's own delivery is printed with the step; these come from the clock or the resolve.
  if (e.type === "notify.sent" && !e.step) return `!! notified ${e.channel}${e.dryRun ? " (dry run: not sent)" : `: ${e.status ?? "sent"} in ${e.latencyMs} ms`}`;
  if (e.type === "notify.failed" && !e.step) return `!! notification to ${e.channel} failed: ${e.reason}`;
  return undefined;
}

/** Walk the incident to the end (or to the first stop), printing as it goes. */
export async function runHeadless(session: IncidentSession, opts: HeadlessOptions): Promise<HeadlessOutcome> {
  let failed = 0;
  let retry = opts.retryHalted === true;
  const unsubscribe = session.subscribe((e) => {
    const line = policyLine(e);
    if (line) opts.err(`${line}\n`);
  });
  try {
    for (;;) {
      session.checkPolicy();
      let action = nextAction(session.state);
      if (action.type === "halted" && retry) {
        const halted = action.step;
        const item = flatten(session.state.plan).find((i): i is PlannedStep => i.kind === "step" && i.key === halted);
        if (item) action = { type: "step", item, retry: true };
      }
      retry = false;
      if (action.type === "complete" || action.type === "resolved") break;
      if (action.type === "halted") {
        await session.notifier.settle();
        const c = clock(session.state, Date.now());
        return {
          exitCode: action.status === "cancelled" ? 130 : 1,
          message: `stopped at ${action.step} (${action.status}); the incident stays open${c ? `, ${describeClock(c)}` : ""}.\nContinue with: handrail run ${session.state.runbook.id} --resume ${session.file}`,
        };
      }
      if (action.type === "choose") {
        const option = opts.options[action.item.phaseId] ?? (action.item.options.length === 1 ? action.item.options[0]!.id : undefined);
        if (!option || !action.item.options.some((o) => o.id === option)) {
          return { exitCode: 2, message: `phase ${action.item.phaseId} needs a choice: --option ${action.item.phaseId}=<${action.item.options.map((o) => o.id).join(" | ")}>` };
        }
        session.choose(action.item.phaseId, option, opts.options[action.item.phaseId] ? "--option" : "only option");
        opts.out(`\n== ${action.item.phaseId}: option ${option}\n`);
        continue;
      }
      const item = action.item;
      const step = item.step;
      const header = `\n▶ ${item.phaseId} › ${step.title}${item.item !== undefined ? ` [${item.item}]` : ""}${action.retry ? " (again)" : ""}`;
      if (stepKind(step) === "manual") {
        opts.out(`${header}\n  ${session.displayCommand(step, item.item).replace(/\n/g, "\n  ")}\n`);
        if (opts.yes) session.confirmManual(item, "--yes");
        else session.skip(item.key, "manual step: not confirmed in a headless run (pass --yes to acknowledge)");
        opts.out(opts.yes ? "  ✓ acknowledged (--yes)\n" : "  – skipped: manual step (pass --yes to acknowledge)\n");
        continue;
      }
      const command = session.displayCommand(step, item.item);
      opts.out(`${header}\n$ ${command.replace(/\n/g, "\n  ")}\n`);
      if (step.interactive && !opts.terminal && !opts.dryRun) {
        session.skip(item.key, "interactive step: needs a terminal", command);
        opts.out("  – skipped: interactive step, no terminal attached\n");
        continue;
      }
      if (opts.dryRun) {
        if (step.notify) opts.out(`  would send:\n    ${session.notifier.dryRun(item).replace(/\n/g, "\n    ")}\n`);
        session.skip(item.key, "dry run", command);
        opts.out("  – dry run: not executed\n");
        continue;
      }
      if (step.risk && HIGH_RISK.has(step.risk) && !opts.yes) {
        return { exitCode: 2, message: `step ${item.key} has risk ${step.risk}: pass --yes to run it.\nContinue with: handrail run ${session.state.runbook.id} --resume ${session.file} --yes` };
      }
      const run = await session.runStep(item, { env: opts.env, cwd: opts.cwd, ...(opts.kube ? { kube: opts.kube } : {}) }, {
        signal: opts.signal,
        onLines: (stream, lines) => (stream === "stderr" ? opts.err : opts.out)(lines.map((l) => `${l}\n`).join("")),
        onSkipped: (n) => opts.out(`  … ${n} lines not shown here (all kept in the incident)\n`),
      });
      const r = run.result;
      const took = formatDuration(r.durationMs);
      if (r.status === "passed") {
        opts.out(`  ✓ passed (${r.exitCode !== null ? `exit ${r.exitCode}, ` : ""}${took})\n`);
      } else {
        failed++;
        const reasons = r.expectations.filter((x) => !x.passed).map((x) => x.reason);
        opts.err(`  ✗ ${r.status}${r.exitCode !== null ? ` (exit ${r.exitCode}, ${took})` : ` (${took})`}${reasons.length ? `: ${reasons.join("; ")}` : ""}${r.error ? `: ${r.error}` : ""}\n`);
        if (r.diagnosis) opts.err(`  ${r.diagnosis.summary}\n  hint: ${r.diagnosis.hint}\n`);
      }
    }
    await session.notifier.settle();
  } finally {
    unsubscribe();
  }
  const c = clock(session.state, Date.now());
  opts.out(`\nWalkthrough complete${c ? `; ${describeClock(c)}` : ""}.\nResolve with: handrail resolve ${session.file} --root-cause "…" --action-item "…"\n`);
  return { exitCode: failed > 0 ? 1 : 0 };
}

/** Steps that need --yes, found before anything runs (for the plan as chosen). */
export function riskySteps(items: ReturnType<typeof flatten>): PlannedStep[] {
  return items.filter((i): i is PlannedStep => i.kind === "step" && i.step.risk !== undefined && HIGH_RISK.has(i.step.risk));
}

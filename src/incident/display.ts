/**
 * What the operator reads of a step: its command, message or call with values substituted and
 * secrets masked. Pure, and one-way: a `Display` is never executed (see runbooks/template.ts).
 */
import { renderHttp } from "../executors/http.js";
import { formatDuration } from "../runbooks/duration.js";
import type { Step } from "../runbooks/schema.js";
import { stepKind } from "../runbooks/step-kind.js";
import { asDisplay, substitute, type Display, type Template } from "../runbooks/template.js";
import type { EventOf } from "./events.js";
import type { IncidentState } from "./machine.js";

/** Everything display text is rendered from. */
export interface Shown {
  /** Inputs and handrail's own variables, secret values masked. */
  vars: Readonly<Record<string, string>>;
  /** Incident fields only a notify message may use (`$elapsed`, `$last_step`…): not in any step's environment. */
  incident: Readonly<Record<string, string>>;
  /** Masks credentials that look like one, and every secret value known to this process. */
  redact(text: string): string;
}

/** Incident fields a notify message may use: `$runbook_title`, `$elapsed`, `$last_step`, `$last_result`. */
export function incidentVars(state: IncidentState, now: number): Record<string, string> {
  const openedAt = state.opened ? Date.parse(state.opened.ts) : now;
  const last = Object.values(state.steps)
    .map((r) => r.last)
    .filter((e): e is EventOf<"step.finished"> => e !== undefined)
    .sort((a, b) => b.seq - a.seq)[0];
  return {
    runbook_title: state.runbook.title,
    elapsed: formatDuration(Math.max(0, now - openedAt)),
    last_step: last?.step ?? "none",
    last_result: last ? `${last.status}${last.exitCode !== null ? ` (exit ${last.exitCode})` : ""}` : "none",
  };
}

/** A notify step's message as it will be sent. */
export function notifyText(step: Step, shown: Shown): Display {
  return asDisplay(shown.redact(substitute(step.notify?.message ?? "", { ...shown.incident, ...shown.vars }).trim()));
}

/** The command as the operator reads it; `edited` is the operator's own script for this run. */
export function displayCommand(step: Step, shown: Shown, edited?: Template): Display {
  const { vars } = shown;
  switch (stepKind(step)) {
    case "notify":
      return asDisplay(`notify ${step.notify!.channel}${step.notify!.severity ? ` (${step.notify!.severity})` : ""}: ${notifyText(step, shown)}`);
    case "run":
      return asDisplay(shown.redact(substitute(edited ?? step.run!, vars)));
    case "manual":
      return asDisplay(shown.redact(substitute(step.manual!, vars)));
    case "http": {
      try {
        const r = renderHttp(step.http!, { ...vars });
        return asDisplay(shown.redact(`${r.method} ${r.url}`));
      } catch {
        return asDisplay(shown.redact(substitute(step.http!.url, vars)));
      }
    }
    case "k8s":
      return asDisplay(`k8s ${Object.entries(step.k8s!).map(([k, v]) => `${k}=${substitute(String(v), vars)}`).join(" ")}`);
  }
}

/** The name a high-risk step asks to be typed back, as the operator sees it. */
export function targetText(step: Step, shown: Shown): string | undefined {
  return step.target === undefined ? undefined : substitute(step.target, shown.vars);
}

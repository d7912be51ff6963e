/**
 * After a crash, the step that was running may still be: its process group outlived handrail.
 * On resume, before the step is offered again, what is left of it is ended — only when its
 * leader is provably the process the step started (pid and start time, same boot).
 */
import { endSurvivingGroup } from "../executors/process-group.js";
import type { EventOf, IncidentEvent } from "./events.js";
import type { IncidentSession } from "./session.js";

/** End the surviving groups of the interrupted steps; one line for the operator per group found. */
export async function reapInterrupted(session: IncidentSession, events: readonly IncidentEvent[], interrupted: readonly string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const step of interrupted) {
    const proc = events.filter((e): e is EventOf<"step.process"> => e.type === "step.process" && e.step === step).at(-1);
    if (!proc || proc.startTime === undefined || proc.bootId === undefined) continue;
    const found = await endSurvivingGroup(proc.pgid, proc.startTime, proc.bootId);
    if (found.state === "gone") continue;
    session.record({ type: "process.ended", step, pgid: proc.pgid, state: found.state, processes: found.processes, ...(found.state === "not-ours" ? { reason: found.reason } : {}) });
    lines.push(
      found.state === "ended"
        ? `the interrupted attempt of ${step} was still running: ended its ${found.processes} process(es) (group ${proc.pgid}) before offering it again`
        : `processes of group ${proc.pgid} (the interrupted ${step}) are still running but cannot be proven ours (${found.reason}): check them, then kill -- -${proc.pgid} if they are`,
    );
  }
  return lines;
}

/**
 * `handrail follow <incident>`: a shared incident, read-only and live. Headless: one line per
 * event as it reaches the store (or --json, one event per line), until Ctrl-C.
 */
import { createInterface } from "node:readline";
import { UsageError } from "../errors.js";
import { operatorName } from "../incident/identity.js";
import type { IncidentEvent } from "../incident/events.js";
import type { StoredEvent } from "../incident/store/pg-events.js";
import { StoreError } from "../incident/store/url.js";
import type { CommandContext } from "./context.js";
import { requireSharedStore } from "./store.js";

/** One line for an event: `#12 09:14:03 alice  step.finished pods: failed (exit 1)`. Pure. */
export function followLine(e: IncidentEvent, actor: string): string {
  const head = `#${e.seq} ${e.ts.slice(11, 19)} ${actor}  ${e.type}`;
  switch (e.type) {
    case "incident.opened":
      return `${head} ${e.incident}: ${e.runbook.title} (${e.severity})`;
    case "phase.entered":
      return `${head} ${e.phase}`;
    case "step.started":
      return `${head} ${e.step}${e.command ? `: ${e.command}` : ""}`;
    case "step.output":
      return `${head} ${e.step} (${e.stream}): ${e.lines.join(" | ")}`;
    case "step.finished":
      return `${head} ${e.step}: ${e.status}${e.exitCode !== null ? ` (exit ${e.exitCode})` : ""}${e.error ? ` ${e.error}` : ""}`;
    case "step.skipped":
      return `${head} ${e.step}: ${e.reason}`;
    case "option.chosen":
      return `${head} ${e.phase}: ${e.option}`;
    case "note.added":
      return `${head} ${e.text}`;
    case "severity.changed":
      return `${head} ${e.from} -> ${e.to}${e.reason ? ` (${e.reason})` : ""}`;
    case "driver.changed":
      return `${head} ${e.from} -> ${e.to} (${e.reason})`;
    case "incident.resolved":
      return `${head} root cause: ${e.rootCause}`;
    default:
      return head;
  }
}

/** Follow until the signal aborts it (Ctrl-C); exit 0. */
export async function followCommand(ctx: CommandContext, incidentId: string, opts: { json?: boolean }, signal?: AbortSignal): Promise<number> {
  const store = await requireSharedStore(ctx, "follow");
  const write = (s: StoredEvent[]) => process.stdout.write(s.map((x) => (opts.json ? JSON.stringify({ ...x.event, actor: x.actor }) : followLine(x.event, x.actor))).join("\n") + "\n");
  const ac = new AbortController();
  const stopOn = () => ac.abort();
  process.once("SIGINT", stopOn);
  process.once("SIGTERM", stopOn);
  signal?.addEventListener("abort", stopOn);
  const actor = operatorName(ctx.env);
  const follower = store.follow(incidentId, write, { actor, onConnection: (error) => process.stderr.write(error ? `store: offline (${error}); following again when it returns\n` : "store: online again\n") });
  try {
    await follower.ready.catch((e: unknown) => {
      throw e instanceof StoreError ? new UsageError(e.message) : e;
    });
    if (follower.seq === 0) throw new UsageError(`no incident ${incidentId} in the store at ${store.target.where}`, "handrail incidents --store … lists them");
    const driver = await store.driver(incidentId);
    process.stderr.write(`following ${incidentId} on ${store.target.shown} (read-only${driver ? `; ${driver.holder} drives` : ""}); a line typed is added as a note; Ctrl-C to stop\n`);
    // Followers may add notes: each line read becomes a note.added by this operator.
    const lines = createInterface({ input: process.stdin, terminal: false });
    lines.on("line", (line) => {
      if (line.trim() === "") return;
      store.addNote(incidentId, actor, line).then(
        (seq) => process.stderr.write(`note added (#${seq})\n`),
        (e: unknown) => process.stderr.write(`note not added: ${e instanceof Error ? e.message : String(e)}\n`),
      );
    });
    ac.signal.addEventListener("abort", () => lines.close(), { once: true });
    if (!ac.signal.aborted) await new Promise<void>((resolve) => ac.signal.addEventListener("abort", () => resolve(), { once: true }));
    return 0;
  } finally {
    process.off("SIGINT", stopOn);
    process.off("SIGTERM", stopOn);
    await follower.stop();
    await store.close();
  }
}

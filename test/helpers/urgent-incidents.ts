/**
 * A store of incidents in every state that decides urgency, each made by the built binary as an
 * operator would: one breached at once (critical, respondWithin 1ms), one interrupted (kill -9 in
 * the middle of a long step), calm ones, a dry run, a resolved one and a finished drill.
 */
import { execa } from "execa";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { isAlive } from "../../src/executors/process-group.js";
import type { IncidentEvent } from "../../src/incident/events.js";
import { BIN, NO_NOTIFY_ENV, runCli } from "./cli.js";
import { waitFor } from "./steps.js";

function runbookYaml(id: string, severities: string, run: string): string {
  return ["apiVersion: handrail/v1", "kind: Runbook", `id: ${id}`, `title: ${id}`, ...(severities ? ["severities:", severities] : []), "phases:", "  - id: work", "    kind: diagnose", "    title: Work", "    steps:", `      - { id: look, title: Look, run: '${run}' }`, ""].join("\n");
}

/** The runbooks: `breach-fast` (critical: 1ms), `calm-check` (high: 1h), `long-step` (a step of ten minutes). */
export function urgentRunbooks(dir: string): string {
  const runbooks = path.join(dir, "runbooks-urgent");
  mkdirSync(runbooks, { recursive: true });
  writeFileSync(path.join(runbooks, "breach-fast.yaml"), runbookYaml("breach-fast", "  critical: { respondWithin: 1ms }", "echo looked"));
  writeFileSync(path.join(runbooks, "calm-check.yaml"), runbookYaml("calm-check", "  high: { respondWithin: 1h }", "echo looked"));
  writeFileSync(path.join(runbooks, "long-step.yaml"), runbookYaml("long-step", "", "echo waiting; sleep 600"));
  return runbooks;
}

const jsonl = (store: string) => (existsSync(store) ? readdirSync(store).filter((f) => f.endsWith(".jsonl")) : []);

export function eventsOf(file: string): IncidentEvent[] {
  return readFileSync(file, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as IncidentEvent);
}

/** `handrail run` one runbook into the store; the new incident's file. */
export async function runIncident(cwd: string, store: string, runbooks: string, id: string, args: string[] = []): Promise<string> {
  const before = new Set(jsonl(store));
  const r = await runCli(["run", id, "--runbooks", runbooks, "--incidents", store, ...args], { cwd });
  expect(r.exitCode, r.stderr).toBe(0);
  const name = jsonl(store).find((f) => !before.has(f));
  if (!name) throw new Error(`handrail run ${id} left no incident in ${store}:\n${r.stderr}`);
  return path.join(store, name);
}

export interface Hanging {
  file: string;
  /** kill -9 of handrail itself, as a crash or an OOM kill would do it. */
  crash(): Promise<void>;
}

/** `handrail run long-step` until its step runs; the step's own group is ended after the test, by the pgid the file records. */
export async function startLongStep(cwd: string, store: string, runbooks: string, onCleanup: (fn: () => void) => void, args: string[] = []): Promise<Hanging> {
  const before = new Set(jsonl(store));
  const child = execa(process.execPath, [BIN, "run", "long-step", "--runbooks", runbooks, "--incidents", store, ...args], { cwd, env: { HANDRAIL_PATH: undefined, ...NO_NOTIFY_ENV }, reject: false });
  onCleanup(() => {
    if (child.pid !== undefined && isAlive(child.pid)) child.kill("SIGKILL");
  });
  let file = "";
  let pgid = 0;
  await waitFor(() => {
    const name = jsonl(store).find((f) => !before.has(f));
    if (!name) return false;
    file = path.join(store, name);
    const proc = eventsOf(file).find((e) => e.type === "step.process");
    if (proc?.type === "step.process") pgid = proc.pgid;
    return pgid > 0;
  }, "the long step to start");
  onCleanup(() => {
    if (isAlive(pgid)) process.kill(-pgid, "SIGKILL");
  });
  return {
    file,
    crash: async () => {
      child.kill("SIGKILL");
      await child;
    },
  };
}

/** A drill walked to its end with a wrong choice (about a second): a finished drill in <store>/drills. */
export async function finishedDrill(cwd: string, store: string): Promise<string> {
  const r = await runCli(["run", "emergency-rollback", "--drill", "crashloop-rollback", "--yes", "--option", "rollback=configuration", "--incidents", store], { cwd, env: { HOME: cwd, KUBECONFIG: path.join(cwd, "no-such-kubeconfig") }, timeoutMs: 60_000 });
  expect(r.exitCode, r.stderr).toBe(1);
  const drills = path.join(store, "drills");
  return path.join(drills, jsonl(drills)[0]!);
}

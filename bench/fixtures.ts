/** What the benchmarks run on, generated into temp dirs: a flood runbook, a runbook library, a large incident. */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadRunbookText } from "../src/runbooks/load.js";
import { ROOT } from "./measure.js";

/** A one-step runbook printing `$lines` lines, with a `service` input for the cluster panel. */
export function floodRunbook(dir: string): string {
  writeFileSync(
    path.join(dir, "flood.yaml"),
    [
      "apiVersion: handrail/v1",
      "kind: Runbook",
      "id: flood",
      "title: Flood",
      "inputs:",
      "  service: { type: name, default: api }",
      "  namespace: { type: name, default: default }",
      "  lines: { type: int, default: 1000 }",
      "phases:",
      "  - id: p",
      "    kind: diagnose",
      "    title: Flood",
      "    steps:",
      "      - id: seq",
      "        title: Print many lines",
      '        run: seq 1 "$lines"',
      "      - { id: after, title: After the flood, run: 'true' }",
      "",
    ].join("\n"),
  );
  return dir;
}

/** Issue 18's library: 1,000 runbooks of 22 MB, when the shipped runbooks averaged 22 kB. */
export const LIBRARY_BYTES_PER_RUNBOOK = 22_000;

/**
 * `count` runbooks of about LIBRARY_BYTES_PER_RUNBOOK each on average (never less): copies of the
 * shipped ones with new ids, each cut after a phase where what is left still validates clean, the
 * cuts chosen so that the five average the least they can at or above that size. The shipped
 * runbooks grew to ~42 kB with their rewrite; whole copies would time a library twice the issue's.
 */
export function runbookLibrary(dir: string, count: number): string {
  const shipped = readdirSync(path.join(ROOT, "runbooks")).filter((f) => f.endsWith(".yaml"));
  const texts = pickCuts(shipped.map((f) => validPrefixes(readFileSync(path.join(ROOT, "runbooks", f), "utf8"), f)));
  for (let i = 0; i < count; i++) {
    const text = texts[i % texts.length]!.replace(/^id: (\S+)$/m, `id: $1-copy-${i}`);
    writeFileSync(path.join(dir, `${i}-${shipped[i % shipped.length]}`), text);
  }
  return dir;
}

/** The runbook cut after each of its phases (phases come last in the shipped files), where the cut has no problems. */
function validPrefixes(text: string, file: string): string[] {
  const phases = text.indexOf("\nphases:\n");
  const starts = [...text.matchAll(/^ {2}- id: /gm)].map((m) => m.index).filter((i) => i > phases);
  const cuts = [...starts.slice(1).map((end) => text.slice(0, end)), text];
  return cuts.filter((cut) => loadRunbookText(cut, file).problems.length === 0);
}

/** One cut of each runbook: the least total at or above LIBRARY_BYTES_PER_RUNBOOK each on average. */
function pickCuts(choices: string[][]): string[] {
  const floor = LIBRARY_BYTES_PER_RUNBOOK * choices.length;
  let best: { texts: string[]; bytes: number } | undefined;
  const visit = (i: number, texts: string[], bytes: number) => {
    if (best !== undefined && bytes >= best.bytes) return;
    if (i === choices.length) {
      if (bytes >= floor) best = { texts, bytes };
      return;
    }
    for (const t of choices[i]!) visit(i + 1, [...texts, t], bytes + Buffer.byteLength(t));
  };
  visit(0, [], 0);
  if (best === undefined) throw new Error(`the shipped runbooks are smaller than ${LIBRARY_BYTES_PER_RUNBOOK} bytes on average`);
  return best.texts;
}

/**
 * An incident of `events` events as a long console session writes them: many steps, each
 * started, a few output batches, finished; notes, a severity change, an option, resolved.
 */
export function largeIncident(dir: string, events: number): string {
  const id = "20261124-0312-deployment-failure-3fa9";
  const file = path.join(dir, `${id}.jsonl`);
  const t0 = Date.parse("2026-11-24T03:12:00.000Z");
  const lines: string[] = [];
  let seq = 0;
  const push = (body: Record<string, unknown>) => {
    seq++;
    lines.push(JSON.stringify({ seq, ts: new Date(t0 + seq * 250).toISOString(), ...body }));
  };
  push({ type: "incident.opened", incident: id, runbook: { id: "deployment-failure", title: "Deployment Failure" }, severity: "high", mode: "console", dryRun: false, kube: { context: "prod-eu", namespace: "shop" }, user: "oncall", host: "laptop", version: "0.1.0" });
  for (const [name, value] of [["service", "api"], ["namespace", "shop"], ["environment", "production"]]) push({ type: "input.set", name, value });
  push({ type: "severity.changed", from: "high", to: "critical", reason: "users affected" });
  push({ type: "option.chosen", phase: "remediate", option: "rollback", by: "oncall" });
  const phases = ["assess", "diagnose", "remediate", "verify"];
  for (let n = 0; seq < events - 2; n++) {
    const phase = phases[n % phases.length]!;
    if (n % 50 === 0) push({ type: "phase.entered", phase });
    const step = `check-${n}`;
    push({ type: "step.started", step, phase, kind: "run", command: `kubectl get pods -l app="api" -n "shop" # ${n}`, attempt: 1 });
    for (let b = 0; b < 3 && seq < events - 3; b++) {
      push({ type: "step.output", step, stream: b === 2 ? "stderr" : "stdout", lines: Array.from({ length: 8 }, (_, i) => `api-7d9f8-${n}-${b}-${i}   1/1   Running   0   ${i}m`) });
    }
    const failed = n % 17 === 0;
    push({ type: "step.finished", step, status: failed ? "failed" : "passed", exitCode: failed ? 1 : 0, signal: null, durationMs: 100 + (n % 900), expectations: [{ check: "exitCode", passed: !failed }], ...(failed ? { tail: ["error: pods not ready"] } : {}) });
    if (n % 97 === 0) push({ type: "note.added", text: `looked at step ${n}`, step });
  }
  while (seq < events - 1) push({ type: "note.added", text: "closing note" });
  push({ type: "incident.resolved", rootCause: "a bad image", actionItems: ["pin images", "add a canary"] });
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

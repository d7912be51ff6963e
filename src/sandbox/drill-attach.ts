/**
 * A drill driven from another handrail on the same machine (a hand-over on a shared store, issue
 * 20). A drill's world lives in the process that started it; that process leaves a note in the
 * drill's own directory of where everything is (the cluster, the kubeconfig, the working
 * directory, the inbox, the judge), and another handrail finds it by the incident's id while that
 * process lives. Only the same user on the same machine can read it (the directory is 0700).
 */
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { drillsRoot } from "./drill.js";
import type { DrillHealth } from "./scenarios/types.js";

export interface DrillAttach {
  incident: string;
  scenario: string;
  /** The handrail that runs the world. */
  pid: number;
  server: string;
  kubeconfig: string;
  context: string;
  namespace: string;
  cwd: string;
  /** The world's additions to the environment of every step. */
  env: Record<string, string>;
  inbox: { url: string; smtpUrl: string };
  judgeUrl: string;
}

const NOTE = "attach.json";

/** Leave the note (atomically: a reader never sees half of it). */
export function publishDrill(root: string, attach: DrillAttach): void {
  const file = path.join(root, NOTE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(attach)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The running drill of an incident on this machine, if a live handrail runs its world. */
export function findDrill(incident: string, base?: string): DrillAttach | undefined {
  const root = drillsRoot(base);
  for (const name of readdirSync(root)) {
    if (!name.startsWith("drill-")) continue;
    let attach: DrillAttach;
    try {
      attach = JSON.parse(readFileSync(path.join(root, name, NOTE), "utf8")) as DrillAttach;
    } catch {
      continue;
    }
    if (attach.incident === incident && alive(attach.pid)) return attach;
  }
  return undefined;
}

/** The drill's verdict from the handrail that runs its world. */
export async function judgeRemotely(judgeUrl: string): Promise<{ health: DrillHealth; healthyAt?: number }> {
  let res: Response;
  try {
    res = await fetch(judgeUrl, { signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    throw new Error(`the handrail that runs the drill's world does not answer at ${judgeUrl} (${(e as Error).message})`);
  }
  if (!res.ok) throw new Error((await res.text()).trim() || `the drill's judge answered ${res.status}`);
  const body = (await res.json()) as { health: DrillHealth; healthyAt: number | null };
  return { health: body.health, ...(body.healthyAt !== null ? { healthyAt: body.healthyAt } : {}) };
}

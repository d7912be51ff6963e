/**
 * A running drill: the simulated cluster, the scenario's local services, a private working
 * directory and the drill's own kubeconfig, with the scenario's broken world built in them.
 * Nothing here reads or writes the user's kubeconfig; everything listens on 127.0.0.1.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { startNotifyInbox, type NotifyInbox } from "./notify-inbox.js";
import { startKubeSandbox } from "./server.js";
import type { DrillHealth, DrillWorld, Scenario } from "./scenarios/types.js";

/**
 * Milliseconds between ticks of a drill's cluster: fast enough that a rollback settles in a few
 * seconds, slow enough that `kubectl get pods -w` and the cluster panel show each state change.
 */
export const DRILL_TICK_MS = 250;

/** How long the end of a drill waits for a fix that is still rolling out before judging it. */
export const DRILL_SETTLE_MS = 20_000;

export interface DrillOptions {
  /** Where the drill's private directory is made (the system temp directory unless given). */
  baseDir?: string;
  tickMs?: number;
  /** Keep the drill directory after stop() (to look at what the steps left there). */
  keepDir?: boolean;
  settleMs?: number;
}

export interface Drill {
  scenario: Scenario;
  world: DrillWorld;
  /** The drill's own kubeconfig (its only context points at the simulated cluster). */
  kubeconfig: string;
  context: string;
  /** The runbook inputs the scenario supplied. */
  inputs: Record<string, string | string[]>;
  /** Where the drill's notifications go instead of real channels. */
  inbox: NotifyInbox;
  /** The scenario's verdict, once a fix still rolling out has settled (or the settle time ran out). */
  health(): Promise<DrillHealth>;
  /** When the scenario's health condition first held during the drill (ms since the epoch): the moment of mitigation. */
  healthyAt(): number | undefined;
  /**
   * The same verdict over HTTP on 127.0.0.1 (GET → `{ health, healthyAt }`): another handrail on this
   * machine that drives the drill (a hand-over on a shared store) judges it without its world.
   */
  judgeUrl: string;
  /** The drill's own directory (its working directory is `work` in it; removed by stop()). */
  root: string;
  /** Stop every server of the drill and remove its directory; safe to call twice. */
  stop(): Promise<void>;
}

/** The kubeconfig context of a drill: never a name a real cluster would have in the user's config. */
export function drillContext(scenarioId: string): string {
  return `drill-${scenarioId}`;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * The per-user directory drills are made in. A drill whose process was killed (a closed
 * terminal, kill -9) cannot clean up after itself: its directory is swept by the next drill.
 */
export function drillsRoot(base: string = tmpdir()): string {
  const root = path.join(base, `handrail-${process.getuid?.() ?? 0}`);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(root)) {
    const pid = Number(/^drill-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ESRCH") rmSync(path.join(root, name), { recursive: true, force: true });
    }
  }
  return root;
}

/** Ask the scenario again after each change of the cluster while it says it is settling, up to `settleMs`. */
async function settledHealth(scenario: Scenario, world: DrillWorld, settleMs: number): Promise<DrillHealth> {
  const first = await scenario.health(world);
  if (!first.settling) return first;
  return new Promise<DrillHealth>((resolve) => {
    let last = first;
    let pending = false;
    let over = false;
    const done = (h: DrillHealth) => {
      over = true;
      clearTimeout(timer);
      unsubscribe();
      resolve(h);
    };
    // Changes arrive in the middle of a tick; judge the cluster once the tick is over.
    const check = async () => {
      pending = false;
      const h = await scenario.health(world);
      last = h;
      if (!h.settling && !over) done(h);
    };
    const timer = setTimeout(() => done(last), settleMs);
    const unsubscribe = world.kube.store.subscribe(() => {
      if (pending || over) return;
      pending = true;
      setImmediate(() => void check());
    });
  });
}

/** How often the world's health is asked while a drill runs (besides after each change of the cluster). */
export const HEALTH_WATCH_MS = 1_000;

/**
 * Watch the scenario's health while the drill runs: the first moment it holds is when the incident
 * was mitigated (not when some step passed). Asked after each change of the cluster and every second
 * (a scenario's own services change without the cluster).
 */
function watchHealth(scenario: Scenario, world: DrillWorld): { healthyAt: () => number | undefined; stop: () => void } {
  let at: number | undefined;
  let busy = false;
  let over = false;
  const check = () => {
    if (busy || over || at !== undefined) return;
    busy = true;
    void Promise.resolve(scenario.health(world))
      .then((h) => {
        if (h.healthy && !h.settling && at === undefined && !over) at = Date.now();
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  };
  const timer = setInterval(check, HEALTH_WATCH_MS);
  timer.unref();
  const unsubscribe = world.kube.store.subscribe(() => setImmediate(check));
  return {
    healthyAt: () => at,
    stop: () => {
      over = true;
      clearInterval(timer);
      unsubscribe();
    },
  };
}

/** Start a drill of `scenario`; on any failure during setup everything started so far is stopped. */
export async function startDrill(scenario: Scenario, opts: DrillOptions = {}): Promise<Drill> {
  const root = mkdtempSync(path.join(drillsRoot(opts.baseDir ?? tmpdir()), `drill-${process.pid}-${scenario.id}-`));
  const dir = path.join(root, "work");
  await mkdir(dir, { recursive: true });
  const servers: Server[] = [];
  const kube = await startKubeSandbox({ tickMs: opts.tickMs ?? DRILL_TICK_MS });
  let inbox: NotifyInbox | undefined;
  let watch: ReturnType<typeof watchHealth> | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      watch?.stop();
      await Promise.all([kube.stop(), inbox?.stop(), ...servers.map(close)]);
      if (!opts.keepDir) rmSync(root, { recursive: true, force: true });
    })());
  try {
    inbox = await startNotifyInbox();
    const context = drillContext(scenario.id);
    const kubeconfig = await kube.writeKubeconfig(root, { context });
    const world: DrillWorld = {
      kube,
      dir,
      // kubectl caches discovery per host:port under the home directory; a drill keeps its own.
      env: { KUBECACHEDIR: path.join(root, "kube-cache") },
      serve: async (name: string, handler: (req: IncomingMessage, res: ServerResponse) => void) => {
        const server = createServer((req, res) => {
          try {
            handler(req, res);
          } catch (e) {
            if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
            res.end(`drill service ${name} failed: ${(e as Error).message}\n`);
          }
        });
        servers.push(server);
        const port = await listen(server);
        return `http://127.0.0.1:${port}`;
      },
    };
    const inputs = await scenario.setup(world);
    const health = () => settledHealth(scenario, world, opts.settleMs ?? DRILL_SETTLE_MS);
    const w = watchHealth(scenario, world);
    watch = w;
    const judgeUrl = await world.serve("judge", (_req, res) => {
      void health().then(
        (h) => {
          res.writeHead(200, { "Content-Type": "application/json" });
          res.end(JSON.stringify({ health: h, healthyAt: w.healthyAt() ?? null }));
        },
        (e: unknown) => {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end(`the drill could not be judged: ${(e as Error).message}\n`);
        },
      );
    });
    return { scenario, world, kubeconfig, context, inputs, inbox, health, healthyAt: w.healthyAt, judgeUrl, root, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

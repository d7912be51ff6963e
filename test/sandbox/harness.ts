/**
 * One sandbox per test file, the real kubectl against it, and waits on conditions (never sleeps):
 * store conditions wake on the store's own change events, kubectl output is polled to a deadline.
 */
import { execa, type ResultPromise } from "execa";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startKubeSandbox, type ClusterStore, type KubeSandbox, type KubeSandboxOptions } from "../../src/sandbox/index.js";

export interface KubectlResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface SandboxHarness {
  sandbox: KubeSandbox;
  store: ClusterStore;
  kubeconfig: string;
  dir: string;
  /** Run the real kubectl against the sandbox, with a private discovery cache. */
  kubectl(args: string[], timeoutMs?: number): Promise<KubectlResult>;
  /** Start a long-running kubectl (watch, follow) whose output the test reads while it runs. */
  spawnKubectl(args: string[]): ResultPromise<{ reject: false; buffer: false }>;
  stop(): Promise<void>;
}

export async function startHarness(opts: KubeSandboxOptions = {}): Promise<SandboxHarness> {
  const dir = await mkdtemp(path.join(tmpdir(), "handrail-sandbox-"));
  const sandbox = await startKubeSandbox({ tickMs: 50, ...opts });
  const kubeconfig = await sandbox.writeKubeconfig(dir);
  const base = ["--kubeconfig", kubeconfig, "--cache-dir", path.join(dir, "cache")];
  const env = { PATH: process.env.PATH, HOME: dir };
  return {
    sandbox,
    store: sandbox.store,
    kubeconfig,
    dir,
    async kubectl(args, timeoutMs = 30_000) {
      const r = await execa("kubectl", [...base, ...args], { reject: false, timeout: timeoutMs, env, extendEnv: false });
      return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    spawnKubectl(args) {
      return execa("kubectl", [...base, ...args], { reject: false, buffer: false, env, extendEnv: false });
    },
    async stop() {
      await sandbox.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolve when `check` holds, re-checking on every store change; fails after `timeoutMs`. */
export function waitForStore(store: ClusterStore, check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = store.subscribe(() => {
      if (!check()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}

/** Poll an async probe until it returns a value (not undefined); fails after `timeoutMs` with the last probe shown. */
export async function pollFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** kubectl's table output as rows keyed by column header. */
export function parseTable(stdout: string): { headers: string[]; rows: Record<string, string>[] } {
  const lines = stdout.split("\n").filter((l) => l.trim() !== "");
  const header = lines[0] ?? "";
  const headers = header.trim().split(/\s{2,}/);
  // Columns start where their header starts; cells can contain single spaces ("3 (2s ago)").
  const starts: number[] = [];
  for (const h of headers) starts.push(header.indexOf(h, starts.length ? (starts.at(-1) ?? 0) + 1 : 0));
  const rows = lines.slice(1).map((line) =>
    Object.fromEntries(headers.map((h, i) => [h, line.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : undefined).trim()])),
  );
  return { headers, rows };
}

/** Pods of a deployment that are up: ready, running, not terminating. */
export function readyPods(store: ClusterStore, namespace: string, deployment: string): number {
  return store
    .podsOf(namespace, deployment)
    .filter((p) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;
}

/** A deployment whose rollout is complete by the same rule `kubectl rollout status` uses. */
export function rolledOut(store: ClusterStore, namespace: string, name: string): boolean {
  const d = store.peek("deployments", namespace, name);
  if (!d) return false;
  const s = d.status;
  return (
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) &&
    s.updatedReplicas === d.spec.replicas &&
    s.replicas === d.spec.replicas &&
    s.availableReplicas === d.spec.replicas
  );
}

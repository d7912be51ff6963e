/**
 * The cluster panel at scale: 5,000 pods of the service in one namespace of the simulated
 * cluster. Time from the panel key to the first frame showing pods, and to the frame counting
 * all of them (both against `kubectl get pods` listing them, its discovery cache warm); from one
 * pod changing while the console is quiet to the frame showing it, and from a pod changing just
 * after another (which waits for the next frame) to the frame showing it (both against a bare
 * watch request seeing a change).
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { startKubeSandbox, type ClusterStore, type KubeSandbox } from "../../src/sandbox/index.js";
import { floodRunbook } from "../fixtures.js";
import { BIN, startTmux, tempDir } from "../measure.js";
import { figure, type Figure } from "../stats.js";

const run = promisify(execFile);
const NAMESPACE = "shop";
/** Long enough for the console to have drawn everything pending (a few 34 ms frames). */
const QUIET_MS = 150;
const POD = /\b(api-\d{5})\s+1\/1\s+Running\b/;

function seedPods(store: ClusterStore, count: number): void {
  store.ensureNamespace(NAMESPACE);
  const startedAt = store.timestamp();
  for (let i = 0; i < count; i++) {
    store.create("pods", {
      metadata: { name: `api-${String(i).padStart(5, "0")}`, namespace: NAMESPACE, labels: { app: "api" } },
      spec: { nodeName: "sandbox-node", containers: [{ name: "api", image: "shop/api:1.0" }] },
      status: {
        phase: "Running",
        conditions: [{ type: "Ready", status: "True" }],
        containerStatuses: [{ name: "api", image: "shop/api:1.0", imageID: "", ready: true, started: true, restartCount: 0, state: { running: { startedAt } }, lastState: {} }],
      },
    });
  }
}

/** Make a pod crash, as the kubelet would report it (`restarts` 0: healthy again). */
function crash(store: ClusterStore, name: string, restarts: number): void {
  store.mutate("pods", NAMESPACE, name, (p) => {
    const s = p.status.containerStatuses![0]!;
    s.ready = restarts === 0;
    s.restartCount = restarts;
    s.state = restarts === 0 ? { running: { startedAt: store.timestamp() } } : { waiting: { reason: "CrashLoopBackOff", message: "back-off" } };
  });
}

/** Time until a plain watch stream (what any client sees first) delivers a change made now. */
async function watchSees(sandbox: KubeSandbox, name: string, restarts: number): Promise<number> {
  const abort = new AbortController();
  const res = await fetch(`${sandbox.url}/api/v1/namespaces/${NAMESPACE}/pods?watch=1&labelSelector=app%3Dapi&resourceVersion=${sandbox.store.resourceVersion}`, { signal: abort.signal });
  const reader = res.body!.getReader();
  const t0 = performance.now();
  crash(sandbox.store, name, restarts);
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the watch ended before the change");
    text += Buffer.from(value).toString("utf8");
    if (text.includes(`"name":"${name}"`)) break;
  }
  const ms = performance.now() - t0;
  abort.abort();
  await reader.cancel().catch(() => undefined);
  return ms;
}

export async function clusterPanel(pods: number, rounds: number, updatesPerRound: number): Promise<Figure[]> {
  const dir = floodRunbook(tempDir("cluster"));
  const sandbox = await startKubeSandbox({ tickMs: 0, seed: (store) => seedPods(store, pods) });
  const first: number[] = [];
  const whole: number[] = [];
  const listed: number[] = [];
  const update: number[] = [];
  const following: number[] = [];
  const watched: number[] = [];
  let restarts = 0;
  try {
    const kubeconfig = await sandbox.writeKubeconfig(dir, { context: "bench", namespace: NAMESPACE });
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const out = await run("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", path.join(dir, "kube-cache"), "get", "pods", "-l", "app=api", "-n", NAMESPACE], { maxBuffer: 64 * 1024 * 1024 });
      listed.push(performance.now() - t0);
      if (out.stdout.split("\n").filter((l) => l.startsWith("api-")).length !== pods) throw new Error("kubectl did not list every pod");

      const term = await startTmux(`node ${BIN} --runbooks ${dir} --incidents ${path.join(dir, `incidents-${i}`)} --kubeconfig ${kubeconfig} open flood --severity low --set service=api --set namespace=${NAMESPACE} --set lines=1`, { cwd: dir });
      try {
        await term.waitFor("Flood › Print many lines");
        const k0 = performance.now();
        await term.type("k");
        const shown = await term.waitFor(POD, 60_000);
        first.push(shown.at - k0);
        // The first rows can show while the list is still arriving: the whole list is timed too (its count line).
        const all = await term.waitFor(`${pods} pods: ${pods} running, 0 not`, 60_000);
        whole.push(all.at - k0);
        const crashed = (name: string, n: number) => new RegExp(`${name}\\s+0/1\\s+Running\\s+${n} restarts\\s+CrashLoopBackOff`);
        const healed = (names: string[]) => (screen: string) => names.every((n) => new RegExp(`${n}\\s+1/1\\s+Running\\s+0 restarts`).test(screen));
        for (let u = 0; u < updatesPerRound; u++) {
          const [a, b, c] = [...(await term.screen()).matchAll(new RegExp(POD, "g"))].map((m) => m[1]!);
          if (!a || !b || !c) throw new Error("fewer than three pods on the screen to change");
          // One pod changes while the console is quiet (nothing drawn for a few frames).
          await new Promise((r) => setTimeout(r, QUIET_MS));
          restarts++;
          const u0 = performance.now();
          crash(sandbox.store, a, restarts);
          update.push((await term.waitFor(crashed(a, restarts), 30_000)).at - u0);
          // A pod changes just after another (as the bare watch's change reaches the console): it waits for the next frame.
          restarts++;
          watched.push(await watchSees(sandbox, b, restarts));
          await term.screen();
          restarts++;
          const f0 = performance.now();
          crash(sandbox.store, c, restarts);
          following.push((await term.waitFor(crashed(c, restarts), 30_000)).at - f0);
          for (const n of [a, b, c]) crash(sandbox.store, n, 0);
          await term.waitFor(healed([a, b, c]), 30_000);
        }
      } finally {
        await term.kill();
      }
      // Healthy again, so the next round starts from the same cluster.
      for (const p of sandbox.store.peekAll("pods", NAMESPACE)) if (p.status.containerStatuses?.[0]?.restartCount) crash(sandbox.store, p.metadata.name, 0);
    }
  } finally {
    await sandbox.stop();
  }
  return [
    figure({ name: `cluster panel, ${pods} pods: key to first view`, unit: "ms", subject: first, baselineName: "kubectl get pods", baseline: listed, target: { ratio: 1 } }),
    figure({ name: `cluster panel, ${pods} pods: key to the whole list shown`, unit: "ms", subject: whole, baselineName: "kubectl get pods", baseline: listed }),
    figure({ name: `cluster panel, ${pods} pods: one pod changes to frame`, unit: "ms", subject: update, baselineName: "a bare watch request", baseline: watched, target: { max: 50 } }),
    figure({ name: `cluster panel, ${pods} pods: a pod change right after another, to frame`, unit: "ms", subject: following, baselineName: "a bare watch request", baseline: watched, note: "waits for the next 30 fps frame" }),
  ];
}

/** startDrill and the scenario registry: the broken world is real to kubectl, and only the remedy heals it. */
import { execa } from "execa";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EXIT, UsageError } from "../../src/errors.js";
import { startDrill, type Drill } from "../../src/sandbox/drill.js";
import { findScenario } from "../../src/sandbox/scenarios/index.js";
import { shippedScenarios } from "../helpers/scenarios.js";
import { pollFor, waitForStore } from "../sandbox/harness.js";

const scenarios = await shippedScenarios();
const scenario = (id: string) => findScenario(id, scenarios);

let drill: Drill | undefined;
afterEach(async () => {
  await drill?.stop();
  drill = undefined;
});

async function kubectl(d: Drill, args: string[]) {
  const r = await execa("kubectl", ["--kubeconfig", d.kubeconfig, ...args], { reject: false, cwd: d.world.dir, env: { ...d.world.env, HOME: d.world.dir }, timeout: 30_000 });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("the scenario registry", () => {
  it("has unique kebab-case ids, each on a runbook, with a remedy", () => {
    const ids = scenarios.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of scenarios) {
      expect(s.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(Object.keys(s.remedy).length).toBeGreaterThan(0);
    }
    expect(scenario("crashloop-rollback").runbook).toBe("emergency-rollback");
  });

  it("an unknown id is a usage error that suggests the closest one", () => {
    let error: unknown;
    try {
      findScenario("crashlop-rollback", scenarios);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(EXIT.usage);
    expect((error as UsageError).message).toBe('no drill scenario "crashlop-rollback" (did you mean "crashloop-rollback"?)');
  });
});

describe("startDrill", () => {
  it("crashloop-rollback: its own kubeconfig and context, pods crash-looping, healthy only after rollout undo", async () => {
    const d = (drill = await startDrill(scenario("crashloop-rollback"), { tickMs: 50 }));
    expect(d.context).toBe("drill-crashloop-rollback");
    expect(readFileSync(d.kubeconfig, "utf8")).toContain(d.world.kube.url);
    expect(d.inputs).toMatchObject({ service: "api", namespace: "shop" });
    expect((await d.health()).healthy).toBe(false);
    const pods = await kubectl(d, ["get", "pods", "-n", "shop", "-l", "app=api"]);
    expect(pods.exitCode).toBe(0);
    const rows = pods.stdout.trim().split("\n").slice(1);
    expect(rows).toHaveLength(3);
    // Between crashes a pod shows Running, Error or CrashLoopBackOff, but never ready and never without restarts.
    for (const row of rows) expect(row).toMatch(/ 0\/1 +(CrashLoopBackOff|Error|Running) +[1-9]/);
    const logs = await kubectl(d, ["logs", "deployment/api", "-n", "shop", "--tail=100"]);
    expect(logs.stdout.split("\n").filter((l) => l.includes("ERROR")).length).toBeGreaterThan(10);
    // The wrong fix: a restart brings the same bad image back.
    expect((await kubectl(d, ["rollout", "restart", "deployment/api", "-n", "shop"])).exitCode).toBe(0);
    await waitForStore(d.world.kube.store, () => d.world.kube.store.podsOf("shop", "api").some((p) => p.status.containerStatuses?.some((c) => c.restartCount > 0) === true), "a restart of the bad image");
    expect((await d.health()).healthy).toBe(false);
    // After the restart the previous revision is the bad image again: go back to the first one.
    expect((await kubectl(d, ["rollout", "undo", "deployment/api", "-n", "shop", "--to-revision=1"])).exitCode).toBe(0);
    const store = d.world.kube.store;
    let detail = "";
    await waitForStore(store, () => {
      const h = scenario("crashloop-rollback").health(d.world) as { healthy: boolean; detail: string };
      detail = h.detail;
      return h.healthy;
    }, "api healthy after the undo", 20_000);
    expect(detail).toBe("3/3 pods of api ready on shop/api:1.4.2");
  });

  it("stuck-rollout: one new pod never ready, the old ones serving; undo heals it", async () => {
    const d = (drill = await startDrill(scenario("stuck-rollout"), { tickMs: 50 }));
    const h = await d.health();
    expect(h.healthy).toBe(false);
    expect(h.detail).toContain("still on shop/api:1.5.1");
    expect((await kubectl(d, ["rollout", "undo", "deployment/api", "-n", "shop"])).exitCode).toBe(0);
    await waitForStore(d.world.kube.store, () => (scenario("stuck-rollout").health(d.world) as { healthy: boolean }).healthy, "api healthy after the undo", 20_000);
  });

  it("at the drill's own tick rate, kubectl get pods -w shows the crash loop and the recovery as they happen", async () => {
    const d = (drill = await startDrill(scenario("crashloop-rollback")));
    const watch = execa("kubectl", ["--kubeconfig", d.kubeconfig, "get", "pods", "-n", "shop", "-l", "app=api", "-w"], { reject: false, buffer: false, cwd: d.world.dir, env: { ...d.world.env, HOME: d.world.dir } });
    let out = "";
    watch.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
    // The restarts climb on their own, one back-off after another.
    await pollFor(async () => (/api-\S+ +0\/1 +CrashLoopBackOff +[2-9]/.test(out) ? true : undefined), "a pod backing off after two restarts or more");
    await kubectl(d, ["rollout", "undo", "deployment/api", "-n", "shop"]);
    await pollFor(async () => (/api-\S+ +0\/1 +ContainerCreating/.test(out) ? true : undefined), "a new pod being created");
    await pollFor(async () => (/api-\S+ +1\/1 +Running +0/.test(out) ? true : undefined), "a new pod running and ready");
    watch.kill();
    await watch;
    expect((await d.health()).healthy).toBe(true);
  });

  it("serve() answers on 127.0.0.1 and stop() closes every server and removes the drill directory", async () => {
    const d = (drill = await startDrill(scenario("crashloop-rollback"), { tickMs: 50 }));
    const url = await d.world.serve("health", (_req, res) => res.end("ok"));
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${url}/health`)).text()).toBe("ok");
    const dir = path.dirname(d.world.dir);
    await d.stop();
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    await expect(fetch(`${d.world.kube.url}/healthz`)).rejects.toThrow();
    expect(existsSync(dir)).toBe(false);
  });

  it("sweeps the directory of a drill whose process died without cleaning up, and keeps a live one's", async () => {
    const base = mkdtempSync(path.join(tmpdir(), "handrail-drill-test-"));
    try {
      const dead = await execa(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
      const root = path.join(base, `handrail-${process.getuid?.() ?? 0}`);
      const stale = path.join(root, `drill-${dead.stdout}-crashloop-rollback-abc123`);
      const live = path.join(root, `drill-${process.ppid}-crashloop-rollback-def456`);
      mkdirSync(path.join(stale, "work"), { recursive: true });
      mkdirSync(live, { recursive: true });
      const d = (drill = await startDrill(scenario("crashloop-rollback"), { tickMs: 50, baseDir: base }));
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
      expect(d.world.dir.startsWith(root)).toBe(true);
    } finally {
      await drill?.stop();
      drill = undefined;
      rmSync(base, { recursive: true, force: true });
    }
  });
});

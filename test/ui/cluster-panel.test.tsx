/** The cluster panel stays within its rows however many pods there are, troubled pods first. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { render } from "ink-testing-library";
import { describe, expect, it, onTestFinished } from "vitest";
import { prepareKube } from "../../src/executors/kubeconfig.js";
import { startKubeSandbox } from "../../src/sandbox/index.js";
import { ClusterPanel, panelRows, podMark } from "../../src/ui/cluster-panel.js";
import { ConsoleProvider } from "../../src/ui/context.js";
import type { ConsoleController } from "../../src/ui/controller.js";
import { createConsoleStore, type ConsoleView, type PodView } from "../../src/ui/store.js";
import { ROOT } from "../helpers/cli.js";
import { plain, renderConsole } from "../helpers/ui.js";

const pod = (name: string, reason = "", phase = "Running"): PodView => ({ name, phase, ready: reason ? "0/1" : "1/1", restarts: reason ? 3 : 0, reason });

describe("the cluster panel at scale", () => {
  it("keeps troubled pods first and counts the rest", () => {
    const items = [pod("a"), pod("b"), pod("c", "CrashLoopBackOff"), pod("d"), pod("e", "", "Pending")];
    expect(panelRows(items, 5)).toEqual({ shown: items });
    const { shown, summary } = panelRows(items, 3);
    expect(shown.map((p) => p.name)).toEqual(["c", "e"]);
    expect(summary).toBe("5 pods: 3 running, 2 not · 3 more not shown");
    expect(panelRows(items, 4).shown.map((p) => p.name)).toEqual(["c", "e", "a"]);
  });

  it("shows a crash among 300 healthy pods of the simulated cluster", async () => {
    const sandbox = await startKubeSandbox({ tickMs: 0 });
    onTestFinished(() => sandbox.stop());
    sandbox.store.ensureNamespace("shop");
    for (let i = 0; i < 300; i++) {
      const name = `api-${String(i).padStart(3, "0")}`;
      const crashing = i === 299;
      sandbox.store.create("pods", {
        metadata: { name, namespace: "shop", labels: { app: "api" } },
        spec: { nodeName: "sandbox-node", containers: [{ name: "api", image: "shop/api:1.0" }] },
        status: {
          phase: "Running",
          containerStatuses: [{ name: "api", image: "shop/api:1.0", imageID: "", ready: !crashing, started: true, restartCount: crashing ? 4 : 0, state: crashing ? { waiting: { reason: "CrashLoopBackOff" } } : { running: {} }, lastState: {} }],
        },
      });
    }
    const dir = mkdtempSync(path.join(tmpdir(), "handrail-panel-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const prepared = await prepareKube({ kubeconfig: await sandbox.writeKubeconfig(dir, { namespace: "shop" }), env: {} }, dir);
    if (!prepared.ok) throw new Error(prepared.message);
    const c = await renderConsole({ runbooksDir: path.join(ROOT, "test/fixtures/engine"), onCleanup: onTestFinished, kube: prepared.target });
    await c.controller.startIncident("walk", "high", { service: "api", participants: ["a"], marker: "none" });
    await c.waitFor("Assess › Say hello");
    await c.press("k");
    const frame = await c.waitFor("300 pods: 299 running, 1 not");
    expect(frame).toMatch(/api-299\s+0\/1\s+Running\s+4 restarts\s+CrashLoopBackOff/);
    expect(frame.match(/api-\d{3}\s/g)?.length).toBeLessThanOrEqual(12);
  });
});

/** The panel alone, drawn from the given state (colours kept). */
function drawPanel(pods: NonNullable<ConsoleView["pods"]>): string {
  const ui = render(
    <ConsoleProvider store={createConsoleStore({ pods })} controller={{} as ConsoleController} interactive={false}>
      <ClusterPanel />
    </ConsoleProvider>,
  );
  onTestFinished(() => ui.unmount());
  return ui.lastFrame() ?? "";
}

describe("the cluster panel says what it does not know", () => {
  it("while the list arrives: the rows so far, counted as so far", () => {
    expect(panelRows([pod("a"), pod("b")], 5, { listing: true })).toEqual({ shown: [pod("a"), pod("b")], summary: "2 pods so far · still listing…" });
    const frame = plain(drawPanel({ selector: "app=api", namespace: "shop", items: [pod("a")], listing: true }));
    expect(frame).toContain("1 pods so far · still listing…");
    expect(frame).not.toMatch(/pods: \d+ running/);
  });

  it("once the connection is lost, no pod is drawn healthy: no green, a ? mark, and why", () => {
    const items = [pod("api-a"), pod("api-b", "CrashLoopBackOff"), pod("api-c", "", "Pending")];
    expect(podMark(items[0]!, false, "●")).toEqual({ color: "green", mark: "●" });
    for (const p of items) expect(podMark(p, true, "●")).toEqual({ color: "gray", mark: "?" });
    const frame = plain(drawPanel({ selector: "app=api", namespace: "shop", items, stale: true, error: "the cluster refused the connection" }));
    const rows = frame.split("\n").filter((l) => l.includes("api-"));
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatch(/\? api-/);
    expect(frame).not.toContain("●");
    expect(frame).toContain("the cluster refused the connection");
    expect(frame).toContain("3 pods as last seen · status unknown until the cluster answers again");
  });
});

/** Home and the drill picker as an operator sees them: Drills first when no cluster answers. */
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { KEYS, renderConsole } from "../helpers/ui.js";
import type { DrillCard } from "../../src/ui/store.js";

const ENGINE = path.join(ROOT, "test/fixtures/engine");
const drills: DrillCard[] = [
  { id: "crashloop-rollback", runbook: "emergency-rollback", title: "api crash-loops after release 1.5.0", severity: "medium", needs: [], missing: [] },
  { id: "canary-gate", runbook: "canary-release", title: "the canary breaches its error-rate gate", severity: "high", needs: ["docker"], missing: ["docker not on PATH"] },
];

describe("drills on home", () => {
  it("no reachable cluster: Drills above the runbooks with the reason, the cursor on them; typing still searches runbooks", async () => {
    const c = await renderConsole({ runbooksDir: ENGINE, onCleanup: onTestFinished, view: { drills, cluster: { state: "unreachable", reason: "connection refused at 127.0.0.1:6443" } } });
    const f = await c.waitFor("Drills");
    expect(f).toContain("No cluster is reachable (connection refused at 127.0.0.1:6443).");
    expect(f.indexOf("Drills")).toBeLessThan(f.indexOf("handrail — runbooks"));
    expect(f).toContain("(canary-gate)");
    expect(f).toContain("needs docker not on");
    await c.press("w", "a");
    await c.waitFor("search: wa");
    expect(c.frame()).not.toContain("Slow steps");
    await c.press(KEYS.escape, KEYS.tab);
    // Enter on the first drill asks the controller to start it (this one has no launcher and says so).
    await c.press(KEYS.enter);
    await c.waitFor("drills are not available here");
  });

  it("a reachable cluster: runbooks first, the drills after the open incidents; while checking, it says so", async () => {
    const c = await renderConsole({ runbooksDir: ENGINE, onCleanup: onTestFinished, view: { drills, cluster: { state: "checking" } } });
    const f = await c.waitFor("checking the cluster…");
    expect(f.indexOf("handrail — runbooks")).toBeLessThan(f.indexOf("Drills"));
    expect(f.indexOf("open incidents")).toBeLessThan(f.indexOf("Drills"));
    c.store.setState({ cluster: { state: "unreachable", reason: "no kubeconfig" } });
    const after = await c.waitFor("No cluster is reachable (no kubeconfig)");
    expect(after.indexOf("Drills")).toBeLessThan(after.indexOf("handrail — runbooks"));
  });

  it("the drill picker shows only the drills", async () => {
    const c = await renderConsole({ runbooksDir: ENGINE, onCleanup: onTestFinished, view: { drills, homeMode: "drills" } });
    const f = await c.waitFor("handrail — drills");
    expect(f).toContain("api crash-loops after release 1.5.0 (crashloop-rollback)");
    expect(f).not.toContain("handrail — runbooks");
    await c.press("2");
    await c.waitFor("drills are not available here");
  });
});

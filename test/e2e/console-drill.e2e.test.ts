/**
 * `handrail` on a machine with no cluster: home offers the drills first; the emergency-rollback
 * drill walked in tmux with the real kubectl against its simulated cluster (run, skip, jump,
 * the service option, risk confirmations), resolved; then the incident file and the report.
 */
import { execa } from "execa";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { EventOf, IncidentEvent } from "../../src/incident/events.js";
import { BIN, runCli, scratchDir } from "../helpers/cli.js";
import { closedPort, writeKubeconfig } from "../helpers/kube.js";
import { titlesOf } from "../helpers/drill-headless.js";
import { cardTitle, startTerminal, type Terminal, WALK_END } from "../helpers/tmux.js";

const hasTmux = (await execa("tmux", ["-V"], { reject: false })).exitCode === 0;

/** Type into a prompt the way an operator does: the first key, then the rest once the prompt shows it. */
async function answer(term: Terminal, prompt: string, text: string): Promise<void> {
  await term.waitFor(prompt);
  await term.type(text[0]!);
  await term.waitFor(`${prompt} ${text[0]!}`);
  await term.type(text.slice(1));
  await term.keys("Enter");
}

describe.skipIf(!hasTmux)("a drill in the console, from home on a machine with no cluster", () => {
  it("Drills first, the emergency-rollback drill walked to healthy, the incident and the report complete", async () => {
    const dir = scratchDir(onTestFinished);
    const term = await startTerminal(`node ${BIN}`, { cwd: dir, height: 60, env: { HOME: dir, KUBECONFIG: path.join(dir, "no-kubeconfig") } });
    onTestFinished(() => term.kill());

    const home = await term.waitFor("No cluster is reachable (no kubeconfig)");
    expect(home.indexOf("Drills")).toBeGreaterThanOrEqual(0);
    expect(home.indexOf("Drills")).toBeLessThan(home.indexOf("handrail — runbooks"));
    expect(home).toContain("api crash-loops after release 1.5.0 (crashloop-rollback)");
    await term.keys("Enter");
    const first = await term.waitFor("Immediate assessment › Check service health");
    expect(first).toContain(" DRILL ");
    expect(first).toContain("⎈ drill-crashloop-rollback / shop");
    expect(first).toContain("DRILL briefing — api crash-loops after release 1.5.0");

    // The cluster panel follows the service's pods through the drill's own kubeconfig.
    await term.keys("k");
    await term.waitFor("pods app=api in shop");
    await term.waitFor(/● api-\S+ +0\/1 +\w+ +\d+ restarts/);
    await term.act("r");
    // The crash loop is the symptom this step looks for: found (◆), and the walk goes on.
    await term.waitFor(/◆ Check service health — found/);
    await term.waitFor("Immediate assessment › Check error rates");
    await term.keys("s");
    await answer(term, "Why skip it?", "the panel shows the crash loop");
    await term.waitFor("Check error rates — skipped");
    // Straight to the rollback: the jump picker lists the phases, Rollback is the third.
    await term.keys("j");
    await term.waitFor("3. Rollback");
    await term.type("3");
    await term.waitFor("Rollback: choose how to proceed");
    await term.act("1");
    await term.waitFor("Record the replica count");

    const skipWith: Record<string, string> = { "Check health endpoints": "the panel shows the three pods ready" };
    for (let turn = 0; turn < 60; turn++) {
      // A settled frame: the end of the walk, or a step card (a frame caught mid-redraw can lack it).
      const screen = await term.waitUntil((s) => s.includes(WALK_END) || !!cardTitle(s), "a step card", 15_000);
      if (screen.includes(WALK_END)) break;
      const title = cardTitle(screen);
      // A step is over when the card moves on (or stops on it); the history may hold a same-named step already.
      // A frame caught mid-redraw can lack the card: only a card that is there and different counts (a
      // missing one read as "moved" let the next turn see this step again and skip the one after it).
      const moved = (screen: string) => {
        if (screen.includes(WALK_END)) return true;
        const now = cardTitle(screen);
        return now !== undefined && (now !== title || /stopped:/.test(screen.split(/[╝╯┛]/).at(-1) ?? ""));
      };
      const reason = skipWith[title!];
      if (reason) {
        await term.keys("s");
        await answer(term, "Why skip it?", reason);
        await term.waitUntil((s) => moved(s) && s.includes(`${title!} — skipped`), `${title!} skipped`, 45_000);
        continue;
      }
      await term.act(screen.includes("Press y when done.") ? "y" : "r");
      const after = await term.waitUntil((screen) => screen.includes("y / n") || screen.includes("ctrl-c cancel step") || moved(screen), `${title!} to start`, 15_000);
      // Risk medium and high on a drill context: a yes/no, never the production name typed back.
      if (after.includes("y / n")) await term.type("y");
      await term.waitUntil(moved, `${title!} to finish`, 45_000);
    }
    // Phases were jumped over and steps skipped: the end says so, never "Every step is done".
    expect(await term.waitFor(WALK_END)).toContain("The walk reached its end, but not every step passed:");
    // The panel shows the recovered pods: ready, on the previous image, no restarts.
    await term.waitFor(/(● api-\S+ +1\/1 +Running +0 restarts[\s\S]*){3}/);
    await term.type("x");
    await answer(term, "Root cause:", "release 1.5.0 ran a migration that fails on start");
    await term.waitFor("…more (empty to finish):");
    await term.keys("Enter");
    await term.waitFor("Action item 1");
    await term.type("g");
    await term.waitFor("Action item 1 (empty to finish): g");
    await term.type("ate migrations in CI");
    await term.keys("Enter");
    await term.waitFor("Action item 2");
    await term.keys("Enter");
    await term.waitFor("Impact:");
    await term.keys("Enter");
    const closing = await term.waitFor("DRILL crashloop-rollback: HEALTHY", 30_000);
    expect(closing).toContain(" DRILL ");
    expect(closing).toContain("3/3 pods of api ready on shop/api:1.4.2");
    expect(closing).toMatch(/time to diagnosis {3}\S+ \(a fix chosen\)/);
    // Two skipped by hand, six passed over by the jump to the rollback, "Scale if needed" by its condition: nine.
    // 6 jumped over and 2 skipped by the operator; the step not needed by its condition is not counted (163dfa2).
    expect(closing).toMatch(/steps skipped {7}8/);
    await term.type("q");
    await term.waitFor("y / n");
    await term.type("y");
    await term.waitFor("[exited 0]");

    const drills = path.join(dir, "incidents", "drills");
    const file = path.join(drills, readdirSync(drills).find((f) => f.endsWith(".jsonl"))!);
    const evs = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
    expect(evs.map((e) => e.seq)).toEqual(evs.map((_, i) => i + 1));
    expect(evs[0]).toMatchObject({ type: "incident.opened", mode: "drill", scenario: "crashloop-rollback", severity: "medium" });
    // Every step started was finished, and each skip has its reason.
    const started = evs.filter((e): e is EventOf<"step.started"> => e.type === "step.started");
    const finished = evs.filter((e): e is EventOf<"step.finished"> => e.type === "step.finished");
    expect(finished.map((e) => e.step)).toEqual(started.map((e) => e.step));
    const skipped = evs.filter((e): e is EventOf<"step.skipped"> => e.type === "step.skipped");
    expect(skipped.filter((e) => e.reason !== "jumped").map((e) => [e.step, e.reason])).toEqual([
      ["error-count", "the panel shows the crash loop"],
      ["recovery-health", "the panel shows the three pods ready"],
      ["scale-up", "condition"],
    ]);
    // The jump to the rollback passed over the rest of the assessment and the whole declaration phase.
    expect(skipped.filter((e) => e.reason === "jumped").map((e) => e.to)).toEqual(Array(6).fill("rollback"));
    expect(evs.find((e) => e.type === "phase.entered" && e.phase === "rollback")).toMatchObject({ jump: true });
    expect(evs.find((e) => e.type === "option.chosen")).toMatchObject({ phase: "rollback", option: "service" });
    const status = (id: string) => finished.filter((e) => e.step === id).at(-1)?.status;
    expect(status("pods-not-running")).toBe("found");
    for (const step of ["replicas-before", "scale-zero", "undo", "scale-restore", "rollout-status", "recovery-status", "available", "all-pods", "errors-after"]) expect(status(step), step).toBe("passed");
    const resolved = evs.findIndex((e) => e.type === "incident.resolved");
    expect(evs[resolved]).toMatchObject({ rootCause: "release 1.5.0 ran a migration that fails on start", actionItems: ["gate migrations in CI"] });
    expect(evs.at(-1)).toMatchObject({ type: "drill.finished", scenario: "crashloop-rollback", healthy: true, walkComplete: true, skipped: 8 });

    // The report's timeline has a line for every action in the file, in order.
    const report = (await runCli(["report", file], { cwd: dir })).stdout;
    const timeline = report.slice(report.indexOf("## Timeline"), report.indexOf("\n## ", report.indexOf("## Timeline") + 1));
    const t = titlesOf(evs);
    const expected = [
      ...started.map((s) => `${t.phaseTitle(s.phase)} › ${t.stepTitle(s.step)}: ${finished.find((f) => f.seq > s.seq && f.step === s.step)!.acknowledged ? "confirmed" : finished.find((f) => f.seq > s.seq && f.step === s.step)!.status}`),
      "Skipped Check error rates: the panel shows the crash loop · `error-count`",
      "Skipped Check health endpoints: the panel shows the three pods ready · `recovery-health`",
      ...skipped.filter((e) => e.reason === "jumped").map((e) => `Skipped ${t.stepTitle(e.step)}: jumped over (to Rollback) · \`${e.step}\``),
      "Chose **Immediate service rollback** in Rollback",
      "Incident resolved",
      "Drill finished: healthy",
    ];
    for (const line of expected) expect(timeline).toContain(line);
    // The drill's notifications were delivered (to its own inbox) and are in the timeline too.
    const notified = evs.filter((e) => e.type === "notify.sent" || e.type === "notify.failed");
    expect(notified.length).toBeGreaterThan(0);
    expect(notified.every((e) => e.type === "notify.sent")).toBe(true);
    expect(timeline.split("\n").filter((l) => l.startsWith("- ")).length).toBe(1 + started.length + skipped.length + 1 + 1 + 1 + notified.length);
    expect(report).toContain("# Incident Report: Emergency Rollback (DRILL)");
    expect(report).toContain("- Outcome: healthy — 3/3 pods of api ready on shop/api:1.4.2");
  }, 120_000);

  it("stuck-rollout: a wrong option (state recovery), then a jump to the verification: the service check fails and the drill stays broken", async () => {
    const dir = scratchDir(onTestFinished);
    const term = await startTerminal(`node ${BIN} drill stuck-rollout`, { cwd: dir, height: 60, env: { HOME: dir, KUBECONFIG: path.join(dir, "none") } });
    onTestFinished(() => term.kill());
    await term.waitFor("Immediate assessment › Check service health");
    await term.keys("j");
    await term.waitFor("3. Rollback");
    await term.type("3");
    await term.waitFor("Rollback: choose how to proceed");
    // Offered at medium: 1 service, 2 configuration, 3 state (the database and full-train rollbacks are for higher severities).
    await term.act("3");
    await term.waitFor("Rollback › Restore service state");
    // The state endpoint answers on an old pod that still serves: restoring and reading the state pass.
    for (const [title, done] of [["Restore service state", /Restore service state — passed/], ["Verify state", /Verify state — passed/]] as const) {
      await term.waitFor(`Rollback › ${title}`);
      await term.act("r");
      const after = await term.waitUntil((s) => s.includes("y / n") || done.test(s), `${title} to run`, 15_000);
      if (!done.test(after)) await term.type("y");
      await term.waitFor(done, 30_000);
    }
    // The platform's consistency script is not here: the walk stops on it; the operator goes on to the verification.
    await term.waitFor("Rollback › Check state consistency");
    await term.act("r");
    await term.waitFor("stopped: failed");
    await term.keys("j");
    await term.waitFor("5. Verification and monitoring");
    await term.type("5");
    await term.waitFor("Verification and monitoring › Service available again");
    await term.act("r");
    const stopped = await term.waitFor("✗ Service available again — failed", 45_000);
    expect(stopped).toContain('deployment "api" exceeded its progress deadline');
    await term.type("x");
    await term.waitFor("The walk has not reached its end: steps remain. Resolve the incident anyway? y / n");
    await term.type("y");
    await answer(term, "Root cause:", "rollout of 1.5.1 stuck");
    await term.waitFor("…more (empty to finish):");
    await term.keys("Enter");
    await term.waitFor("Action item 1");
    await term.keys("Enter");
    await term.waitFor("Impact:");
    await term.keys("Enter");
    const closing = await term.waitFor("DRILL stuck-rollout: STILL BROKEN", 30_000);
    expect(closing).toContain("1 Running (still on shop/api:1.5.1)");
    await term.type("q");
    await term.waitFor("y / n");
    await term.type("y");
    await term.waitFor("[exited 0]");

    const drills = path.join(dir, "incidents", "drills");
    const evs = readFileSync(path.join(drills, readdirSync(drills).find((f) => f.endsWith(".jsonl"))!), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
    const finished = evs.filter((e): e is EventOf<"step.finished"> => e.type === "step.finished");
    expect(finished.map((e) => [e.step, e.status])).toEqual([
      ["state-restore", "passed"],
      ["state-status", "passed"],
      ["state-consistency", "failed"],
      ["available", "failed"],
    ]);
    // Nothing announced "completed" or "restored": the walk never passed the verification.
    expect(evs.filter((e) => e.type === "notify.sent").map((e) => (e as EventOf<"notify.sent">).step)).toEqual([]);
    expect(evs.at(-1)).toMatchObject({ type: "drill.finished", scenario: "stuck-rollout", healthy: false, hint: "what would have fixed it: rollback=service (Immediate service rollback)" });
  }, 120_000);

  it("a kubeconfig whose server refuses: home says so and offers the drills first", async () => {
    const dir = scratchDir(onTestFinished);
    const port = await closedPort();
    const kubeconfig = writeKubeconfig(dir, `https://127.0.0.1:${port}`, { context: "staging" });
    const term = await startTerminal(`node ${BIN}`, { cwd: dir, env: { HOME: dir, KUBECONFIG: kubeconfig } });
    onTestFinished(() => term.kill());
    const home = await term.waitFor(`No cluster is reachable (connection refused at 127.0.0.1:${port})`);
    expect(home.indexOf("Drills")).toBeLessThan(home.indexOf("handrail — runbooks"));
    await term.keys("C-c");
    await term.waitFor("[exited 0]");
  }, 30_000);

  it("handrail drill: the picker, then a drill that is left at once still records its end", async () => {
    const dir = scratchDir(onTestFinished);
    const term = await startTerminal(`node ${BIN} drill`, { cwd: dir, env: { HOME: dir, KUBECONFIG: path.join(dir, "none") } });
    onTestFinished(() => term.kill());
    const picker = await term.waitFor("handrail — drills");
    expect(picker).not.toContain("handrail — runbooks");
    await term.type("2");
    const walk = await term.waitFor("DRILL briefing — api rollout of 1.5.1 stuck at 1/3");
    expect(walk).toContain("⎈ drill-stuck-rollout / shop");
    await term.type("q");
    await term.waitFor("y / n");
    await term.type("y");
    await term.waitFor("[exited 0]");
    const drills = path.join(dir, "incidents", "drills");
    const evs = readFileSync(path.join(drills, readdirSync(drills)[0]!), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
    expect(evs.at(-1)).toMatchObject({ type: "drill.finished", scenario: "stuck-rollout", healthy: false, walkComplete: false, hint: "what would have fixed it: rollback=service (Immediate service rollback)" });
  }, 30_000);
});

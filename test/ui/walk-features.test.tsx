/** Checks shown plainly, changing option after a failure, jumping, help, scrollback, and the cluster panel. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { prepareKube } from "../../src/executors/kubeconfig.js";
import { startKubeSandbox } from "../../src/sandbox/index.js";
import { visibleLines } from "../../src/ui/output-pane.js";
import { confirmationFor } from "../../src/incident/runner.js";
import { walkMode } from "../../src/ui/walk-mode.js";
import { ROOT } from "../helpers/cli.js";
import { KEYS, renderConsole } from "../helpers/ui.js";

const ENGINE = path.join(ROOT, "test/fixtures/engine");

function runbooksWith(yaml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "handrail-rb-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, "x.yaml"), yaml);
  return dir;
}

const GATE = `apiVersion: handrail/v1
kind: Runbook
id: gate
title: Gate
inputs:
  service: { type: name, default: api }
phases:
  - id: check
    kind: diagnose
    title: Check
    steps:
      - { id: errors, title: Error count, run: echo 37, expect: { stdout: { max: 10 } } }
  - id: fix
    kind: remediate
    title: Fix
    options:
      - id: restart
        title: Restart
        steps:
          - { id: restart, title: Restart it, run: exit 1 }
      - id: scale
        title: Scale up
        steps:
          - { id: scale, title: Scale it, run: echo scaled }
  - id: review
    kind: review
    title: Review
    steps:
      - { id: notes, title: Write notes, manual: Write the notes. }
`;

describe("walkthrough features", () => {
  it("a failed check is shown with its reason; the operator skips on", async () => {
    const c = await renderConsole({ runbooksDir: runbooksWith(GATE), onCleanup: onTestFinished });
    await c.controller.startIncident("gate", "high", { service: "api" });
    await c.waitFor("Check › Error count");
    await c.press("r");
    await c.waitFor("✗ stdout 37 is above the maximum 10");
    expect(c.frame()).toContain("stopped: failed — r runs it again, e edits it, s skips it");
    expect(c.frame()).toContain("✓ exitCode");
  });

  it("after an option's step fails, o changes the option and the walk goes on from it", async () => {
    const c = await renderConsole({ runbooksDir: runbooksWith(GATE), onCleanup: onTestFinished });
    await c.controller.startIncident("gate", "high", { service: "api" });
    await c.waitFor("Check › Error count");
    await c.press("s", ..."noise", KEYS.enter);
    await c.waitFor("Fix: choose how to proceed");
    await c.press("1");
    await c.waitFor("Fix › Restart it");
    await c.press("r");
    await c.waitFor("stopped: failed");
    expect(c.frame()).toContain("o change option");
    await c.press("o");
    await c.waitFor("(current)");
    await c.press("2");
    await c.waitFor("Fix › Scale it");
    await c.press("r");
    await c.waitFor("Review › Write notes");
    const file = path.join(c.incidentsDir, readdirSync(c.incidentsDir).find((f) => f.endsWith(".jsonl"))!);
    const options = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((e) => e.type === "option.chosen").map((e) => e.option);
    expect(options).toEqual(["restart", "scale"]);
  });

  it("j jumps to a phase (logged), ? shows every key", async () => {
    const c = await renderConsole({ runbooksDir: runbooksWith(GATE), onCleanup: onTestFinished });
    await c.controller.startIncident("gate", "high", { service: "api" });
    await c.waitFor("Check › Error count");
    await c.press("j");
    await c.waitFor("3. Review");
    await c.press("3");
    await c.waitFor("Review › Write notes");
    await c.press("?");
    await c.waitFor("keys of this screen (any key closes)");
    expect(c.frame()).toContain("k            cluster panel");
    await c.press("z");
    await c.waitFor(/^(?![\s\S]*keys of this screen)/);
  });

  it("the cluster panel shows the service's pods live from the simulated cluster", async () => {
    const sandbox = await startKubeSandbox({ tickMs: 50 });
    onTestFinished(() => sandbox.stop());
    sandbox.store.createDeployment({ namespace: "shop", name: "api", image: "shop/api:1.0", replicas: 2, labels: { app: "api" } });
    const dir = mkdtempSync(path.join(tmpdir(), "handrail-panel-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const prepared = await prepareKube({ kubeconfig: await sandbox.writeKubeconfig(dir, { namespace: "shop" }), env: {} }, dir);
    if (!prepared.ok) throw new Error(prepared.message);
    const c = await renderConsole({ runbooksDir: ENGINE, onCleanup: onTestFinished, kube: prepared.target });
    await c.controller.startIncident("walk", "high", { service: "api", participants: ["a"], marker: "none" });
    await c.waitFor("Assess › Say hello");
    await c.press("k");
    await c.waitFor("pods app=api in shop");
    // The runbook has no namespace input: the panel follows the kube target's namespace.
    await c.waitFor(/api-\w+-\w+\s+1\/1\s+Running/);
    sandbox.store.setDeploymentImage("shop", "api", "shop/api:2.0-bad");
    await c.waitFor("CrashLoopBackOff", 20_000);
  });

  it("pure pieces: scrollback slice, confirmation by risk, modes", () => {
    expect(visibleLines([1, 2, 3, 4, 5], 2, 0)).toEqual({ shown: [4, 5], offset: 0 });
    expect(visibleLines([1, 2, 3, 4, 5], 2, 2)).toEqual({ shown: [2, 3], offset: 2 });
    expect(visibleLines([1, 2, 3, 4, 5], 2, 99)).toEqual({ shown: [1, 2], offset: 3 });
    expect(confirmationFor("low", true, true)).toBe("none");
    expect(confirmationFor("medium", false, false)).toBe("yes-no");
    expect(confirmationFor("high", false, true)).toBe("yes-no");
    expect(confirmationFor("critical", true, true)).toBe("type-target");
    let m = walkMode({ name: "idle" }, { type: "open", mode: "resolve-cause" });
    m = walkMode(walkMode(walkMode(m, { type: "cause-line", text: "" }), { type: "cause-line", text: "a" }), { type: "cause-line", text: "b" });
    m = walkMode(m, { type: "cause-line", text: "" });
    expect(walkMode(m, { type: "item", text: "fix" })).toEqual({ name: "resolve-items", rootCause: "a\nb", items: ["fix"] });
    expect(walkMode(walkMode(m, { type: "item", text: "fix" }), { type: "items-done" })).toEqual({ name: "resolve-impact", rootCause: "a\nb", items: ["fix"] });
  });

  it("links on the card with inputs substituted (OSC 8 only where the terminal shows them); c copies the command as shown, C the script", async () => {
    const rb = `apiVersion: handrail/v1
kind: Runbook
id: linked
title: Linked
links: [{ title: Runbook docs, url: "https://wiki.example/runbooks/linked" }]
inputs:
  service: { type: name, default: api }
  token: { type: secret, required: false }
phases:
  - id: look
    kind: diagnose
    title: Look
    steps:
      - id: dash
        title: Dashboard
        run: 'curl -H "Authorization: Bearer $token" "https://grafana.example/api/$service"'
        links: [{ title: Grafana, url: "https://grafana.example/d/svc?var-service=$service" }]
`;
    const copied: string[] = [];
    const c = await renderConsole({ runbooksDir: runbooksWith(rb), onCleanup: onTestFinished, clipboard: (t) => (copied.push(t), true) });
    await c.controller.startIncident("linked", "high", { service: "checkout", token: "tok-secret-1" });
    await c.waitFor("Look › Dashboard");
    const f = c.frame();
    expect(f).toContain("↗ Grafana <https://grafana.example/d/svc?var-service=checkout>");
    expect(f).toContain("↗ Runbook docs <https://wiki.example/runbooks/linked>");
    await c.press("c");
    await c.waitFor("copied the command as shown (secrets masked)");
    expect(copied[0]).toContain('"https://grafana.example/api/checkout"');
    expect(copied[0]).not.toContain("tok-secret-1");
    await c.press("C");
    await c.waitFor("copied the runbook's script");
    expect(copied[1]).toBe('curl -H "Authorization: Bearer $token" "https://grafana.example/api/$service"');
  });

  it("links as OSC 8 hyperlinks where the terminal shows them, the URL kept readable", async () => {
    const { glyphsFor, hyperlinksFor, linkText } = await import("../../src/ui/glyphs.js");
    expect(hyperlinksFor({ TERM_PROGRAM: "iTerm.app" })).toBe(true);
    expect(hyperlinksFor({ TERM_PROGRAM: "iTerm.app", TMUX: "/tmp/tmux-0/default,1,0" })).toBe(false);
    expect(hyperlinksFor({ VTE_VERSION: "7200" })).toBe(true);
    expect(hyperlinksFor({ TERM: "xterm-256color" })).toBe(false);
    expect(hyperlinksFor({ FORCE_HYPERLINK: "1", TMUX: "x" })).toBe(true);
    expect(linkText(glyphsFor({ FORCE_HYPERLINK: "1", LANG: "C.UTF-8" }), "Grafana", "https://g.example/d")).toBe("\u001b]8;;https://g.example/d\u0007Grafana\u001b]8;;\u0007 <https://g.example/d>");
    expect(linkText(glyphsFor({ LANG: "C.UTF-8" }), "Grafana", "https://g.example/d")).toBe("Grafana <https://g.example/d>");
  });
});

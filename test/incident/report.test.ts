/** The incident report from event fixtures: what an SRE pastes into the postmortem, without rewriting it. */
import { describe, expect, it } from "vitest";
import { plainText } from "../../src/executors/terminal-text.js";
import { buildReport, renderHtml, renderMarkdown } from "../../src/incident/report.js";
import { toMarkdown } from "../../src/incident/report-doc.js";
import { reportBlocks } from "../../src/incident/report-sections.js";
import { events, finished, opened, OUTLINE, started } from "./report-fixture.js";

const SCRIPT = 'kubectl get pods -n "shop" | grep -v Running\necho "done: `date`"';
const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

/** A real incident: evidence, a wrong first fix, an edited command, a retry, a crash and a resume, an escalation, resolved. */
const WALK = events([
  opened(),
  { type: "input.set", name: "service", value: "api" },
  { type: "input.set", name: "namespace", value: "shop" },
  { type: "input.set", name: "label", value: "app=`api`" },
  { type: "phase.entered", phase: "assess" },
  started("pods", "assess", { command: SCRIPT }),
  { type: "step.output", step: "pods", stream: "stdout", lines: lines(30, "pod") },
  finished("pods", "found", { found: [{ check: "found.stdout.contains", passed: true }], tail: lines(30, "pod").slice(-20) }),
  started("logs", "assess"),
  { type: "step.output", step: "logs", stream: "stdout", lines: ["ERROR pool exhausted (50/50)"] },
  finished("logs", "passed", { output: { path: "2026-11-24-0300-demo-ab12.output/logs.1.log", bytes: 120000, lines: 4000, sha256: "ab".repeat(32) }, tail: ["last line of the flood"] }),
  { type: "step.skipped", step: "extra", reason: "condition", condition: "step pods is found (wanted passed)" },
  { type: "note.added", text: "pool at 50/50 since 02:55", step: "logs" },
  { type: "severity.changed", from: "high", to: "critical", reason: "checkout down" },
  { type: "phase.entered", phase: "fix" },
  { type: "option.chosen", phase: "fix", option: "restart" },
  started("restart", "fix", { option: "restart" }),
  finished("restart", "failed"),
  { type: "option.chosen", phase: "fix", option: "rollback" },
  started("undo", "fix", { option: "rollback", edited: true, command: "kubectl rollout undo deployment/api -n shop --to-revision=41", original: "kubectl rollout undo deployment/api -n shop" }),
  finished("undo", "failed"),
  started("undo", "fix", { option: "rollback", attempt: 2 }),
  finished("undo", "passed"),
  started("wait", "fix", { option: "rollback" }),
  { type: "incident.resumed", interrupted: ["wait"], pid: 4242, actor: "bob@desk" },
  started("wait", "fix", { option: "rollback", attempt: 2 }),
  finished("wait", "passed"),
  { type: "phase.entered", phase: "verify" },
  started("health", "verify"),
  finished("health", "passed"),
  { type: "escalation.raised", key: "escalation-0", to: "VP Engineering", after: "15m", severity: "critical", reason: "Production down" },
  { type: "escalation.acknowledged", key: "escalation-0", actor: "bob@desk" },
  { type: "incident.resolved", rootCause: "connection pool too small for the new release", impact: "checkout failed for 12% of EU users for 9 minutes", actionItems: ["raise the pool size @carol 2026-12-20", "alert on pool saturation"], actor: "bob@desk" },
]);

describe("the report of an incident", () => {
  const r = buildReport(WALK);
  const md = renderMarkdown(r);
  const section = (name: string) => md.slice(md.indexOf(`## ${name}\n`), md.indexOf("\n## ", md.indexOf(`## ${name}\n`) + 1));

  it("names phases, options and steps by title, the ids as a quiet suffix", () => {
    expect(section("Timeline")).toContain("Assess › Pods that are not running: found, exit 0, 500ms · `pods`");
    expect(section("Timeline")).toContain("Chose **Roll back** in Fix · `fix=rollback`");
    expect(section("Timeline")).toContain("Skipped Extra check: not needed — the condition saw: step pods is found (wanted passed) · `extra`");
    expect(md).not.toMatch(/^- \d\d:\d\d:\d\d UTC: assess › pods/m);
  });

  it("shows commands whole in fenced blocks, unescaped; an input with backticks gets a longer code span", () => {
    expect(md).toContain("```sh\nkubectl get pods -n \"shop\" | grep -v Running\necho \"done: `date`\"\n```");
    expect(md).not.toContain("\\|");
    expect(md).toContain("`` label=app=`api` ``");
  });

  it("a fence longer than any backtick run in the command", () => {
    const fenced = renderMarkdown(buildReport(events([opened(), started("pods", "assess", { command: "cat <<EOF\n```\nEOF" }), finished("pods", "failed")])));
    expect(fenced).toContain("````sh\ncat <<EOF\n```\nEOF\n````");
  });

  it("resolution: the steps of the chosen option of the phase that remedies, in order, with outcome; the wrong first choice named", () => {
    const res = section("Resolution");
    expect(res).toContain("### Fix — Roll back · `fix=rollback`");
    expect(res).toMatch(/1\. \*\*Undo the rollout\*\* — passed, exit 0, 500ms \(attempt 2\) · `undo`[\s\S]*2\. \*\*Wait for the rollout\*\* — passed/);
    expect(res).toContain("Chosen first and then replaced: Restart the deployment (Fix).");
    for (const absent of ["Pods that are not running", "Health", "Restart ·"]) expect(res).not.toContain(absent);
    expect(r.resolution.warnings).toEqual([]);
  });

  it("a step that failed and then passed on a retry is recovered, not a failed step", () => {
    expect(r.recovered).toEqual(["undo", "wait"]);
    expect(section("Failed Steps")).toContain("### Restart — failed · `restart`");
    expect(section("Failed Steps")).not.toContain("Undo the rollout");
    expect(section("What Happened")).toContain("Undo the rollout: failed → passed (recovered) · `undo`");
    expect(md).toContain("2 recovered on a retry");
  });

  it("evidence: the first and last lines of found: steps and evidence steps, and a link to the full output", () => {
    const ev = section("Evidence");
    expect(ev).toContain("### Assess › Pods that are not running — found · `pods`");
    expect(ev).toContain("The symptom was found by: `stdout.contains`");
    expect(ev).toContain("pod 1\npod 2");
    expect(ev).toContain("pod 8\n… (14 lines not quoted)\npod 23");
    expect(ev).toContain("pod 30\n```");
    expect(ev).toContain("ERROR pool exhausted (50/50)\n… (3998 lines not quoted)\nlast line of the flood");
    expect(ev).toContain("Full output: [2026-11-24-0300-demo-ab12.output/logs.1.log](2026-11-24-0300-demo-ab12.output/logs.1.log) (4000 lines");
  });

  it("where, who, impact and action items with owner and due date", () => {
    expect(md).toContain("- Where: context `prod-eu` · cluster `https://k8s.prod.example:6443` · namespace `shop` (the context's default: `default`)");
    expect(md).toContain("- Who: opened by alice@laptop; resumed by bob@desk; escalations acknowledged by bob@desk; resolved by bob@desk");
    expect(section("Impact")).toContain("checkout failed for 12% of EU users for 9 minutes");
    expect(section("Action Items")).toContain("- [ ] raise the pool size — owner @carol, due 2026-12-20\n- [ ] alert on pool saturation");
    const json = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
    expect(json.kube).toEqual({ context: "prod-eu", namespace: "default", server: "https://k8s.prod.example:6443" });
    expect(json.actionItems).toEqual([{ text: "raise the pool size", owner: "carol", due: "2026-12-20" }, { text: "alert on pool saturation" }]);
  });

  it("key times: first action, diagnosed at the first remedy chosen, mitigated when the verification passed after it, resolved; the response time of the severity in force", () => {
    const at = (s: number) => new Date(Date.UTC(2026, 10, 24, 3, 0, s)).toISOString();
    const seqTs = (pred: (e: (typeof WALK)[number]) => boolean) => WALK.find(pred)!.ts;
    expect(r.keyTimes.firstAction?.at).toBe(seqTs((e) => e.type === "step.started"));
    expect(r.keyTimes.diagnosed?.at).toBe(seqTs((e) => e.type === "option.chosen"));
    expect(r.keyTimes.mitigated?.at).toBe(seqTs((e) => e.type === "step.finished" && e.step === "health"));
    expect(r.keyTimes.resolved?.at).toBe(WALK.at(-1)!.ts);
    expect(r.keyTimes.opened.at).toBe(at(0));
    // Critical (5m) was in force at the end; resolved 32 s after opening.
    expect(r.sla).toMatchObject({ severity: "critical", respondWithin: "5m", state: "met" });
    expect(section("Key Times")).toContain("| Mitigated (a verification passed after the remedy) | 03:00:29 UTC | 29s |");
    expect(section("Key Times")).toContain("Severity in force: high, then critical from 03:00:13 UTC.");
  });

  it("everything that happened: skips with what the condition saw, interruptions and resumes, edits (original and edit), severity, notes, escalations", () => {
    const w = section("What Happened");
    expect(w).toContain("Assess › Extra check skipped: not needed — the condition saw: step pods is found (wanted passed)");
    expect(w).toContain("Wait for the rollout (attempt 1) was interrupted; the incident was resumed at 03:00:24 UTC · `wait`");
    expect(w).toContain("resumed by bob@desk");
    expect(w).toContain("Undo the rollout — the runbook's `kubectl rollout undo deployment/api -n shop` was edited to: · `undo`\n\n  ```sh\n  kubectl rollout undo deployment/api -n shop --to-revision=41\n  ```");
    expect(w).toContain("high → critical: checkout down");
    expect(w).toContain("(on Recent logs): pool at 50/50 since 02:55");
    expect(w).toContain("escalated to VP Engineering — Production down; acknowledged 03:00:31 UTC by bob@desk");
  });
});

describe("an end that is not a fix is said first", () => {
  it("a drill that ended STILL BROKEN, and its wrong option's failed step", () => {
    const r = buildReport(
      events([
        opened({ mode: "drill", scenario: "crashloop" }),
        { type: "option.chosen", phase: "fix", option: "restart" },
        started("restart", "fix", { option: "restart" }),
        finished("restart", "passed"),
        started("health", "verify"),
        finished("health", "failed"),
        { type: "drill.finished", scenario: "crashloop", healthy: false, detail: "0/3 pods ready", walkComplete: false, skipped: 0, totalMs: 5000, respondWithin: "15m", withinResponseTime: true, hint: "what would have fixed it: fix=rollback (Roll back)" },
      ]),
    );
    const res = renderMarkdown(r).split("## Resolution\n")[1]!.split("\n## ")[0]!;
    expect(res.trim().split("\n")[0]).toBe("**The drill ended STILL BROKEN: 0/3 pods ready.**");
    expect(res).toContain("**Verification did not pass: Health: 200 #1 (failed).**");
    expect(res).toContain("1. **Restart** — passed");
  });

  it("a verification that failed before the remedy began neither warns nor keeps the incident from being mitigated by the one after", () => {
    const OUTLINE2 = { ...OUTLINE, phases: [...OUTLINE.phases, { id: "smoke", title: "Smoke", kind: "verify", steps: [{ id: "checkout", title: "Checkout works" }, { id: "login", title: "Login works" }] }] };
    const r = buildReport(
      events([
        opened({ outline: OUTLINE2 }),
        started("login", "smoke"),
        finished("login", "failed"),
        started("restart", "fix", { option: "restart" }),
        finished("restart", "passed"),
        started("checkout", "smoke"),
        finished("checkout", "passed"),
      ]),
    );
    expect(r.keyTimes.diagnosed?.at).toBe("2026-11-24T03:00:03.000Z");
    // Only what ran after the remedy began counts: login's failure was before it, and checkout passed after.
    expect(r.keyTimes.mitigated?.at).toBe("2026-11-24T03:00:06.000Z");
    expect(r.resolution.warnings).toEqual(["Not resolved: the incident is still open."]);
  });

  it("diagnosed is the earliest remedy by time, not the first in the file, when the times go back", () => {
    const r = buildReport(events([opened(), { ...started("undo", "fix", { option: "rollback" }), at: 20 }, finished("undo", "passed"), { ...started("restart", "fix", { option: "restart" }), at: 10 }, finished("restart", "passed")]));
    expect(r.keyTimes.diagnosed?.at).toBe("2026-11-24T03:00:10.000Z");
  });

  it("an open incident with no remedy: not resolved, no remedy applied", () => {
    const r = buildReport(events([opened(), started("pods", "assess"), finished("pods", "found")]));
    expect(r.resolution.warnings).toEqual(["Not resolved: the incident is still open.", "No remedy was applied: no step of a phase that remedies ran."]);
    expect(r.keyTimes.diagnosed).toBeUndefined();
    expect(renderMarkdown(r)).toContain("| Diagnosed (first remedy chosen) | — | no remedy chosen |");
  });

  it("an open incident's duration says it is still open: the file holds how long it ran up to its last event, not how long it lasted", () => {
    const open = renderMarkdown(buildReport(events([opened(), started("pods", "assess")])));
    expect(open).toMatch(/^- Duration: still open; \S+ from its opening to its last event$/m);
    expect(renderMarkdown(buildReport(WALK))).toMatch(/^- Duration: \d+\S*$/m);
  });

  it("a runbook that declares mitigates: only that phase is the fix (a release is not a remedy)", () => {
    const outline = { respondWithin: { critical: "5m", high: "15m", medium: "1h", low: "24h" }, phases: [{ id: "release", title: "Release", kind: "remediate", steps: [{ id: "ship", title: "Ship it" }] }, { id: "rollback", title: "Roll back the train", kind: "remediate", mitigates: true as const, steps: [{ id: "back", title: "Back to the old version" }] }] };
    const r = buildReport(events([opened({ outline }), started("ship", "release"), finished("ship", "failed"), started("back", "rollback"), finished("back", "passed"), { type: "incident.resolved", rootCause: "bad tag", actionItems: [] }]));
    expect(r.resolution.phases.map((p) => p.steps.map((s) => s.title))).toEqual([["Back to the old version"]]);
  });

  it("a file from before outlines and actors: ids stand in for titles, who is user@host", () => {
    const r = buildReport(events([opened({ outline: undefined, actor: undefined }), started("pods", "assess"), finished("pods", "passed")]));
    const md = renderMarkdown(r);
    expect(md).toContain("assess › pods: passed");
    expect(md).toContain("opened by alice@laptop");
  });
});

describe("the picture and the other forms", () => {
  const walk = events([
    opened({ runbook: { id: "demo", title: "Demo: #1 outage" } }),
    started("pods", "assess"),
    { type: "step.output", step: "pods", stream: "stdout", lines: ["api-1 0/1 CrashLoopBackOff"] },
    finished("pods", "found"),
    started("health", "verify"),
    finished("health", "failed"),
  ]);
  const md = renderMarkdown(buildReport(walk));

  it("a Mermaid gantt whose every line is a gantt statement, tasks with valid dates, ':' and '#' escaped", () => {
    const block = md.split("```mermaid\n")[1]!.split("\n```")[0]!.split("\n");
    expect(block[0]).toBe("gantt");
    const DATE = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}";
    const task = new RegExp(`^    ([^:#]|#\\d+;)+ :((active|done|crit|milestone), )*t\\d+, (${DATE}), (${DATE})$`);
    let tasks = 0;
    for (const line of block.slice(1)) {
      if (/^ {4}(title|section) ([^:#]|#\d+;)+$/.test(line) || line === "    dateFormat YYYY-MM-DD HH:mm:ss.SSS" || line === "    axisFormat %H:%M:%S") continue;
      const m = task.exec(line);
      expect(m, line).not.toBeNull();
      const [start, end] = [m![4]!, m![5]!].map((d) => Date.parse(`${d.replace(" ", "T")}Z`));
      expect(Number.isNaN(start!) || Number.isNaN(end!)).toBe(false);
      expect(end!).toBeGreaterThan(start!);
      tasks++;
    }
    expect(tasks).toBe(2);
    expect(block).toContain("    title Demo#58; #35;1 outage — 2026-11-24-0300-demo-ab12");
    expect(block).toContain("    section Verify");
    expect(block.some((l) => l.startsWith("    Health#58; 200 #35;1 (failed) :crit, t2, "))).toBe(true);
  });

  it("HTML: one self-contained file with the same sections and the diagram as inline SVG", () => {
    const html = renderHtml(buildReport(walk));
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    for (const h of ["Summary", "Key Times", "Resolution", "Evidence", "Timeline", "Phases Over Time", "Action Items"]) expect(html).toContain(`<h2>${h}</h2>`);
    expect(html).toContain("<svg xmlns=\"http://www.w3.org/2000/svg\"");
    expect(html).toMatch(/<rect [^>]*fill="#cf222e"><title>Health: 200 #1 \(attempt|<rect [^>]*fill="#cf222e"><title>Health: 200 #1: failed/);
    expect(html).not.toMatch(/<script|<link|src=|url\(|@import/);
    expect(html).toContain("Demo: #1 outage");
  });
});

describe("a damaged file", () => {
  it("still renders, with a Damaged Lines section naming the lines", () => {
    const r = buildReport(events([opened(), started("pods", "assess"), finished("pods", "passed")]), { damagedLines: 1, integrity: ["line 3: not JSON", "line 5: seq 6 follows 4 (5 missing)"] });
    const md = renderMarkdown(r);
    const damaged = md.split("## Damaged Lines\n")[1]!.split("\n## ")[0]!;
    expect(damaged).toContain("- line 3: not JSON\n- line 5: seq 6 follows 4 (5 missing)");
    expect(md).toContain("## Timeline");
  });
});

describe("the Markdown written section by section", () => {
  it("is the whole document's Markdown: a resolved incident, a drill, an open one, a damaged file, one with no step", () => {
    const drill = events([opened({ mode: "drill", scenario: "crashloop" }), started("health", "verify"), finished("health", "failed"), { type: "drill.finished", scenario: "crashloop", healthy: false, detail: "0/3 pods ready", walkComplete: false, skipped: 0, totalMs: 5000, respondWithin: "15m", withinResponseTime: true }]);
    const reports = [
      buildReport(WALK),
      buildReport(drill),
      buildReport(WALK.slice(0, 12)),
      buildReport(events([opened(), started("pods", "assess"), finished("pods", "passed")]), { damagedLines: 1, integrity: ["line 3: not JSON"] }),
      buildReport(events([opened()])),
    ];
    for (const r of reports) expect(renderMarkdown(r)).toBe(plainText(toMarkdown(reportBlocks(r)).trimEnd() + "\n"));
  });
});

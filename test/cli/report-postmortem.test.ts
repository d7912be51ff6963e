/**
 * The report of real walks through the built binary (issue 17): the crashloop drill with the right
 * fix and with the wrong one, resolved with impact and owned action items, in Markdown, JSON and HTML.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli, scratchDir } from "../helpers/cli.js";

const noCluster = (dir: string) => ({ HOME: dir, KUBECONFIG: path.join(dir, "no-such-kubeconfig"), HANDRAIL_OPERATOR: "dana (on call)" });

async function drill(option: string): Promise<{ dir: string; file: string; env: Record<string, string> }> {
  const dir = scratchDir(onTestFinished);
  const env = noCluster(dir);
  await runCli(["run", "emergency-rollback", "--drill", "crashloop-rollback", "--yes", "--option", `rollback=${option}`], { cwd: dir, env, timeoutMs: 60_000 });
  const drills = path.join(dir, "incidents", "drills");
  return { dir, env, file: path.join(drills, readdirSync(drills).find((f) => f.endsWith(".jsonl"))!) };
}

const section = (md: string, name: string) => {
  const at = md.indexOf(`## ${name}\n`);
  return at < 0 ? "" : md.slice(at, md.indexOf("\n## ", at + 1) === -1 ? undefined : md.indexOf("\n## ", at + 1));
};

describe("the report of the crashloop drill", () => {
  it("right fix: resolved with impact and owned action items; the resolution is the service rollback, the evidence the crash loop", async () => {
    const { dir, file, env } = await drill("service");
    const resolved = await runCli(["resolve", file, "--root-cause", "release 1.5.0 crashed on start", "--impact", "api down for 4 minutes", "--action-item", "gate migrations in CI @sam 2026-12-20", "--action-item", "alert on CrashLoopBackOff"], { cwd: dir, env });
    expect(resolved.exitCode).toBe(0);
    const md = (await runCli(["report", file], { cwd: dir, env })).stdout;

    expect(md).toMatch(/^- Where: context `drill-crashloop-rollback` · cluster `http:\/\/127\.0\.0\.1:\d+` · namespace `shop` \(the context's default: `default`\)$/m);
    expect(md).toContain("- Who: opened by dana (on call); resolved by dana (on call)");
    const res = section(md, "Resolution");
    expect(res).toContain("The drill ended healthy: 3/3 pods of api ready on shop/api:1.4.2.");
    expect(res).toContain("### Rollback — Immediate service rollback · `rollback=service`");
    expect(res).toMatch(/3\. \*\*Roll back to previous version\*\* — passed, exit 0, \S+ · `undo`\n\n {3}```sh\n {3}kubectl rollout undo deployment\/"api" -n "shop"\n {3}```/);
    // Diagnose checks are evidence, not the fix.
    expect(res).not.toContain("Check service health");
    expect(section(md, "Evidence")).toMatch(/### Immediate assessment › Check service health — found · `pods-not-running`[\s\S]*```text\nNAME +READY +STATUS[\s\S]*api-\S+ +0\/1/);
    expect(section(md, "Impact")).toContain("api down for 4 minutes");
    expect(section(md, "Action Items")).toContain("- [ ] gate migrations in CI — owner @sam, due 2026-12-20\n- [ ] alert on CrashLoopBackOff");
    expect(section(md, "Key Times")).toMatch(/\| Diagnosed \(first remedy chosen\) \| \d\d:\d\d:\d\d UTC \| \S+ \|/);
    expect(section(md, "Timeline")).toContain("Chose **Immediate service rollback** in Rollback (--option) · `rollback=service`");
    expect(section(md, "What Happened")).toContain('Scale if needed skipped: not needed — the condition saw: scale_to is "" (wanted set)');
    expect(md).toContain("```mermaid\ngantt\n");
    // Code is never escaped: the pipes of the scripts stay pipes.
    expect(md).not.toContain("\\|");

    const json = JSON.parse((await runCli(["report", file, "--format", "json"], { cwd: dir, env })).stdout);
    expect(json.kube).toMatchObject({ context: "drill-crashloop-rollback", namespace: "default" });
    expect(json.who).toMatchObject({ openedBy: "dana (on call)", resolvedBy: "dana (on call)" });
    expect(json.impact).toBe("api down for 4 minutes");
    expect(json.actionItems[0]).toEqual({ text: "gate migrations in CI", owner: "sam", due: "2026-12-20" });

    const html = (await runCli(["report", file, "--format", "html"], { cwd: dir, env })).stdout;
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain("<h2>Resolution</h2>");
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/<script|src=|<link/);
  }, 90_000);

  it("wrong fix: the resolution says STILL BROKEN first, lists the configuration rollback's failed step, and not resolved", async () => {
    const { dir, file, env } = await drill("configuration");
    const md = (await runCli(["report", file], { cwd: dir, env })).stdout;
    const res = section(md, "Resolution").split("\n").filter((l) => l !== "");
    expect(res[1]).toMatch(/^\*\*The drill ended STILL BROKEN: 0\/3 pods of api ready/);
    expect(res).toContain("### Rollback — Configuration rollback · `rollback=configuration`");
    expect(section(md, "Resolution")).toMatch(/1\. \*\*Restore previous configuration\*\* — FAILED, exit 1/);
    expect(md).toContain("- Status: drill finished (STILL BROKEN)");
    expect(section(md, "Drill")).toContain("- What would have fixed it: rollback=service (Immediate service rollback)");
    expect(section(md, "Key Times")).toContain("| Mitigated (a verification passed after the remedy) | — | no verification passed after a remedy |");
  }, 90_000);

  it("an action item with a bad date names the argument: exit 2, nothing resolved", async () => {
    const { dir, file, env } = await drill("configuration");
    const r = await runCli(["resolve", file, "--root-cause", "x", "--action-item", "pin it @sam 2026-12-32"], { cwd: dir, env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--action-item "pin it @sam 2026-12-32": 2026-12-32 is not a date (expected YYYY-MM-DD, e.g. 2026-12-20)');
    expect((await runCli(["report", file], { cwd: dir, env })).stdout).not.toContain("- Status: resolved");
  }, 90_000);
});

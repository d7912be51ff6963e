/** The incident store from the command line: report, resolve, incidents, resume after damage. */
import { execa } from "execa";
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ROOT, runCli, scratchDir } from "../helpers/cli.js";

const WALK = path.join(ROOT, "test/fixtures/engine/walk.yaml");
const SLOW = path.join(ROOT, "test/fixtures/engine/slow.yaml");

async function openIncident(dir: string, args: string[] = ["--option", "fix=restart"]): Promise<string> {
  const r = await runCli(["run", WALK, ...args], { cwd: dir });
  expect([0, 1]).toContain(r.exitCode);
  const store = path.join(dir, "incidents");
  return path.join(store, readdirSync(store).find((f) => f.endsWith(".jsonl"))!);
}

describe("report, resolve, incidents", () => {
  it("resolve records root cause and action items; the report shows them as a checklist", async () => {
    const dir = scratchDir(onTestFinished);
    const file = await openIncident(dir, ["--option", "fix=restart", "--severity", "critical", "--yes"]);
    const id = path.basename(file, ".jsonl");
    const resolved = await runCli(["resolve", id, "--root-cause", "image tag 2.0 crashed on start", "--action-item", "pin image digests", "--action-item", "alert on CrashLoopBackOff"], { cwd: dir });
    expect(resolved.exitCode).toBe(0);
    const md = await runCli(["report", id], { cwd: dir });
    expect(md.exitCode).toBe(0);
    for (const section of ["# Incident Report: Walk test", "## Summary", "## Timeline", "## Root Cause", "## Resolution", "## Action Items"]) expect(md.stdout).toContain(section);
    expect(md.stdout).toContain("image tag 2.0 crashed on start");
    expect(md.stdout).toContain("- [ ] pin image digests\n- [ ] alert on CrashLoopBackOff");
    // Titles, with the ids as a quiet suffix.
    expect(md.stdout).toContain("Chose **Restart** in Fix (--option) · `fix=restart`");
    expect(md.stdout).toContain("Assess › Page the on-call: confirmed (--yes) · `page`");
    expect(md.stdout).toMatch(/Escalated to Incident commander: Critical incident opened/);
    const json = JSON.parse((await runCli(["report", id, "--format", "json"], { cwd: dir })).stdout);
    // Action items are read into text, owner and due date (none given here).
    expect(json).toMatchObject({ status: "resolved", runbook: { id: "walk" }, severity: { final: "critical" }, actionItems: [{ text: "pin image digests" }, { text: "alert on CrashLoopBackOff" }] });
    const out = await runCli(["report", id, "-o", "report.md"], { cwd: dir });
    expect(out.exitCode).toBe(0);
    expect(readFileSync(path.join(dir, "report.md"), "utf8")).toBe(md.stdout + "\n");
    const twice = await runCli(["resolve", id, "--root-cause", "again"], { cwd: dir });
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toContain("is already resolved");
  });

  it("the report of a failed step shows its command, reasons and output tail", async () => {
    const dir = scratchDir(onTestFinished);
    const file = await openIncident(dir, ["--option", "fix=restart", "--set", "marker=fail"]);
    const md = (await runCli(["report", file], { cwd: dir })).stdout;
    expect(md).toContain("## Failed Steps");
    expect(md).toContain("### Check — failed · `check`");
    expect(md).toContain("- exit code 1, expected 0");
    expect(md).toContain("- Status: open");
  });

  it("incidents lists the store with status", async () => {
    const dir = scratchDir(onTestFinished);
    const file = await openIncident(dir);
    const r = await runCli(["incidents"], { cwd: dir });
    expect(r.stdout).toMatch(new RegExp(`^${path.basename(file, ".jsonl")}\\s+walk\\s+high\\s+open\\s`, "m"));
    const json = JSON.parse((await runCli(["incidents", "--json"], { cwd: dir })).stdout);
    expect(json[0]).toMatchObject({ runbook: "walk", status: "open", steps: 9 });
  });

  it.each([
    [["report", "nope"], 'no incident "nope"'],
    [["report", "x", "--format", "pdf"], "--format pdf: expected markdown | json"],
    [["resolve", "x"], "--root-cause TEXT is required"],
  ])("%j is exit 2 with a clear message", async (args, message) => {
    const dir = scratchDir(onTestFinished);
    await openIncident(dir);
    const r = await runCli(args, { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("resume tolerates a crash fragment at the end, reports it, and fences it off", async () => {
    const dir = scratchDir(onTestFinished);
    const first = await runCli(["run", SLOW, "--set", "pause=0"], { cwd: dir });
    expect(first.exitCode).toBe(0);
    const store = path.join(dir, "incidents");
    const file = path.join(store, readdirSync(store)[0]!);
    const before = readFileSync(file, "utf8");
    appendFileSync(file, '{"seq":999,"ts":"2026-11-24T03:00:00Z","type":"note.ad');
    const r = await runCli(["run", "slow", "--runbooks", path.dirname(SLOW), "--resume", file], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/warning: \S+\.jsonl: line \d+: torn last line \(a crash mid-write\)/);
    const after = readFileSync(file, "utf8");
    expect(after.startsWith(before)).toBe(true);
    expect(after.split("\n").filter((l) => l.startsWith('{"seq"')).at(-1)).toMatch(/"type":"incident.resumed"/);
    expect((await runCli(["report", file], { cwd: dir })).stdout).toContain("1 damaged line(s) in the incident file were skipped");
  });

  it("a stale lock from a dead process is taken over, and says so", async () => {
    const dir = scratchDir(onTestFinished);
    await runCli(["run", SLOW, "--set", "pause=0"], { cwd: dir });
    const store = path.join(dir, "incidents");
    const file = path.join(store, readdirSync(store)[0]!);
    const dead = await execa("sh", ["-c", "echo $$"]);
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: Number(dead.stdout), host: (await execa("hostname")).stdout }));
    const r = await runCli(["run", "slow", "--runbooks", path.dirname(SLOW), "--resume", file], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(`took over the lock of handrail pid ${dead.stdout}, which is no longer running`);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});

/**
 * A full disk under the incident store, through the built binary: a 64 KiB tmpfs as the store.
 * The run ends with one line (no stack), the file keeps every whole event and no torn line, and
 * after space is freed `run --resume` carries on. Needs mount(2): root, as on these machines.
 */
import { execa } from "execa";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { runCli, scratchDir } from "../helpers/cli.js";

/** Step big prints $LINES lines: above 500 they go to an output file, below they are events in the JSONL. */
const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: disk
title: Disk full
summary: Steps whose output size the environment sets.
phases:
  - id: work
    kind: remediate
    title: Work
    steps:
      - { id: one, title: One, run: 'seq 1 "\${LINES_ONE:-1}"' }
      - { id: big, title: Big, run: 'seq 1 "\${LINES_BIG:-1}"' }
      - { id: three, title: Three, run: 'seq 1 "\${LINES_THREE:-1}"' }
      - { id: four, title: Four, run: 'echo four' }
`;

let canMount = false;
beforeAll(async () => {
  const probe = mkdtempSync(path.join(tmpdir(), "handrail-mount-probe-"));
  canMount = (await execa("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { reject: false })).exitCode === 0;
  if (canMount) await execa("umount", [probe]);
  rmSync(probe, { recursive: true, force: true });
});

/** A 64 KiB tmpfs as the store, with `ballast` bytes already taken; unmounted after the test. */
async function tinyStore(ballast: number): Promise<{ dir: string; store: string; ballastFile: string }> {
  const dir = scratchDir(onTestFinished);
  const store = path.join(dir, "incidents");
  mkdirSync(store, { mode: 0o700 });
  await execa("mount", ["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", store]);
  onTestFinished(async () => {
    await execa("umount", [store]);
  });
  const ballastFile = path.join(store, "ballast");
  writeFileSync(ballastFile, Buffer.alloc(ballast, 0x61));
  writeFileSync(path.join(dir, "disk.yaml"), RUNBOOK);
  return { dir, store, ballastFile };
}

function incidentIn(store: string): string {
  return path.join(store, readdirSync(store).find((f) => f.endsWith(".jsonl"))!);
}

/** Every line a whole event, seq 1, 2, 3 … and a newline at the end: nothing torn. */
function expectWhole(file: string): IncidentEvent[] {
  const text = readFileSync(file, "utf8");
  expect(text.endsWith("\n")).toBe(true);
  const events = text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as IncidentEvent);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  return events;
}

function expectOneLine(stderr: string, file: string): void {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toContain("internal error");
  expect(stderr).toMatch(new RegExp(`^handrail: the disk holding ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\S* is full \\(ENOSPC\\): .*; free some space, then resume the incident$`, "m"));
}

const finishedSteps = (events: IncidentEvent[]) => events.flatMap((e) => (e.type === "step.finished" ? [e.step] : []));

describe("a full disk under the store", () => {
  it("ENOSPC in a step's output file: one line, exit 1, what was written kept; resumable once space is freed", async (ctx) => {
    if (!canMount) ctx.skip("mount -t tmpfs is not allowed here");
    const { dir, store, ballastFile } = await tinyStore(24 * 1024);
    const r = await runCli(["run", "disk.yaml"], { cwd: dir, env: { LINES_BIG: "20000" } });
    const file = incidentIn(store);
    expectOneLine(r.stderr, file.replace(/\.jsonl$/, ".output/big.1.log"));
    expect(r.exitCode).toBe(1);
    const before = expectWhole(file);
    expect(finishedSteps(before)).toEqual(["one"]);
    expect(statSync(file.replace(/\.jsonl$/, ".output/big.1.log")).size).toBeGreaterThan(0);
    expect(readdirSync(store).filter((f) => f.endsWith(".lock"))).toEqual([]);

    rmSync(ballastFile);
    const resumed = await runCli(["run", "disk.yaml", "--resume", file], { cwd: dir, env: { LINES_BIG: "700" } });
    expect(resumed.stderr).toContain("interrupted when the last handrail stopped: big (offered again)");
    expect(resumed.exitCode).toBe(0);
    const after = expectWhole(file);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(finishedSteps(after)).toEqual(["one", "big", "three", "four"]);
  });

  it("ENOSPC in the JSONL itself: the failed append is cut back (no torn line), one line, resumable", async (ctx) => {
    if (!canMount) ctx.skip("mount -t tmpfs is not allowed here");
    // 14 of the 16 pages taken: one is left for the lock, one for the JSONL, whose second page cannot be had.
    const { dir, store, ballastFile } = await tinyStore(56 * 1024);
    const r = await runCli(["run", "disk.yaml"], { cwd: dir, env: { LINES_ONE: "300", LINES_BIG: "300", LINES_THREE: "300" } });
    const file = incidentIn(store);
    expectOneLine(r.stderr, file);
    expect(r.exitCode).toBe(1);
    const before = expectWhole(file);
    expect(statSync(file).size).toBeLessThanOrEqual(4096);

    rmSync(ballastFile);
    const resumed = await runCli(["run", "disk.yaml", "--resume", file], { cwd: dir, env: { LINES_ONE: "300", LINES_BIG: "300", LINES_THREE: "300" } });
    expect(resumed.exitCode).toBe(0);
    const after = expectWhole(file);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(finishedSteps(after).filter((s) => s !== "one")).toEqual(["big", "three", "four"]);
  });
});

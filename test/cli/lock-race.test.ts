/**
 * The incident lock through the built binary: six `run --resume` at once after a kill -9 (one
 * proceeds, seq stays contiguous), zombies and reused pids, --force-unlock recorded in the file.
 */
import { execa, type ResultPromise } from "execa";
import { closeSync, constants, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, writeFileSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { BIN, NO_NOTIFY_ENV, ROOT, runCli, scratchDir } from "../helpers/cli.js";
import { waitFor } from "../helpers/steps.js";

const SLOW = path.join(ROOT, "test/fixtures/engine/slow.yaml");

/**
 * Step two waits for a gate file, so a run can be killed in it and a resume held in it; it
 * also stops when its handrail is gone, so the step of the run killed -9 does not outlive the test.
 */
const GATED = `apiVersion: handrail/v1
kind: Runbook
id: gated
title: Gated steps
summary: A step that waits for a file, for lock races.
inputs:
  gate: { type: string }
phases:
  - id: work
    kind: remediate
    title: Work
    steps:
      - { id: one, title: One, run: 'echo one' }
      - { id: two, title: Two, run: 'while [ ! -e "$gate" ] && kill -0 "$PPID" 2>/dev/null; do sleep 0.02; done; echo two' }
      - { id: three, title: Three, run: 'echo three' }
      - { id: four, title: Four, run: 'echo four' }
      - { id: five, title: Five, run: 'echo five' }
      - { id: six, title: Six, run: 'echo six' }
`;

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: x
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
users: [{ name: u, user: {} }]
`;

const RESUMERS = 6;
/** Measured on the old lock (read, judge, overwrite): about 1 trial in 5 let two resumes through; 16 trials catch it 97 times in 100. */
const TRIALS = 16;

function lines(file: string): IncidentEvent[] {
  return readFileSync(file, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as IncidentEvent);
}

function incidentIn(dir: string): string {
  const store = path.join(dir, "incidents");
  return path.join(store, readdirSync(store).find((f) => f.endsWith(".jsonl"))!);
}

function holdsOpen(pid: number, file: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

function spawnCli(args: string[], cwd: string): ResultPromise {
  return execa(process.execPath, [BIN, ...args], { cwd, env: { HANDRAIL_PATH: undefined, ...NO_NOTIFY_ENV }, reject: false, timeout: 60_000 });
}

/** A run of the gated runbook killed -9 inside step two: its store as the kill left it (file and lock). */
async function killedRun(): Promise<{ runbook: string; name: string; jsonl: string; lock: string }> {
  const dir = scratchDir(onTestFinished);
  const runbook = path.join(dir, "gated.yaml");
  writeFileSync(runbook, GATED);
  // The gate is relative: each run waits on the one in its own working directory.
  const first = spawnCli(["run", runbook, "--set", "gate=gate"], dir);
  await waitFor(() => {
    try {
      return readFileSync(incidentIn(dir), "utf8").includes('"type":"step.started","step":"two"');
    } catch {
      return false;
    }
  }, "the first run to start step two");
  first.kill("SIGKILL");
  await first;
  const file = incidentIn(dir);
  return { runbook, name: path.basename(file), jsonl: readFileSync(file, "utf8"), lock: readFileSync(`${file}.lock`, "utf8") };
}

/** One trial: the killed run's store, then six resumes released at one instant. */
async function trial(killed: Awaited<ReturnType<typeof killedRun>>): Promise<void> {
  const dir = scratchDir(onTestFinished);
  const store = path.join(dir, "incidents");
  mkdirSync(store, { mode: 0o700 });
  const file = path.join(store, killed.name);
  writeFileSync(file, killed.jsonl, { mode: 0o600 });
  writeFileSync(`${file}.lock`, killed.lock, { mode: 0o600 });
  const gate = path.join(dir, "gate");

  // Each resume reads its kubeconfig from its own FIFO: they all wait there, then go at once.
  const fifos = Array.from({ length: RESUMERS }, (_, i) => path.join(dir, `kube-${i}`));
  for (const fifo of fifos) await execa("mkfifo", [fifo]);
  const resumes = fifos.map((fifo) => spawnCli(["run", killed.runbook, "--resume", file, "--kubeconfig", fifo], dir));
  // O_RDWR never blocks on a FIFO: the resumes' opens complete, their reads wait for the data.
  const fds = fifos.map((fifo) => openSync(fifo, constants.O_RDWR));
  await waitFor(() => resumes.every((r, i) => holdsOpen(r.pid!, fifos[i]!)), "every resume to wait on its kubeconfig");
  for (const fd of fds) writeSync(fd, KUBECONFIG);
  for (const fd of fds) closeSync(fd);

  // The one that proceeds waits at step two until every other resume has stopped (or proceeded too).
  const exited: number[] = [];
  resumes.forEach((r, i) => void r.then(() => exited.push(i)));
  const resumedEvents = () => lines(file).filter((e) => e.type === "incident.resumed").length;
  await waitFor(() => exited.length + resumedEvents() >= RESUMERS, "every resume to stop or to proceed", 30_000);
  writeFileSync(gate, "");
  const results = await Promise.all(resumes);

  const codes = results.map((r) => r.exitCode);
  expect(codes.filter((c) => c === 0), `exit codes ${codes.join(",")}`).toHaveLength(1);
  for (const r of results.filter((x) => x.exitCode !== 0)) {
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/incident \S+ is open in another handrail \(pid \d+\); close it there first/);
  }
  const events = lines(file);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.filter((e) => e.type === "incident.resumed")).toHaveLength(1);
  const finished = events.filter((e): e is Extract<IncidentEvent, { type: "step.finished" }> => e.type === "step.finished").map((e) => e.step);
  expect(finished).toEqual(["one", "two", "three", "four", "five", "six"]);
}

function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]!;
}

/** A finished incident of the slow runbook, for lock tests that resume or resolve it. */
async function finishedIncident(): Promise<{ dir: string; file: string; id: string }> {
  const dir = scratchDir(onTestFinished);
  expect((await runCli(["run", SLOW, "--set", "pause=0"], { cwd: dir })).exitCode).toBe(0);
  const file = incidentIn(dir);
  return { dir, file, id: path.basename(file, ".jsonl") };
}

function sleeper(): ResultPromise {
  const child = execa("sleep", ["60"], { reject: false });
  onTestFinished(async () => {
    child.kill("SIGKILL");
    await child;
  });
  return child;
}

const resume = (dir: string, file: string, extra: string[] = []) => runCli(["run", "slow", "--runbooks", path.dirname(SLOW), "--resume", file, ...extra], { cwd: dir });

describe("the incident lock, through the binary", () => {
  it(`six run --resume at once after a kill -9: exactly one proceeds, seq stays contiguous (${TRIALS} trials)`, async () => {
    const killed = await killedRun();
    for (let i = 0; i < TRIALS; i++) await trial(killed);
  }, 300_000);

  it("a lock held by a zombie (killed, never reaped) does not block a resume", async () => {
    const { dir, file } = await finishedIncident();
    // The child exits only once its parent has become `sleep`, which never reaps it: a zombie.
    const parent = execa("sh", ["-c", 'sh -c \'while [ "$(cat /proc/$PPID/comm)" != sleep ]; do :; done\' & echo $!; exec sleep 60'], { reject: false, buffer: false });
    onTestFinished(async () => {
      parent.kill("SIGKILL");
      await parent;
    });
    const pid = await new Promise<number>((resolve) => parent.stdout!.once("data", (b: Buffer) => resolve(Number(b.toString().trim()))));
    await waitFor(() => readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z "), "the zombie");
    writeFileSync(`${file}.lock`, JSON.stringify({ pid, host: hostname(), start: startTime(pid) }));
    const r = await resume(dir, file);
    expect(r.stderr).toContain(`took over the lock of handrail pid ${pid}, which is no longer running`);
    expect(r.exitCode).toBe(0);
  });

  it("a lock whose pid now belongs to another process (start time differs) does not block a resume", async () => {
    const { dir, file } = await finishedIncident();
    const other = sleeper();
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: other.pid, host: hostname(), start: "12345" }));
    const r = await resume(dir, file);
    expect(r.stderr).toContain(`took over the lock of handrail pid ${other.pid}, which is no longer running`);
    expect(r.exitCode).toBe(0);
  });

  it("a live holder blocks resolve (exit 2); --force-unlock takes the lock and records lock.forced with the holder", async () => {
    const { dir, file, id } = await finishedIncident();
    const holder = sleeper();
    const lock = { pid: holder.pid!, host: hostname(), start: startTime(holder.pid!) };
    writeFileSync(`${file}.lock`, JSON.stringify(lock));
    const refused = await runCli(["resolve", id, "--root-cause", "x"], { cwd: dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`is open in another handrail (pid ${holder.pid})`);
    const forced = await runCli(["resolve", id, "--root-cause", "bad image", "--force-unlock"], { cwd: dir });
    expect(forced.stderr).toContain(`forced the lock of handrail pid ${holder.pid} on ${hostname()}`);
    expect(forced.exitCode).toBe(0);
    const tail = lines(file).slice(-2);
    expect(tail.map((e) => e.type)).toEqual(["lock.forced", "incident.resolved"]);
    expect(tail[0]).toMatchObject({ previous: lock });
  });
});

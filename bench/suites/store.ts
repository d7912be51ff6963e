/**
 * Issue 20: 50 followers on one incident while the driver streams a 1 M-line step on the shared
 * store, against the same walk on the file store (target: within 10 %). "50 followers" is measured
 * two ways: 50 `handrail follow` processes, which share the machine's cores with the driver, and
 * 50 bare LISTEN connections held by the bench, which leave the driver's CPU alone (PostgreSQL's
 * work of notifying them stays). Each walk is opened first and stops at a gate, so the followers
 * are listening before the timed `run --resume` streams the step.
 */
import { execFile, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Client } from "pg";
import type { IncidentEvent } from "../../src/incident/events.js";
import { connectClient } from "../../src/incident/store/pg-connect.js";
import { CHANNEL } from "../../src/incident/store/pg-events.js";
import { SharedStore } from "../../src/incident/store/pg-store.js";
import { parseStoreUrl } from "../../src/incident/store/url.js";
import { startPostgres } from "../../test/helpers/postgres.js";
import { BIN, stopOnExit, tempDir, timeProcess, waitUntil } from "../measure.js";
import { figure, summarize, type Figure } from "../stats.js";

const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: stream
title: Stream to followers
summary: A gate, then a flood.
inputs:
  lines: { type: int, default: 1000 }
  go: { type: string }
phases:
  - id: p
    kind: diagnose
    title: Stream
    steps:
      - { id: gate, title: Wait for the followers, run: 'test -e "$go"' }
      - { id: seq, title: Print many lines, run: 'seq 1 "$lines"' }
`;

type Mode = "file" | "follow" | "listen";
interface Walk {
  ms: number;
  /** The streaming step's own duration (its step.finished). */
  stepMs: number;
  /** Followers (or connections) that saw the step start and finish. */
  saw?: number;
}
interface Watchers {
  /** How many saw the step's start and finish (waits a little for the slow ones). */
  finish(started: number, finished: number): Promise<number>;
  stop(): Promise<void>;
}

const run = promisify(execFile);
// Neither the developer's store nor their config file: the file walks use no store, the others this bench's own.
const { HANDRAIL_STORE_URL: _url, HANDRAIL_PATH: _path, ...inherited } = process.env;
const ENV = { ...inherited, XDG_CONFIG_HOME: "/nonexistent/handrail-bench-config", HANDRAIL_OPERATOR: "bench" };

export async function storeFollowers(opts: { lines: number; followers: number; rounds: number }): Promise<Figure[] | { skip: string }> {
  // Each follower holds two connections (its reads and its LISTEN): 50 of them and the driver need more than PostgreSQL's default 100.
  const started = await startPostgres({ maxConnections: 2 * opts.followers + 20 });
  if ("skip" in started) return { skip: `no private PostgreSQL here: ${started.skip}` };
  const server = started.server;
  const stopServer = stopOnExit(() => server.destroy());
  try {
    await SharedStore.init(server.url);
    const dir = tempDir("store");
    writeFileSync(path.join(dir, "stream.yaml"), RUNBOOK);
    const walks: Record<Mode, Walk[]> = { file: [], follow: [], listen: [] };
    for (let round = 0; round < opts.rounds; round++) {
      for (const mode of ["file", "follow", "listen"] as const) walks[mode].push(await walk(dir, mode, round, server.url, opts));
    }
    const ms = (m: Mode) => walks[m].map((w) => w.ms);
    const stepMs = (m: Mode) => walks[m].map((w) => w.stepMs);
    const saw = (m: Mode) => `${Math.min(...walks[m].map((w) => w.saw ?? 0))}/${opts.followers}`;
    const label = `${opts.lines / 1_000_000} M-line step`;
    return [
      figure({ name: `store: run --resume streaming a ${label}, postgres + ${opts.followers} \`handrail follow\` processes (sharing the 2 cores)`, unit: "ms", subject: ms("follow"), baselineName: "file store", baseline: ms("file"), target: { ratio: 1.1 }, note: `every round, at least ${saw("follow")} followers printed the step's start and finish` }),
      figure({ name: `store: the same, postgres + ${opts.followers} bare LISTEN connections (no follower CPU)`, unit: "ms", subject: ms("listen"), baselineName: "file store", baseline: ms("file"), target: { ratio: 1.1 }, note: `every round, at least ${saw("listen")} connections were notified of the step's start and finish` }),
      figure({ name: `store: the ${label} itself (its step.finished duration), postgres + ${opts.followers} follow processes`, unit: "ms", subject: stepMs("follow"), baselineName: "file store", baseline: stepMs("file"), note: `with the LISTEN connections: ${summarize(stepMs("listen")).median.toFixed(0)} ms` }),
    ];
  } finally {
    await stopServer();
  }
}

/** One walk: open it (it stops at the gate), attach the watchers, then time the resume that streams the step. */
async function walk(dir: string, mode: Mode, round: number, url: string, opts: { lines: number; followers: number }): Promise<Walk> {
  const incidents = path.join(dir, `incidents-${mode}-${round}`);
  const go = path.join(dir, `go-${mode}-${round}`);
  const env = mode === "file" ? ENV : { ...ENV, HANDRAIL_STORE_URL: url };
  const args = [BIN, "--runbooks", dir, "--incidents", incidents, "run"];
  const opened = await run(process.execPath, [...args, "stream", "--set", `lines=${opts.lines}`, "--set", `go=${go}`, "--yes"], { cwd: dir, env }).catch((e: { stdout?: string; stderr?: string }) => e);
  const id = /^incident (\S+)$/m.exec(opened.stdout ?? "")?.[1];
  if (!id) throw new Error(`the ${mode} walk did not open an incident: ${opened.stderr ?? ""}`);
  const watchers = mode === "follow" ? await followers(opts.followers, id, env) : mode === "listen" ? await listeners(opts.followers, id, url) : undefined;
  try {
    writeFileSync(go, "");
    const timed = await timeProcess(process.execPath, [...args, "--resume", id, "--yes"], { cwd: dir, env });
    const events = readFileSync(path.join(incidents, `${id}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
    const start = events.findLast((e) => e.type === "step.started" && e.step === "seq");
    const end = events.findLast((e) => e.type === "step.finished" && e.step === "seq");
    if (!start || end?.type !== "step.finished" || end.output?.lines !== opts.lines) throw new Error(`the ${mode} walk did not stream ${opts.lines} lines`);
    return { ms: timed.ms, stepMs: end.durationMs, ...(watchers ? { saw: await watchers.finish(start.seq, end.seq) } : {}) };
  } finally {
    await watchers?.stop();
  }
}

/** `handrail follow <id>` processes, each listening (it says so on stderr) before this returns. */
async function followers(n: number, id: string, env: NodeJS.ProcessEnv): Promise<Watchers> {
  const procs = Array.from({ length: n }, () => spawn(process.execPath, [BIN, "follow", id], { env, stdio: ["ignore", "pipe", "pipe"] }));
  const out = procs.map(() => "");
  const err = procs.map(() => "");
  procs.forEach((p, k) => {
    p.stdout.on("data", (d: Buffer) => (out[k] += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err[k] += d.toString()));
  });
  const stop = stopOnExit(async () => {
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            const hard = setTimeout(() => p.kill("SIGKILL"), 5_000);
            p.once("close", () => (clearTimeout(hard), resolve()));
            p.kill("SIGINT");
          }),
      ),
    );
  });
  await waitUntil(() => err.every((e) => e.includes(`following ${id}`)) || procs.some((p) => p.exitCode !== null), 120_000, 20).catch(() => undefined);
  const notListening = err.findIndex((e) => !e.includes(`following ${id}`));
  if (notListening >= 0) {
    await stop();
    throw new Error(`follower ${notListening} is not following: ${err[notListening] || "(nothing on stderr)"}`);
  }
  const line = (seq: number, what: string) => new RegExp(`^#${seq} .* ${what}`, "m");
  const sawBoth = (o: string, s: number, e: number) => line(s, "step\\.started seq:").test(o) && line(e, "step\\.finished seq: passed").test(o);
  return {
    finish: async (s, e) => {
      await waitUntil(() => out.every((o) => sawBoth(o, s, e)), 10_000, 20).catch(() => undefined);
      return out.filter((o) => sawBoth(o, s, e)).length;
    },
    stop,
  };
}

/** Bare connections LISTENing on the store's channel, as many followers would, without their processes. */
async function listeners(n: number, id: string, url: string): Promise<Watchers> {
  const target = parseStoreUrl(url);
  const heard = Array.from({ length: n }, () => new Set<string>());
  const clients: Client[] = [];
  const stop = stopOnExit(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  });
  for (const set of heard) {
    const c = await connectClient(target, () => undefined);
    clients.push(c);
    c.on("notification", (m: { payload?: string }) => set.add(m.payload ?? ""));
    await c.query(`LISTEN ${CHANNEL}`);
  }
  const both = (set: Set<string>, s: number, e: number) => set.has(`${id}:${s}`) && set.has(`${id}:${e}`);
  return {
    finish: async (s, e) => {
      await waitUntil(() => heard.every((set) => both(set, s, e)), 10_000, 20).catch(() => undefined);
      return heard.filter((set) => both(set, s, e)).length;
    },
    stop,
  };
}

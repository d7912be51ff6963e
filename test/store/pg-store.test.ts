/**
 * The shared store against a real PostgreSQL 15 (test/helpers/postgres.ts): schema init and its
 * checks, bad input as one masked line, contiguous seq with racing writers, idempotent replay,
 * an outage mid-walk, and one driver at a time.
 */
import { afterAll, describe, expect, it } from "vitest";
import { readIncidentFile } from "../../src/incident/log.js";
import { execa } from "execa";
import { readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { IncidentSession } from "../../src/incident/session.js";
import { SharedStore } from "../../src/incident/store/pg-store.js";
import { insertEvent } from "../../src/incident/store/pg-events.js";
import { StoreError } from "../../src/incident/store/url.js";
import type { StoreStatus } from "../../src/incident/store/types.js";
import { freePort, PG_PASSWORD, sharedPostgres } from "../helpers/postgres.js";
import { waitFor } from "../helpers/steps.js";
import { planned, runbook, tempDir } from "./fixtures.js";

const pg = sharedPostgres();
const opened: SharedStore[] = [];
// Registered after the server's hooks, so it runs before the server is destroyed.
afterAll(async () => {
  for (const s of opened) await s.close();
});

async function open(url = pg.server.url): Promise<SharedStore> {
  const s = await SharedStore.open(url);
  opened.push(s);
  return s;
}

async function failure(p: Promise<unknown>): Promise<StoreError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(StoreError);
  return e as StoreError;
}

async function seqs(incident: string): Promise<number[]> {
  return (await pg.server.psql(`select seq from handrail_events where incident_id = '${incident}' order by seq`)).split("\n").filter(Boolean).map(Number);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("the schema", () => {
  it("store init is idempotent: a second run migrates nothing and the tables are there", async (t) => {
    const server = pg.need(t);
    await server.psql("create database init_twice");
    const url = server.urlFor({ database: "init_twice" });
    expect((await SharedStore.init(url)).from).toBe(0);
    const again = await SharedStore.init(url);
    expect([again.from, again.to]).toEqual([1, 1]);
    expect(await server.psql("select string_agg(tablename, ',' order by tablename) from pg_tables where tablename like 'handrail_%'", "init_twice")).toBe("handrail_events,handrail_leases,handrail_schema");
    expect(await server.psql("select count(*) from handrail_schema", "init_twice")).toBe("1");
  });

  it("a store without the schema, or an older one, is refused with 'run handrail store init'; a newer one asks for an upgrade", async (t) => {
    const server = pg.need(t);
    await server.psql("create database no_schema");
    const bare = await failure(SharedStore.open(server.urlFor({ database: "no_schema" })));
    expect(bare.message).toMatch(/^the store at 127\.0\.0\.1:\d+\/no_schema has no handrail schema: run handrail store init --store 'postgres:\/\/postgres:\*\*\*@/);
    expect(bare.message).not.toContain(PG_PASSWORD);
    // An older binary's init left the version table and nothing newer than version 0.
    await server.psql("create table handrail_schema (version integer primary key, applied_at timestamptz not null default now(), handrail text not null)", "no_schema");
    expect((await failure(SharedStore.open(server.urlFor({ database: "no_schema" })))).message).toContain("run handrail store init");
    // Opening never migrated it.
    expect(await server.psql("select to_regclass('handrail_events') is null", "no_schema")).toBe("t");
    await server.psql("create database future");
    await server.psql("create table handrail_schema (version integer primary key, applied_at timestamptz not null default now(), handrail text not null); insert into handrail_schema values (99, now(), '9.0.0')", "future");
    const newer = await failure(SharedStore.open(server.urlFor({ database: "future" })));
    expect(newer.message).toContain("schema version 99, newer than this handrail knows (1): upgrade handrail");
    expect((await failure(SharedStore.init(server.urlFor({ database: "future" })))).message).toContain("upgrade handrail");
  });
});

describe("bad input at start", () => {
  it("a wrong password: the server's message, the password masked", async (t) => {
    const server = pg.need(t);
    const e = await failure(SharedStore.open(server.urlFor({ password: "Wrong-Pass-123" })));
    expect(e.kind).toBe("refused");
    expect(e.message).toContain('password authentication failed for user "postgres"');
    expect(e.message).toContain(`postgres://postgres:***@127.0.0.1:${server.port}/postgres`);
    expect(e.message).not.toContain("Wrong-Pass-123");
    expect(e.message.split("\n")).toHaveLength(1);
  });

  it("nothing listening: one line naming host, port and the error", async (t) => {
    pg.need(t);
    const port = await freePort();
    const e = await failure(SharedStore.open(`postgres://u:Hidden-Pw@127.0.0.1:${port}/db`));
    expect(e.kind).toBe("unreachable");
    expect(e.message).toBe(`cannot reach the store at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (postgres://u:***@127.0.0.1:${port}/db)`);
  });

  it("a URL it cannot use says why, password masked", async () => {
    expect((await failure(SharedStore.open("mysql://u:Pw-1@h/db"))).message).toBe("store URL mysql://u:***@h/db: unknown scheme mysql: (handrail stores: postgres://…, or no URL for the local file)");
    expect((await failure(SharedStore.open("postgres://u:Pw-1@h/db?sslmode=prefer"))).message).toContain("sslmode=prefer may fall back to an unencrypted connection");
    expect((await failure(SharedStore.open("postgres://u:Pw-1@h/db?sslmod=require"))).message).toContain("unknown parameter sslmod");
    expect((await failure(SharedStore.open("postgres://u:Pw-1@h/db?sslmode=require&sslrootcert=/nonexistent/ca.pem"))).message).toBe("store URL postgres://u:***@h/db?sslmode=require&sslrootcert=/nonexistent/ca.pem: sslrootcert /nonexistent/ca.pem: ENOENT");
  });

  it("sslmode=require against a server without TLS is refused, not silently downgraded", async (t) => {
    const server = pg.need(t);
    const e = await failure(SharedStore.open(`${server.url}?sslmode=require`));
    expect(e.message).toContain("The server does not support SSL connections");
    expect(e.message).not.toContain(PG_PASSWORD);
  });
});

describe("events in the store", () => {
  it("two writers racing on one incident: every event once, seq contiguous, each writer's order kept", async (t) => {
    const server = pg.need(t);
    const rb = runbook();
    const [a, b] = [await open(), await open()];
    const id = "race-1";
    const sa = IncidentSession.open({ id, dir: tempDir(t.onTestFinished), runbook: rb, severity: "high", inputs: {}, mode: "run", dryRun: false, actor: "alice", store: a.attach("alice") });
    const sb = IncidentSession.open({ id, dir: tempDir(t.onTestFinished), runbook: rb, severity: "high", inputs: {}, mode: "run", dryRun: false, actor: "bob", store: b.attach("bob") });
    const offline: string[] = [];
    for (const s of [sa, sb]) s.store.onStatus((st) => st.state === "offline" && offline.push(st.error ?? ""));
    const N = 150;
    for (let i = 0; i < N; i++) {
      sa.note(`a${i}`);
      sb.note(`b${i}`);
    }
    expect(await sa.store.flush(20_000)).toBe(true);
    expect(await sb.store.flush(20_000)).toBe(true);
    sa.close();
    sb.close();
    const total = 2 * (N + 1);
    expect(await seqs(id)).toEqual(range(total));
    const events = await a.events(id);
    const notes = (who: string) => events.filter((e) => e.type === "note.added" && e.text.startsWith(who)).map((e) => (e.type === "note.added" ? e.text : ""));
    expect(notes("a")).toEqual(range(N).map((i) => `a${i - 1}`));
    expect(notes("b")).toEqual(range(N).map((i) => `b${i - 1}`));
    expect(await server.psql(`select count(distinct event_id) from handrail_events where incident_id = '${id}'`)).toBe(String(total));
    // A seq taken by the other writer is retried inside the append, never reported as a refusal.
    expect(offline).toEqual([]);
  });

  it("insertEvent itself retries a seq another connection took", async (t) => {
    pg.need(t);
    const [a, b] = [await open(), await open()];
    const writer = (s: SharedStore, w: string) =>
      s.link.run(async (c) => {
        const got: Array<number | undefined> = [];
        for (let i = 1; i <= 100; i++) got.push(await insertEvent(c, { eventId: `${w}:${i}`, incidentId: "race-2", ts: new Date().toISOString(), type: "note.added", actor: w, body: { type: "note.added", text: `${w}${i}` } }));
        return got;
      });
    const [ga, gb] = await Promise.all([writer(a, "wa"), writer(b, "wb")]);
    expect([...ga, ...gb].sort((x, y) => x! - y!)).toEqual(range(200));
  });

  it("a replayed event (same event id) inserts nothing and keeps seq contiguous", async (t) => {
    pg.need(t);
    const s = await open();
    const out = { eventId: "w-replay:1", incidentId: "replay-1", ts: new Date().toISOString(), type: "note.added", actor: "alice", body: { type: "note.added", text: "once" } };
    const first = await s.link.run((c) => insertEvent(c, out));
    const again = await s.link.run((c) => insertEvent(c, out));
    const next = await s.link.run((c) => insertEvent(c, { ...out, eventId: "w-replay:2" }));
    expect([first, again, next]).toEqual([1, undefined, 2]);
    expect(await seqs("replay-1")).toEqual([1, 2]);
  });

  it("the database stopped mid-walk: the walk goes on offline, 12 queued events arrive once, in order, seq contiguous", async (t) => {
    const server = pg.need(t);
    const s = await open();
    const statuses: StoreStatus[] = [];
    const session = IncidentSession.open({ id: "outage-1", dir: tempDir(t.onTestFinished), runbook: runbook(), severity: "high", inputs: {}, mode: "run", dryRun: false, actor: "alice", store: s.attach("alice") });
    session.store.onStatus((st) => statuses.push(st));
    session.note("before the outage");
    expect(await session.store.flush(10_000)).toBe(true);
    await server.stop();
    try {
      for (let i = 1; i <= 12; i++) session.note(`during the outage ${i}`);
      // Appending did not wait: all 12 are in the local file already.
      expect(readIncidentFile(session.file).events).toHaveLength(14);
      await waitFor(() => session.store.status().state === "offline", "the store to go offline");
      expect(session.store.status()).toMatchObject({ kind: "postgres", state: "offline", queued: 12 });
      expect(session.store.status().error).toBeTruthy();
    } finally {
      await server.start();
    }
    expect(await session.store.flush(20_000)).toBe(true);
    expect(session.store.status()).toMatchObject({ state: "online", queued: 0 });
    session.close();
    expect(await seqs("outage-1")).toEqual(range(14));
    const stored = (await s.events("outage-1")).map((e) => (e.type === "note.added" ? e.text : e.type));
    expect(stored).toEqual(readIncidentFile(session.file).events.map((e) => (e.type === "note.added" ? e.text : e.type)));
    expect(statuses.some((st) => st.state === "offline" && st.queued === 12)).toBe(true);
  });
});

describe("following", () => {
  it("a follower survives the server's restart: every event once, in seq order", async (t) => {
    const server = pg.need(t);
    const [driver, watcher] = [await open(), await open()];
    const session = IncidentSession.open({ id: "follow-1", dir: tempDir(t.onTestFinished), runbook: runbook(), severity: "high", inputs: {}, mode: "run", dryRun: false, actor: "alice", store: driver.attach("alice") });
    const seen: number[] = [];
    const connection: Array<string | undefined> = [];
    const follower = watcher.follow("follow-1", (events) => seen.push(...events.map((e) => e.event.seq)), { pollMs: 100, onConnection: (e) => connection.push(e) });
    t.onTestFinished(() => follower.stop());
    await follower.ready;
    session.note("one");
    await waitFor(() => seen.length === 2, "the first events");
    await server.stop();
    try {
      for (let i = 0; i < 5; i++) session.note(`offline ${i}`);
      await waitFor(() => connection.length > 0, "the follower to notice");
    } finally {
      await server.start();
    }
    for (let i = 0; i < 3; i++) session.note(`after ${i}`);
    expect(await session.store.flush(20_000)).toBe(true);
    session.close();
    await waitFor(() => seen.length >= 10, "every event at the follower", 10_000);
    expect(seen).toEqual(range(10));
    expect(connection.at(-1)).toBeUndefined();
  });
});

describe("events a handrail could not send before it stopped", () => {
  it("are in its local file with their ids, and a later reconcile sends exactly those, once", async (t) => {
    const server = pg.need(t);
    const s = await open();
    const session = IncidentSession.open({ id: "crash-1", dir: tempDir(t.onTestFinished), runbook: runbook(), severity: "high", inputs: {}, mode: "run", dryRun: false, actor: "alice", store: s.attach("alice") });
    session.note("sent");
    expect(await session.store.flush(10_000)).toBe(true);
    await server.stop();
    try {
      for (let i = 1; i <= 5; i++) session.note(`unsent ${i}`);
      await waitFor(() => session.store.status().state === "offline", "the store to go offline");
    } finally {
      // The handrail stops with 5 events queued: they are only in its file.
      session.close();
      await server.start();
    }
    const local = readIncidentFile(session.file).events;
    expect(local.every((e) => typeof e.eid === "string")).toBe(true);
    expect(await seqs("crash-1")).toEqual([1, 2]);
    expect(await s.reconcile("crash-1", local, "alice")).toEqual({ sent: 5, behind: 0, stale: 0 });
    expect(await s.reconcile("crash-1", local, "alice")).toEqual({ sent: 0, behind: 0, stale: 0 });
    expect((await s.events("crash-1")).map((e) => e.eid)).toEqual(local.map((e) => e.eid));
    expect(await seqs("crash-1")).toEqual(range(7));
  });
});

describe("a resume that forces the lock", () => {
  it("sends the lock.forced its reopen wrote before the store wrapped the file, in its place", async (t) => {
    pg.need(t);
    const s = await open();
    const rb = runbook();
    const first = IncidentSession.open({ id: "forced-1", dir: tempDir(t.onTestFinished), runbook: rb, severity: "high", inputs: {}, mode: "run", dryRun: false, actor: "alice", store: s.attach("alice") });
    first.note("before");
    expect(await first.store.flush(10_000)).toBe(true);
    first.close();
    // A handrail that looks alive (a live child's pid and start time) holds the lock: the resume forces it.
    const holder = execa("sleep", ["60"], { reject: false });
    t.onTestFinished(async () => {
      holder.kill("SIGKILL");
      await holder;
    });
    const stat = readFileSync(`/proc/${holder.pid}/stat`, "utf8");
    writeFileSync(`${first.file}.lock`, JSON.stringify({ pid: holder.pid, host: hostname(), start: stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] }));
    const { session } = IncidentSession.resume(first.file, rb, { forceUnlock: true, actor: "bob", store: s.attach("bob") });
    session.note("after");
    expect(await session.store.flush(10_000)).toBe(true);
    session.close();
    const local = readIncidentFile(first.file).events;
    expect(local.map((e) => e.type)).toEqual(["incident.opened", "note.added", "lock.forced", "incident.resumed", "note.added"]);
    expect((await s.events("forced-1")).map((e) => `${e.seq}:${e.type}`)).toEqual(local.map((e) => `${e.seq}:${e.type}`));
    expect(await s.reconcile("forced-1", local, "bob")).toEqual({ sent: 0, behind: 0, stale: 0 });
  });
});

describe("one driver at a time", () => {
  it("two would-be drivers at once: exactly one wins, the other is told who drives", async (t) => {
    pg.need(t);
    const [a, b] = [await open(), await open()];
    const results = await Promise.all([a.drive("lease-1", "alice"), b.drive("lease-1", "bob")]);
    const won = results.filter((r) => r.ok);
    const lost = results.filter((r) => !r.ok);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = results[0]!.ok ? "alice" : "bob";
    expect(lost[0]!.ok === false && lost[0]!.message).toMatch(new RegExp(`^${winner} is driving \\(since \\d\\d:\\d\\d:\\d\\d UTC, lease until \\d\\d:\\d\\d:\\d\\d UTC\\)$`));
    expect((await a.driver("lease-1"))?.holder).toBe(winner);
  });

  it("an expired lease can be taken; a live one only with force; the old driver's next step is not run", async (t) => {
    pg.need(t);
    const [a, b] = [await open(), await open()];
    const rb = runbook();
    const first = await a.drive("lease-2", "alice", { ttlMs: 60_000 });
    if (!first.ok) throw new Error(first.message);
    const session = IncidentSession.open({ id: "lease-2", dir: tempDir(t.onTestFinished), runbook: rb, severity: "high", inputs: {}, mode: "run", dryRun: false, actor: "alice", store: a.attach("alice", first.lease) });
    const world = { env: { PATH: process.env.PATH }, cwd: process.cwd() };
    expect((await session.runStep(planned(rb, "hello"), world)).result.status).toBe("passed");
    const refused = await b.drive("lease-2", "bob");
    expect(refused.ok).toBe(false);
    const taken = await b.drive("lease-2", "bob", { force: true });
    expect(taken.ok && taken.previous).toEqual({ holder: "alice", expired: false });
    // Alice's handrail still thinks it drives (its renewal has not run yet): the start's transaction says no.
    const run = await session.runStep(planned(rb, "later"), world);
    expect(run.result.status).toBe("cancelled");
    expect(run.result.error).toMatch(/^not run: bob is driving \(since /);
    expect(readIncidentFile(session.file).events.filter((e) => e.type === "step.output").length).toBe(1);
    await session.store.flush(10_000);
    session.close();
    const stored = await b.events("lease-2");
    expect(stored.filter((e) => e.type === "step.finished").map((e) => (e.type === "step.finished" ? `${e.step}:${e.status}` : ""))).toEqual(["hello:passed", "later:cancelled"]);
    // A short lease left to expire (its holder crashed: no renewal) is anyone's; the taker learns it had expired.
    const again = await a.drive("lease-4", "alice", { ttlMs: 150 });
    if (!again.ok) throw new Error(again.message);
    clearTimeoutOf(again.lease);
    await waitFor(() => Date.now() > again.lease.localExpiry + 100, "the lease to expire");
    const after = await b.drive("lease-4", "bob");
    expect(after.ok && after.previous).toEqual({ holder: "alice", expired: true });
  });
});

/** Poll an async check until it gives something (no fixed sleeps: a condition, with a deadline). */
async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Stop a lease's renewals without releasing it, as a crashed driver would. */
function clearTimeoutOf(lease: { release(): Promise<void> }): void {
  (lease as unknown as { stop(): void }).stop();
}

describe("asking the driver to hand over", () => {
  it("the driver sees who asks and hands over, or declines; no answer is a timeout", async (t) => {
    pg.need(t);
    const [a, b, c] = [await open(), await open(), await open()];
    const alice = await a.drive("hand-1", "alice", { ttlMs: 60_000 });
    if (!alice.ok) throw new Error(alice.message);
    expect(await a.pendingRequest(alice.lease)).toBeUndefined();
    const asking = b.askToDrive("hand-1", "bob", { timeoutMs: 10_000 });
    // Alice's console would poll this and ask her.
    const request = await until(() => a.pendingRequest(alice.lease));
    expect(request.by).toBe("bob");
    expect(await a.handOver(alice.lease)).toBe("bob");
    const bob = await asking;
    expect(bob.ok && bob.previous).toEqual({ holder: "alice", expired: false });
    expect(alice.lease.lostTo).toBe("bob");
    expect(alice.lease.held).toBe(false);
    expect((await c.driver("hand-1"))?.holder).toBe("bob");
    if (!bob.ok) return;

    const carol = c.askToDrive("hand-1", "carol", { timeoutMs: 10_000 });
    expect((await until(() => b.pendingRequest(bob.lease))).by).toBe("carol");
    await b.decline(bob.lease);
    expect(await carol).toMatchObject({ ok: false, declined: true, message: "bob declined to hand over" });

    const dave = await c.askToDrive("hand-1", "dave", { timeoutMs: 300 });
    expect(dave).toMatchObject({ ok: false, declined: false, message: "bob did not answer within 1 s" });
    // The unanswered request does not linger for bob.
    expect(await b.pendingRequest(bob.lease)).toBeUndefined();
    expect((await c.driver("hand-1"))?.holder).toBe("bob");
  });
});

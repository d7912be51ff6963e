/**
 * What followers add reaches the driver (a real PostgreSQL): bob's note and his acknowledgement of
 * an escalation, added to the store while alice drives, are recorded in alice's own file and
 * state as they arrive (her banner goes, her history has the note, by bob), and the store still
 * has each once: alice's copy carries the same event id, so sending it back stores nothing.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { readIncidentFile } from "../../src/incident/log.js";
import { IncidentSession } from "../../src/incident/session.js";
import { SharedStore } from "../../src/incident/store/pg-store.js";
import { sharedPostgres } from "../helpers/postgres.js";
import { waitFor } from "../helpers/steps.js";
import { runbook, tempDir } from "./fixtures.js";

const opened: SharedStore[] = [];
const postgres = sharedPostgres();
afterAll(async () => {
  for (const s of opened) await s.close();
});

async function open(url: string): Promise<SharedStore> {
  const s = await SharedStore.open(url);
  opened.push(s);
  return s;
}

describe("what followers add", () => {
  it("bob's note and acknowledgement reach alice's file and screen while she drives; the store has each once", async (t) => {
    const server = postgres.need(t);
    const [a, b] = [await open(server.url), await open(server.url)];
    const lease = await a.drive("others-1", "alice", { ttlMs: 60_000 });
    if (!lease.ok) throw new Error(lease.message);
    const session = IncidentSession.open({ id: "others-1", dir: tempDir(t.onTestFinished), runbook: runbook(), severity: "high", inputs: {}, mode: "run", dryRun: false, actor: "alice", store: a.attach("alice", lease.lease) });
    t.onTestFinished(() => session.close());
    session.record({ type: "escalation.raised", key: "k1", to: "the database lead", after: "15m", severity: "high" });
    session.note("looking at the pods");
    await session.store.flush(10_000);

    await b.addNote("others-1", "bob", "replica lag is 40 s");
    await b.acknowledge("others-1", "bob", "k1");
    await waitFor(() => session.state.escalations.k1?.acknowledgedAt !== undefined, "bob's acknowledgement in alice's state");
    const local = readIncidentFile(session.file).events;
    expect(local.filter((e) => e.type === "note.added").map((e) => (e.type === "note.added" ? `${e.actor ?? "(driver)"}: ${e.text}` : ""))).toEqual(["(driver): looking at the pods", "bob: replica lag is 40 s"]);
    expect(local.find((e) => e.type === "escalation.acknowledged")).toMatchObject({ key: "k1", actor: "bob" });

    // Alice's copies went back to the store under the same ids: nothing twice, seq contiguous.
    session.note("failing over");
    expect(await session.store.flush(10_000)).toBe(true);
    const stored = await b.events("others-1");
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(new Set(stored.map((e) => e.eid)).size).toBe(stored.length);
    expect(stored.filter((e) => e.type === "note.added").map((e) => (e.type === "note.added" ? e.text : ""))).toEqual(["looking at the pods", "replica lag is 40 s", "failing over"]);
    expect(stored.filter((e) => e.type === "escalation.acknowledged")).toHaveLength(1);
    // Her own note and bob's are one each in her file too.
    expect(readIncidentFile(session.file).events.filter((e) => e.type === "note.added")).toHaveLength(3);
  });
});

describe("a follower stopped while it starts", () => {
  it("leaves no connection behind when the stop comes while its LISTEN is on its way (one kept a headless run from exiting)", async (t) => {
    const server = postgres.need(t);
    const store = await open(server.url);
    // The stop is made to come at that moment: when the follower's connection sends LISTEN (the
    // query itself goes to the server as it would). Before and after, the follower always ended it.
    type Query = (this: pg.Client, ...args: unknown[]) => unknown;
    const proto = pg.Client.prototype as unknown as { query: Query };
    const query = proto.query;
    let stopNow: (() => void) | undefined;
    proto.query = function (this: pg.Client, ...args: unknown[]) {
      if (typeof args[0] === "string" && args[0].startsWith("LISTEN") && stopNow) {
        stopNow();
        stopNow = undefined;
      }
      return query.apply(this, args);
    };
    t.onTestFinished(() => {
      proto.query = query;
    });
    const f = store.follow("stop-race", () => undefined, { actor: "stop-during-listen", only: ["note.added"] });
    let stopped: Promise<void> | undefined;
    stopNow = () => (stopped = f.stop());
    await f.ready.catch(() => undefined);
    await waitFor(() => stopped !== undefined, "the stop, sent with LISTEN");
    await stopped;
    proto.query = query;

    // Connections close as the server notices; one still there after a moment was never ended.
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    t.onTestFinished(() => client.end());
    const left = async () => (await client.query<{ name: string }>("SELECT application_name AS name FROM pg_stat_activity WHERE application_name LIKE 'hr-follow:%:stop-during-listen'")).rows.map((r) => r.name);
    for (let tries = 0; tries < 40 && (await left()).length > 0; tries++) await new Promise((r) => setTimeout(r, 50));
    expect(await left()).toEqual([]);
  });
});

/**
 * The release-train platform's rollback API as the train scenarios serve it (the seed's
 * POST /api/v1/release-trains/{train}/rollback and GET …/rollback/status), over HTTP against a
 * cluster whose clock only the test moves: reverse dependency order, one participant at a time,
 * "completed" only once every rolled-back participant is healthy, refusals that say why.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ClusterStore } from "../../../src/sandbox/store.js";
import { participantState } from "../../../src/sandbox/scenarios/participant-health.js";
import { PlatformApi } from "../../../src/sandbox/scenarios/platform-api.js";
import { imageOf, OLD_VERSIONS, TRAIN_NAMESPACE as NS, TRAIN_PARTICIPANTS, TRAIN_QUALITY } from "../../../src/sandbox/scenarios/train-catalog.js";

const TRAIN = "Q4-curve-upgrade";
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** The train registered while the participants run their old versions, then the given ones released to 2.0.0 (backtesting's 2.0.0 crash-loops). */
async function world(opts: { released: string[]; rollbackService?: boolean }) {
  const store = new ClusterStore();
  store.setImageBehaviour(imageOf("backtesting", "2.0.0"), { crash: true });
  for (const name of TRAIN_PARTICIPANTS) store.createDeployment({ namespace: NS, name, image: imageOf(name, OLD_VERSIONS[name]!), replicas: 3, progressDeadlineSeconds: 600 });
  expect(store.tickUntil(() => TRAIN_PARTICIPANTS.every((n) => participantState(store, NS, n).healthy))).toBe(true);
  const log: string[] = [];
  const api = new PlatformApi({ store, namespace: NS, participants: TRAIN_PARTICIPANTS, quality: TRAIN_QUALITY, log: (l) => log.push(l), ...(opts.rollbackService === false ? { rollbackService: false } : {}) });
  const server = createServer(api.handle);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${base}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } } : {}) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const created = await call("POST", "/release-trains", { name: TRAIN, target_version: "2.0.0", participants: TRAIN_PARTICIPANTS });
  expect(created).toMatchObject({ status: 201, body: { previous_versions: OLD_VERSIONS } });
  for (const name of opts.released) store.setDeploymentImage(NS, name, imageOf(name, "2.0.0"));
  store.tickUntil(() => participantState(store, NS, "curve").version !== "2.0.0" || participantState(store, NS, "curve").healthy);
  return { store, api, call, log };
}

const states = (body: Record<string, unknown>) => (body.participants as Array<{ name: string; state: string }>).map((p) => `${p.name} ${p.state}`);

describe("the platform's train rollback", () => {
  it("refuses what it cannot do, and says why", async () => {
    const { call } = await world({ released: ["curve"] });
    expect(await call("GET", `/release-trains/${TRAIN}/rollback/status`)).toMatchObject({ status: 404, body: { error: `no rollback of ${TRAIN} was requested` } });
    expect((await call("POST", "/release-trains/no-such-train/rollback", { reason: "x" })).status).toBe(404);
    // A rollback goes on record with its reason, or not at all.
    expect((await call("POST", `/release-trains/${TRAIN}/rollback`, { force: false })).status).toBe(400);
    expect((await call("POST", `/release-trains/${TRAIN}/rollback`, { reason: "  " })).status).toBe(400);
    const down = await world({ released: ["curve"], rollbackService: false });
    expect(await down.call("POST", `/release-trains/${TRAIN}/rollback`, { reason: "x" })).toMatchObject({ status: 503, body: { error: "rollback service unavailable" } });
    expect((await down.call("GET", `/release-trains/${TRAIN}/rollback/status`)).status).toBe(503);
  });

  it("rolls back what runs the train's version in reverse order, one at a time, and is completed only when each is healthy again", async () => {
    const { store, api, call, log } = await world({ released: ["curve", "backtesting"] });
    const started = await call("POST", `/release-trains/${TRAIN}/rollback`, { reason: "backtesting 2.0.0 crash-loops", force: false });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ train: TRAIN, reason: "backtesting 2.0.0 crash-loops", force: false, status: "in_progress" });
    expect(states(started.body)).toEqual(["scenario skipped", "backtesting pending", "curve pending"]);
    expect(started.body.participants).toMatchObject([{ detail: "runs 1.5.1, its version before the train: nothing to roll back" }, { from: "2.0.0", to: "1.6.3" }, { from: "2.0.0", to: "1.8.0" }]);
    // One rollback of a train at a time (the cluster has not moved since).
    expect((await call("POST", `/release-trains/${TRAIN}/rollback`, { reason: "again" })).status).toBe(409);

    // backtesting first; curve is not touched until backtesting is back and healthy.
    store.tick();
    expect(states((await call("GET", `/release-trains/${TRAIN}/rollback/status`)).body)).toEqual(["scenario skipped", "backtesting rolling_back", "curve pending"]);
    expect(participantState(store, NS, "curve").version).toBe("2.0.0");
    const rollback = api.rollbacks.get(TRAIN)!;
    expect(store.tickUntil(() => rollback.record.participants[1]!.state === "rolled_back")).toBe(true);
    expect(participantState(store, NS, "backtesting")).toMatchObject({ version: OLD_VERSIONS.backtesting, healthy: true });
    expect(rollback.record.status).toBe("in_progress");

    expect(store.tickUntil(() => rollback.done)).toBe(true);
    const done = await call("GET", `/release-trains/${TRAIN}/rollback/status`);
    expect(done.body).toMatchObject({ status: "completed" });
    expect((done.body.participants as unknown[])).toMatchObject([
      { name: "scenario", from: "1.5.1", state: "skipped" },
      { name: "backtesting", from: "2.0.0", to: "1.6.3", state: "rolled_back" },
      { name: "curve", from: "2.0.0", to: "1.8.0", state: "rolled_back" },
    ]);
    for (const name of TRAIN_PARTICIPANTS) expect(participantState(store, NS, name)).toMatchObject({ version: OLD_VERSIONS[name], healthy: true });
    expect(log.filter((l) => l.includes("rollback"))).toEqual([
      "WARN rollback of release train Q4-curve-upgrade requested: backtesting 2.0.0 crash-loops",
      "INFO rollback of backtesting started: 2.0.0 -> 1.6.3 (revision 1)",
      expect.stringMatching(/^INFO rollback of backtesting done: backtesting 3\/3 ready/),
      "INFO rollback of curve started: 2.0.0 -> 1.8.0 (revision 1)",
      expect.stringMatching(/^INFO rollback of curve done: curve 3\/3 ready/),
      "INFO rollback of release train Q4-curve-upgrade completed: backtesting 2.0.0 -> 1.6.3, curve 2.0.0 -> 1.8.0",
    ]);
    // A finished rollback no longer holds the train: a new one may be asked for.
    expect((await call("POST", `/release-trains/${TRAIN}/rollback`, { reason: "again" })).status).toBe(202);
  });

  it("after a fix forward, goes back to the version before the train, not to the train's version", async () => {
    const { store, api, call } = await world({ released: ["curve", "backtesting"] });
    // The fix (2.0.1) came up: backtesting's previous revision is now the train's 2.0.0, which crash-loops.
    store.setDeploymentImage(NS, "backtesting", imageOf("backtesting", "2.0.1"));
    expect(store.tickUntil(() => participantState(store, NS, "backtesting").healthy)).toBe(true);
    expect((await call("POST", `/release-trains/${TRAIN}/rollback`, { reason: "the fix is not enough" })).body.participants).toMatchObject([{ state: "skipped" }, { from: "2.0.1", to: "1.6.3" }, { from: "2.0.0", to: "1.8.0" }]);
    expect(store.tickUntil(() => api.rollbacks.get(TRAIN)!.done)).toBe(true);
    expect(api.rollbacks.get(TRAIN)!.record.status).toBe("completed");
    for (const name of TRAIN_PARTICIPANTS) expect(participantState(store, NS, name)).toMatchObject({ version: OLD_VERSIONS[name], healthy: true });
  });

  it("fails, and says which participant, when there is no revision to go back to", async () => {
    const { store, api, call } = await world({ released: ["curve"] });
    // scenario was replaced by a deployment created on 2.0.0: it has no revision of 1.5.1.
    store.delete("deployments", NS, "scenario");
    store.createDeployment({ namespace: NS, name: "scenario", image: imageOf("scenario", "2.0.0"), replicas: 3 });
    expect((await call("POST", `/release-trains/${TRAIN}/rollback`, { reason: "test" })).status).toBe(202);
    expect(store.tickUntil(() => api.rollbacks.get(TRAIN)!.done)).toBe(true);
    const body = (await call("GET", `/release-trains/${TRAIN}/rollback/status`)).body;
    expect(body).toMatchObject({ status: "failed" });
    expect(states(body)).toEqual(["scenario failed", "backtesting skipped", "curve pending"]);
    expect((body.participants as unknown[])[0]).toMatchObject({ detail: "no revision of 1.5.1 to roll back to" });
    // Nothing after the failed participant was touched.
    expect(participantState(store, NS, "curve").version).toBe("2.0.0");
  });
});

/**
 * What only the driver may do, on a shared store (a real PostgreSQL): after bob takes the lease,
 * alice's handrail confirms no manual step (its start is refused in the transaction that records
 * it, and recorded not run) and chooses no option — the same refusal a command
 * step gets. Before the take-over the same acts go through.
 */
import { afterAll, describe, expect, it } from "vitest";
import { perform } from "../../src/incident/effects.js";
import { readIncidentFile } from "../../src/incident/log.js";
import { attachNotifier } from "../../src/incident/notifier.js";
import { IncidentSession } from "../../src/incident/session.js";
import { SharedStore } from "../../src/incident/store/pg-store.js";
import { loadRunbookText } from "../../src/runbooks/load.js";
import { sharedPostgres } from "../helpers/postgres.js";
import { tempDir } from "./fixtures.js";

const opened: SharedStore[] = [];
const pg = sharedPostgres();
afterAll(async () => {
  for (const s of opened) await s.close();
});

const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: driver-only
title: Driver only
summary: A manual step and a choice, for what only the driver may do.
phases:
  - id: assess
    kind: assess
    title: Assess
    steps:
      - { id: look, title: Look at the dashboard, manual: Open the dashboard and read the error rate. }
      - { id: page, title: Page the owner, manual: Page the owning team. }
  - id: remediate
    kind: remediate
    title: Remediate
    options:
      - id: rollback
        title: Roll back
        steps:
          - { id: undo, title: Undo, run: echo undo }
      - id: forward
        title: Fix forward
        steps:
          - { id: fix, title: Fix, run: echo fix }
`;

async function open(): Promise<SharedStore> {
  const s = await SharedStore.open(pg.server.url);
  opened.push(s);
  return s;
}

describe("what only the driver may do", () => {
  it("after a take-over: a manual step is recorded not run and a choice is refused, naming who drives", async (t) => {
    pg.need(t);
    const loaded = loadRunbookText(RUNBOOK, "driver-only.yaml");
    if (!loaded.runbook) throw new Error(JSON.stringify(loaded.problems));
    const rb = loaded.runbook;
    const [a, b] = [await open(), await open()];
    const lease = await a.drive("only-1", "alice", { ttlMs: 60_000 });
    if (!lease.ok) throw new Error(lease.message);
    const session = IncidentSession.open({ id: "only-1", dir: tempDir(t.onTestFinished), runbook: rb, severity: "high", inputs: {}, mode: "run", dryRun: false, actor: "alice", store: a.attach("alice", lease.lease) });
    const { notifier, detach } = attachNotifier(session, undefined, {});
    t.onTestFinished(detach);
    const io = { world: { env: { PATH: process.env.PATH }, cwd: process.cwd() }, notifier };
    const [look, page] = rb.phases[0]!.steps!.map((step) => ({ kind: "step" as const, key: step.id, step, phaseId: "assess" }));

    // Alice drives: her confirmation goes through.
    expect(await session.mayAct()).toEqual({ ok: true });
    expect(await perform(session, { type: "confirm", item: look!, by: "alice" }, io)).toEqual({ type: "done" });
    expect(session.state.steps.look?.status).toBe("passed");

    const taken = await b.drive("only-1", "bob", { force: true });
    expect(taken.ok).toBe(true);
    // Her renewal has not run yet: the confirmation's start is refused by the transaction that records it.
    const confirmed = await perform(session, { type: "confirm", item: page!, by: "alice" }, io);
    expect(confirmed).toMatchObject({ type: "refused", reason: expect.stringMatching(/^bob is driving \(since /) as string });
    expect(session.state.steps.page?.status).toBe("cancelled");
    const chose = await perform(session, { type: "choose", phase: "remediate", option: "rollback", by: "alice" }, io);
    expect(chose).toEqual({ type: "refused", reason: "bob drives the incident now" });
    expect(await session.mayAct()).toEqual({ ok: false, reason: "bob drives the incident now" });

    await session.store.flush(10_000);
    session.close();
    const local = readIncidentFile(session.file).events;
    expect(local.some((e) => e.type === "option.chosen")).toBe(false);
    const page2 = local.filter((e) => e.type === "step.finished" && e.step === "page");
    expect(page2).toEqual([expect.objectContaining({ status: "cancelled", error: expect.stringMatching(/^not run: bob is driving/) as string })]);
    expect(page2[0]).not.toHaveProperty("acknowledged");
    const stored = await b.events("only-1");
    expect(stored.filter((e) => e.type === "step.finished").map((e) => (e.type === "step.finished" ? `${e.step}:${e.status}` : ""))).toEqual(["look:passed", "page:cancelled"]);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
  });
});

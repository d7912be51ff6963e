/**
 * Resume on a shared store (the built binary, a real PostgreSQL): events a handrail could not send
 * before it stopped are sent by the next resume; an incident is resumed on another laptop from
 * the store; a laptop whose file fell behind gets it rebuilt (the old one kept). Through all of it
 * the store holds every event once, seq contiguous, and each local file ends equal to the store.
 */
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { readIncidentFile } from "../../src/incident/log.js";
import { SharedStore } from "../../src/incident/store/pg-store.js";
import { runCli, scratchDir } from "../helpers/cli.js";
import { sharedPostgres } from "../helpers/postgres.js";

const pg = sharedPostgres();

// `fix` fails until its file exists: the walk stops there and is resumed later.
const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: resumable
title: Resumable walk
summary: A walk that stops and is resumed.
phases:
  - id: diagnose
    kind: diagnose
    title: Diagnose
    steps:
      - { id: look, title: Look, run: 'echo looking' }
      - { id: fix, title: Fix, run: 'test -e "$HR_DIR/fixed"' }
      - { id: check, title: Check, run: 'echo checked' }
`;

const shape = (e: IncidentEvent) => `${e.type}:${"step" in e ? e.step : ""}:${e.ts}`;

describe("resume on a shared store", () => {
  it("sends what was left unsent, resumes on another laptop, and rebuilds a file that fell behind", async (t) => {
    const server = pg.need(t);
    const dir = scratchDir(t.onTestFinished);
    writeFileSync(path.join(dir, "resumable.yaml"), RUNBOOK);
    const laptopA = path.join(dir, "a");
    const laptopB = path.join(dir, "b");
    const env = (who: string) => ({ HANDRAIL_STORE_URL: server.url, HANDRAIL_OPERATOR: who, HR_DIR: dir });
    const store = await SharedStore.open(server.url);
    t.onTestFinished(() => store.close());

    // Alice's walk stops at `fix` while the store is down: what it wrote offline stays in her file only.
    await server.stop();
    let id: string;
    try {
      const opened = await runCli(["--incidents", laptopA, "run", path.join(dir, "resumable.yaml"), "--yes", "--store-optional"], { env: env("alice") });
      expect(opened.exitCode).toBe(1);
      expect(opened.stderr).toContain("going on with the local incident file alone (--store-optional)");
      id = readdirSync(laptopA).find((f) => f.endsWith(".jsonl"))!.replace(/\.jsonl$/, "");
    } finally {
      await server.start();
    }
    const fileA = path.join(laptopA, `${id}.jsonl`);
    const aliceLocal = readIncidentFile(fileA).events;
    expect(await store.events(id)).toEqual([]);

    // Her next resume sends all of it first (those events never had a store, so their ids come from the file).
    const again = await runCli(["--incidents", laptopA, "run", "--resume", id, "--yes"], { env: env("alice") });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain(`sent ${aliceLocal.length} event(s) of ${fileA} that the store did not have`);
    let stored = await store.events(id);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.map(shape)).toEqual(readIncidentFile(fileA).events.map(shape));

    // Carol resumes it on another laptop, which never had the file: rebuilt from the store, and the walk goes on.
    writeFileSync(path.join(dir, "fixed"), "");
    const carol = await runCli(["--incidents", laptopB, "--runbooks", dir, "run", "--resume", id, "--yes"], { env: env("carol") });
    expect(carol.exitCode).toBe(0);
    expect(carol.stderr).toContain(`rebuilt ${path.join(laptopB, `${id}.jsonl`)} from the store (${stored.length} events;`);
    stored = await store.events(id);
    const fileB = readIncidentFile(path.join(laptopB, `${id}.jsonl`));
    expect(fileB.issues).toEqual([]);
    expect(fileB.events.map(shape)).toEqual(stored.map(shape));
    expect(stored.filter((e) => e.type === "step.finished").map((e) => (e.type === "step.finished" ? `${e.step}:${e.status}` : ""))).toEqual(["look:passed", "fix:failed", "fix:failed", "fix:passed", "check:passed"]);

    // Alice's file is behind now: her next resume keeps it aside and rebuilds it from the store.
    const behind = await runCli(["--incidents", laptopA, "run", "--resume", id, "--yes"], { env: env("alice") });
    expect(behind.exitCode).toBe(0);
    expect(behind.stderr).toMatch(new RegExp(`${id}\\.jsonl was behind the store \\(\\d+ event\\(s\\) written elsewhere\\): kept as ${id}\\.jsonl\\.behind-`));
    stored = await store.events(id);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(readIncidentFile(fileA).events.map(shape)).toEqual(stored.map(shape));
    expect(readdirSync(laptopA).filter((f) => f.includes(".behind-"))).toHaveLength(1);
    expect(new Set(stored.map((e) => e.eid)).size).toBe(stored.length);
  });
});

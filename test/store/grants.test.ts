/**
 * The README's least-privilege SQL (section "Working as a team"), run as written against a real
 * PostgreSQL: the owner role can init the schema, the responder role can walk an incident, and
 * cannot change or delete an event.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IncidentSession } from "../../src/incident/session.js";
import { SharedStore } from "../../src/incident/store/pg-store.js";
import { ROOT } from "../helpers/cli.js";
import { sharedPostgres } from "../helpers/postgres.js";
import { planned, runbook, tempDir } from "./fixtures.js";

const pg = sharedPostgres({ init: false });

/** The README's SQL block of the section, split at its "-- then:" line into the superuser part and the owner's grants. */
function readmeSql(): { superuser: string; grants: string } {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Working as a team"));
  const block = /```sql\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("no sql block in Working as a team");
  const [superuser, rest] = block.split(/^-- then:.*$/m);
  return { superuser: superuser!, grants: rest!.replace(/^--.*$/gm, "") };
}

describe("least privilege, as the README says", () => {
  it("the owner inits, the responder walks an incident and cannot rewrite events", async (t) => {
    const server = pg.need(t);
    const sql = readmeSql();
    await server.psql("create database team");
    await server.psql(sql.superuser, "team");
    const owner = server.urlFor({ user: "handrail_owner", password: "owner-password", database: "team" });
    const responder = server.urlFor({ user: "handrail_responder", password: "responder-password", database: "team" });
    // Before the grants the responder cannot even see the schema's version.
    expect((await SharedStore.init(owner)).to).toBe(1);
    await expect(SharedStore.open(responder)).rejects.toThrow(`the store at 127.0.0.1:${server.port}/team has handrail's tables in schema "handrail", which this role cannot use: grant USAGE on it and put it on the role's search_path (README, Working as a team)`);
    await server.psql(`SET ROLE handrail_owner; ${sql.grants}`, "team");

    const store = await SharedStore.open(responder);
    try {
      const rb = runbook();
      const lease = await store.drive("lp-1", "dana");
      if (!lease.ok) throw new Error(lease.message);
      const session = IncidentSession.open({ id: "lp-1", dir: tempDir(t.onTestFinished), runbook: rb, severity: "high", inputs: {}, mode: "run", dryRun: false, actor: "dana", store: store.attach("dana", lease.lease) });
      const run = await session.runStep(planned(rb, "hello"), { env: { PATH: process.env.PATH }, cwd: process.cwd() });
      expect(run.result.status).toBe("passed");
      session.note("checked");
      expect(await session.store.flush(10_000)).toBe(true);
      session.close();
      expect((await store.events("lp-1")).map((e) => e.type)).toEqual(["incident.opened", "phase.entered", "step.started", "step.process", "step.output", "step.finished", "note.added"]);
      expect(await server.psql("select count(*) from handrail.handrail_events where incident_id = 'lp-1'", "team")).toBe("7");
      for (const change of ["UPDATE handrail_events SET type = 'x'", "DELETE FROM handrail_events"]) {
        await expect(store.link.run((c) => c.query(change))).rejects.toMatchObject({ code: "42501" });
      }
    } finally {
      await store.close();
    }
  });
});

/** staging-health-500: the runbook's own commands see a 500, and only a restart of the api process heals it. */
import { execa } from "execa";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadRunbookFile } from "../../../src/runbooks/load.js";
import { allSteps } from "../../../src/runbooks/walk.js";
import { startDrill, type Drill } from "../../../src/sandbox/drill.js";
import { stagingHealth500 } from "../../../src/sandbox/scenarios/staging-health-500.js";
import { waitFor } from "../../helpers/steps.js";

let drill: Drill | undefined;
afterEach(async () => {
  await drill?.stop();
  drill = undefined;
});

/** Run a step's script the way handrail does: bash, the drill dir as cwd, the inputs and the drill's env exported. */
async function step(d: Drill, script: string) {
  const r = await execa("bash", ["-c", script], { reject: false, cwd: d.world.dir, env: { ...d.world.env, ...(d.inputs as Record<string, string>) }, timeout: 20_000 });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const runbook = (await loadRunbookFile(path.resolve(import.meta.dirname, "../../../runbooks/deployment-failure.yaml"))).runbook!;

/** The script of one of the runbook's steps, as shipped. */
function script(id: string): string {
  const run = allSteps(runbook).find((s) => s.step.id === id)?.step.run;
  if (run === undefined) throw new Error(`no run step ${id} in deployment-failure`);
  return run;
}

async function healthyAfterTicks(d: Drill): Promise<void> {
  await waitFor(() => (stagingHealth500.health(d.world) as { healthy: boolean }).healthy, "the api healthy");
}

/** The health detail once the api has finished starting (one tick after a start). */
async function settled(d: Drill): Promise<string> {
  // Ticks change nothing in the cluster here, so wait on the tick hook itself.
  await new Promise<void>((resolve) => {
    let seen = 0;
    const off = d.world.kube.store.onTick(() => {
      if (++seen < 2) return;
      off();
      resolve();
    });
  });
  return (await d.health()).detail;
}

describe("staging-health-500", () => {
  it("starts broken: /health 500, ps unhealthy, pool errors in the logs, all seen over the drill's ssh", async () => {
    const d = (drill = await startDrill(stagingHealth500, { tickMs: 50 }));
    expect(d.inputs).toMatchObject({ environment: "staging", host: "deploy@staging.drill", service: "api" });
    expect(await d.health()).toEqual({ healthy: false, detail: "api /health 500: database connection pool exhausted (0/20 connections usable)" });
    const curl = await step(d, 'ssh "$host" -- curl -v "$health_url"');
    expect(curl.exitCode).toBe(0);
    expect(curl.stderr).toContain("< HTTP/1.1 500");
    expect(curl.stdout).toContain("connection pool exhausted");
    const ps = await step(d, 'ssh "$host" -- docker-compose ps');
    expect(ps.stdout).toMatch(/staging-api +azora-api:1\.4\.0 +api +Up \d+ minutes \(unhealthy\)/);
    const logs = await step(d, 'ssh "$host" -- "docker-compose logs $service | tail -50"');
    expect(logs.stdout).toContain("ERROR pg: Connection terminated unexpectedly");
    expect(logs.stdout).toContain("ERROR GET /health 500");
    const stats = await step(d, 'ssh "$host" -- docker stats --no-stream');
    expect(stats.stdout.split("\n")[0]).toMatch(/^CONTAINER +NAME +CPU %/);
  });

  it("the drill's ssh refuses every host but its own, without connecting", async () => {
    const d = (drill = await startDrill(stagingHealth500, { tickMs: 50 }));
    const r = await step(d, "ssh prod-user@prod-host -- docker-compose ps");
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toContain("this drill simulates only deploy@staging.drill");
  });

  it("checking dependencies passes everywhere and changes nothing", async () => {
    const d = (drill = await startDrill(stagingHealth500, { tickMs: 50 }));
    expect((await step(d, 'ssh "$host" -- docker-compose exec -T postgres pg_isready')).stdout).toContain("accepting connections");
    expect((await step(d, 'ssh "$host" -- docker-compose exec -T redis redis-cli ping')).stdout).toContain("PONG");
    expect((await step(d, 'ssh "$host" -- docker-compose exec -T "$service" npm run check:db')).exitCode).toBe(0);
    expect(await settled(d)).toContain("/health 500");
  });

  it("restart heals it after the api has started; the logs show the fresh pool", async () => {
    const d = (drill = await startDrill(stagingHealth500, { tickMs: 50 }));
    const restart = await step(d, 'ssh "$host" -- docker-compose restart "$service"');
    expect(restart.exitCode).toBe(0);
    expect(restart.stderr).toContain("Container staging-api  Started");
    await healthyAfterTicks(d);
    expect((await d.health()).detail).toBe("api /health 200 on deploy@staging.drill (restarted 1×)");
    const health = await step(d, 'curl -sS -o /dev/null -w "%{http_code}" "$health_url"');
    expect(health.stdout).toBe("200");
    expect((await step(d, 'ssh "$host" -- "docker-compose logs $service --tail=1"')).stdout).toContain("pool 20); listening on :3000");
  });

  it("rolling the migration back and restarting everything leaves a schema mismatch", async () => {
    const d = (drill = await startDrill(stagingHealth500, { tickMs: 50 }));
    expect((await step(d, 'ssh "$host" -- docker-compose exec -T "$service" npm run migrate:down')).stdout).toContain("reverted 20261128_add_invoice_status");
    expect((await step(d, 'ssh "$host" -- docker-compose restart')).exitCode).toBe(0);
    expect(await settled(d)).toBe("api /health 500: schema mismatch: migration 20261128_add_invoice_status is not applied");
  });

  it("a postgres restart under the running api breaks it again; down and up (the rollback) heals it", async () => {
    const d = (drill = await startDrill(stagingHealth500, { tickMs: 50 }));
    await step(d, 'ssh "$host" -- docker-compose restart "$service"');
    await healthyAfterTicks(d);
    await step(d, 'ssh "$host" -- docker-compose restart postgres');
    expect(await settled(d)).toContain("connection pool exhausted");
    const down = await step(d, 'ssh "$host" -- docker-compose down');
    expect(down.stderr).toContain("Container staging-api  Removed");
    expect((await step(d, 'ssh "$host" -- docker-compose ps')).stdout.trim().split("\n")).toHaveLength(1);
    expect((await d.health()).detail).toContain("/health 502");
    expect((await step(d, 'ssh "$host" -- docker-compose up -d')).exitCode).toBe(0);
    await healthyAfterTicks(d);
  });

  it("the runbook's database checks reach psql intact through the drill's ssh, which re-parses like OpenSSH; the seed's unquoted forms do not", async () => {
    const d = (drill = await startDrill(stagingHealth500, { tickMs: 50 }));
    // \dt: the runbook's quoting reaches psql as \dt; the seed's reached it as dt.
    const tables = await step(d, script("sm-tables"));
    expect(tables).toMatchObject({ exitCode: 0 });
    expect(tables.stdout).toContain("List of relations");
    expect(tables.stdout).toMatch(/public \| migrations +\| table/);
    const seedTables = await step(d, 'ssh "$host" -- docker exec "$db_container" psql -U postgres -d "$db_name" -c "\\dt"');
    expect(seedTables.exitCode).toBe(1);
    expect(seedTables.stderr).toContain('ERROR:  syntax error at or near "dt"');
    // SELECT * … : quoted, the query; unquoted, `;` ends the remote command, `*` globs the server's
    // home and psql runs a bare SELECT: exit 0 with nothing of pg_stat_activity in it.
    const activity = await step(d, script("pm-activity"));
    expect(activity).toMatchObject({ exitCode: 0, stderr: "" });
    expect(activity.stdout).toMatch(/datname .* state/);
    expect(activity.stdout).toContain("(2 rows)");
    const seedActivity = await step(d, 'ssh "$host" -- docker exec "$db_container" psql -U postgres -d "$db_name" -c "SELECT * FROM pg_stat_activity;"');
    expect(seedActivity.exitCode).toBe(0);
    expect(seedActivity.stderr).toContain('psql: warning: extra command-line argument "docker-compose.yml" ignored');
    expect(seedActivity.stdout).not.toContain("datname");
    const migrations = await step(d, script("pm-migrations"));
    expect(migrations.stdout).toMatch(/20261128_add_invoice_status +\| completed/);
    expect(migrations.stdout).toContain("(3 rows)");
    // pg_size_pretty(…): a syntax error of the remote shell itself when unquoted.
    const size = await step(d, script("pm-size"));
    expect(size.exitCode).toBe(0);
    expect(size.stdout).toContain("48 MB");
    const seedSize = await step(d, "ssh \"$host\" -- docker exec \"$db_container\" psql -U postgres -d \"$db_name\" -c \"SELECT pg_size_pretty(pg_database_size('$db_name'));\"");
    expect(seedSize.exitCode).toBe(2);
    expect(seedSize.stderr).toMatch(/Syntax error: "\(" unexpected/);
  });

  it("the runbook's health check finds the 500 on the server, and its verification fails until the restart", async () => {
    const d = (drill = await startDrill(stagingHealth500, { tickMs: 50 }));
    const diag = await step(d, script("sh-health"));
    expect(diag.exitCode).toBe(0);
    expect(diag.stdout.trim().split("\n").at(-1)).toBe("HTTP status 500");
    const before = await step(d, script("v-health"));
    expect(before.stdout).not.toMatch(/^HTTP status 2\d\d$/m);
    await step(d, script("rt-restart"));
    const wait = await step(d, script("rt-health"));
    expect(wait.stdout).toMatch(/^HTTP status 200$/m);
    expect((await step(d, script("v-health"))).stdout).toMatch(/^HTTP status 200$/m);
  });

  it("the rollback's own check: the image noted before, the same image after down and up, so verification fails", async () => {
    const d = (drill = await startDrill(stagingHealth500, { tickMs: 50 }));
    const noted = await step(d, script("rv-record"));
    expect(noted.stdout).toMatch(/^staging-api +azora-api +1\.4\.0/);
    await step(d, script("incident-log"));
    await step(d, 'ssh "$host" -- docker-compose down');
    // Down and nothing started: no container, not a rollback.
    const gone = await step(d, script("v-rolled-back"));
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain("does not run another image");
    await step(d, 'ssh "$host" -- docker-compose up -d');
    const same = await step(d, script("v-rolled-back"));
    expect(same.exitCode).toBe(1);
    expect(same.stdout).toMatch(/now: +staging-api +azora-api +1\.4\.0/);
  });
});

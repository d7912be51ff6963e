/** staging-health-500: the runbook's own commands see a 500, and only a restart of the api process heals it. */
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
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
});

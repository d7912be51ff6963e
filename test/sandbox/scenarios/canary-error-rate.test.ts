/** canary-error-rate: the gate reads what the canary really served, and only taking it out of Kong's ring heals. */
import { execa } from "execa";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startDrill, type Drill } from "../../../src/sandbox/drill.js";
import { canaryErrorRate } from "../../../src/sandbox/scenarios/canary-error-rate.js";
import { kongYml } from "../../../src/sandbox/scenarios/canary-repo.js";

let drill: Drill | undefined;
afterEach(async () => {
  await drill?.stop();
  drill = undefined;
});

/** Run a step's script the way handrail does: bash, the drill dir as cwd, the inputs and the drill's env exported. */
async function step(d: Drill, script: string) {
  const r = await execa("bash", ["-c", script], { reject: false, cwd: d.world.dir, env: { ...d.world.env, ...(d.inputs as Record<string, string>) }, timeout: 30_000 });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const ERROR_RATE = 'rate(ai_request_errors_total{instance="canary"}[5m]) / rate(ai_requests_total{instance="canary"}[5m])';

/** A gate query through curl and jq, as the metrics gate reads it: data.result[0].value[1], or "none". */
async function gate(d: Drill, query: string): Promise<string> {
  const r = await step(d, `curl -fsS -G "$prometheus_url/api/v1/query" --data-urlencode 'query=${query}' | jq -r '.data.result[0].value[1] // "none"'`);
  expect(r.exitCode).toBe(0);
  return r.stdout.trim();
}

/** The canary deployed and Kong reloaded with the release's kong.yml, then 100 requests through Kong. */
async function release(d: Drill): Promise<void> {
  expect((await step(d, 'docker compose -f docker-compose.yml -f docker-compose.canary.yml up -d "$service-canary" "$pipeline_service-canary"')).exitCode).toBe(0);
  expect((await step(d, "docker compose restart kong")).exitCode).toBe(0);
  await step(d, `for i in $(seq 1 100); do curl -sS -X POST "$kong_url/ai/execute" -d '{"input":"ping","tool":"echo"}' -w "\\n"; done`);
}

describe("canary-error-rate", () => {
  it("before the release: the stable stack in compose ps, no canary series, and not yet a drill that ended", async () => {
    const d = (drill = await startDrill(canaryErrorRate, { tickMs: 50 }));
    const ps = await step(d, "docker compose ps");
    expect(ps.stdout.trim().split("\n")).toHaveLength(14);
    expect(ps.stdout).not.toContain("canary");
    expect(await gate(d, ERROR_RATE)).toBe("none");
    expect((await step(d, "./scripts/release_smoke.sh staging")).stdout).toContain("SMOKE TESTS PASSED");
    expect((await step(d, 'git tag -a "pre-v$version-rollback" -m rollback && git push origin "pre-v$version-rollback"')).exitCode).toBe(0);
    expect(await d.health()).toEqual({ healthy: false, detail: "the canary never took traffic through Kong: the release, and its incident, did not happen" });
  });

  it("a canary just started is 'health: starting' and answers 503 until the drill's next tick", async () => {
    // No tick timer: this test moves the drill's clock itself.
    const d = (drill = await startDrill(canaryErrorRate, { tickMs: 0 }));
    expect((await step(d, 'docker compose -f docker-compose.yml -f docker-compose.canary.yml up -d "$service-canary"')).stderr).toContain("Container opsconductor-automation-canary  Started");
    expect((await step(d, 'docker compose ps "$service-canary"')).stdout).toMatch(/opsconductor-automation-canary .* Up \d+ seconds \(health: starting\)/);
    expect((await step(d, 'curl -s -o /dev/null -w "%{http_code}" "$canary_url/health"')).stdout).toBe("503");
    d.world.kube.store.tick();
    expect((await step(d, 'curl -s -o /dev/null -w "%{http_code}" "$canary_url/health"')).stdout).toBe("200");
    expect((await step(d, 'docker compose ps "$service-canary"')).stdout).toContain("(healthy)");
  });

  it("with the canary at 10%, the error-rate gate breaches from the requests it served; latency passes", async () => {
    const d = (drill = await startDrill(canaryErrorRate, { tickMs: 50 }));
    await release(d);
    expect(Number(await gate(d, ERROR_RATE))).toBeGreaterThan(0.01);
    expect(Number(await gate(d, 'histogram_quantile(0.95, rate(ai_request_duration_seconds_bucket{instance="canary"}[5m]))'))).toBeLessThan(1);
    expect((await step(d, './scripts/release_metrics_gate.sh local 5')).stdout).toContain("METRICS GATE FAILED");
    expect((await step(d, 'docker compose logs "$service-canary" | grep -i error')).stdout).toContain("echo tool bypass returned an empty result");
    expect((await d.health()).detail).toMatch(/^error rate [1-9]\.\d% through Kong over 100 requests; the canary still gets 10% of traffic$/);
  });

  it("the feature-flag option changes nothing: the export dies with its shell, the restart hits the stable service", async () => {
    const d = (drill = await startDrill(canaryErrorRate, { tickMs: 50 }));
    await release(d);
    expect((await step(d, "docker compose exec -T \"$service\" sh -c 'export FEATURE_BYPASS_LLM=false'")).exitCode).toBe(0);
    expect((await step(d, 'docker compose restart "$service"')).stderr).toContain("opsconductor-automation-service  Started");
    expect((await d.health()).healthy).toBe(false);
  });

  it("route-old: a reload of the unchanged kong.yml keeps the canary in; kong.yml back to 100% old heals", async () => {
    const d = (drill = await startDrill(canaryErrorRate, { tickMs: 50 }));
    await release(d);
    await step(d, "docker compose restart kong");
    expect((await d.health()).healthy).toBe(false);
    writeFileSync(path.join(d.world.dir, "kong", "kong.yml"), kongYml(0));
    await step(d, "docker compose restart kong");
    expect((await step(d, "docker compose logs kong --tail=1")).stdout).toContain("declarative config loaded: automation-service=100");
    expect(await d.health()).toEqual({ healthy: true, detail: "error rate 0.0% through Kong over 100 requests; the canary is out of rotation" });
  });

  it("full rollback: a plain down leaves the orphaned canary running; down --remove-orphans and up heal, and Prometheus follows", async () => {
    const d = (drill = await startDrill(canaryErrorRate, { tickMs: 50 }));
    await release(d);
    const plain = await step(d, "docker compose down");
    expect(plain.stderr).toContain("Found orphan containers ([opsconductor-automation-canary opsconductor-ai-pipeline-canary])");
    await step(d, "docker compose up -d");
    expect((await d.health()).healthy).toBe(false);
    expect((await step(d, "docker compose down --remove-orphans")).stderr).toContain("Container opsconductor-automation-canary  Removed");
    expect((await step(d, 'git checkout "main" && docker compose build --no-cache && docker compose up -d')).exitCode).toBe(0);
    expect((await step(d, "docker compose ps")).stdout).not.toContain("canary");
    expect(await gate(d, ERROR_RATE)).toBe("none");
    await step(d, `for i in $(seq 1 20); do curl -sS -X POST "$kong_url/ai/execute" -d '{}' >/dev/null; done`);
    expect(await gate(d, "rate(ai_request_errors_total[5m]) / rate(ai_requests_total[5m])")).toBe("0");
    expect((await d.health()).healthy).toBe(true);
  });
});

/**
 * canary-error-rate: the gate reads what the canary really served; only the flag really off in the
 * canaries (recreated) or the canary out of Kong's ring heals; and the runbook's own rollback steps
 * and verification, run here as handrail runs them, do what they say and fail while it is broken.
 */
import { execa } from "execa";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadRunbookFile } from "../../../src/runbooks/load.js";
import { allSteps } from "../../../src/runbooks/walk.js";
import { startDrill, type Drill } from "../../../src/sandbox/drill.js";
import { canaryErrorRate } from "../../../src/sandbox/scenarios/canary-error-rate.js";
import { kongYml } from "../../../src/sandbox/scenarios/canary-repo.js";

const RUNBOOK = (await loadRunbookFile(path.resolve(import.meta.dirname, "../../../runbooks/canary-release.yaml"))).runbook!;

/** The script of one of the shipped runbook's run steps. */
function script(id: string): string {
  const run = allSteps(RUNBOOK).find((p) => p.step.id === id)?.step.run;
  if (run === undefined) throw new Error(`canary-release has no run step ${id}`);
  return run;
}

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
async function release(d: Drill, opts: { tick?: boolean } = {}): Promise<void> {
  expect((await step(d, 'docker compose -f docker-compose.yml -f docker-compose.canary.yml up -d "$service-canary" "$pipeline_service-canary"')).exitCode).toBe(0);
  // Without the drill's tick timer, move its clock once so the canaries finish starting.
  if (opts.tick) d.world.kube.store.tick();
  expect((await step(d, "docker compose restart kong")).exitCode).toBe(0);
  await step(d, `for i in $(seq 1 100); do curl -sS -X POST "$kong_url/ai/execute" -d '{"input":"ping","tool":"echo"}' -w "\\n"; done`);
}

/** What the canary's own container runs with, as printenv inside it says. */
async function flagInCanary(d: Drill): Promise<string> {
  return (await step(d, 'docker compose -f docker-compose.yml -f docker-compose.canary.yml exec -T "$service-canary" printenv FEATURE_BYPASS_LLM')).stdout.trim();
}

/** Wait (on the drill's own clock) until the canary answers its health check again. */
async function canaryUp(d: Drill): Promise<void> {
  expect((await step(d, script("flag-verify"))).exitCode).toBe(0);
}

const FAILING = /^[1-9]\d* of 1000 requests through Kong failed: error rate 0\.0[1-9]\d* \(must be < 0\.01\)$/m;

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
    expect((await d.health()).detail).toMatch(/^error rate [1-9]\.\d% through Kong over 100 requests; the canary gets 10% of traffic with FEATURE_BYPASS_LLM=true$/);
  });

  it("the seed's feature-flag commands change nothing: the export dies with its shell, the restart hits the stable service", async () => {
    const d = (drill = await startDrill(canaryErrorRate, { tickMs: 50 }));
    await release(d);
    expect((await step(d, "docker compose exec -T \"$service\" sh -c 'export FEATURE_BYPASS_LLM=false'")).exitCode).toBe(0);
    expect((await step(d, 'docker compose restart "$service"')).stderr).toContain("opsconductor-automation-service  Started");
    expect(await flagInCanary(d)).toBe("true");
    // The stable service never had the flag: printenv finds nothing there.
    expect(await step(d, 'docker compose exec -T "$service" printenv FEATURE_BYPASS_LLM')).toMatchObject({ exitCode: 1, stdout: "" });
    expect((await d.health()).healthy).toBe(false);
    expect((await step(d, script("rv-error-rate"))).stdout).toMatch(FAILING);
  });

  it("the runbook's feature flag: the edit alone or a restart changes nothing; recreated, the canaries run with it off and the errors stop", async () => {
    const d = (drill = await startDrill(canaryErrorRate, { tickMs: 50 }));
    await release(d);
    // Its check cannot pass while the canaries run with the flag on.
    const before = await step(d, script("flag-env"));
    expect(before.exitCode).not.toBe(0);
    expect(before.stdout).toContain("automation-service-canary: FEATURE_BYPASS_LLM=true");

    const off = await step(d, script("flag-off"));
    expect(off.exitCode).toBe(0);
    const file = readFileSync(path.join(d.world.dir, "docker-compose.canary.yml"), "utf8");
    expect(file.match(/FEATURE_BYPASS_LLM=false/g)).toHaveLength(2);
    expect(file).not.toContain("FEATURE_BYPASS_LLM=true");
    // A restart keeps the environment the container was created with, as compose's own restart does.
    expect((await step(d, 'docker compose -f docker-compose.yml -f docker-compose.canary.yml restart "$service-canary"')).stderr).toContain("opsconductor-automation-canary  Started");
    await canaryUp(d);
    expect(await flagInCanary(d)).toBe("true");
    expect((await step(d, script("flag-env"))).exitCode).not.toBe(0);
    expect((await step(d, script("rv-error-rate"))).stdout).toMatch(FAILING);
    expect((await d.health()).healthy).toBe(false);

    const recreate = await step(d, script("flag-recreate"));
    expect(recreate.stderr).toContain("Container opsconductor-automation-canary  Recreated");
    expect(recreate.stderr).toContain("Container opsconductor-ai-pipeline-canary  Recreated");
    const env = await step(d, script("flag-env"));
    expect(env).toMatchObject({ exitCode: 0, stdout: "automation-service-canary: FEATURE_BYPASS_LLM=false\nai-pipeline-canary: FEATURE_BYPASS_LLM=false" });
    await canaryUp(d);
    expect((await step(d, 'docker compose -f docker-compose.yml -f docker-compose.canary.yml logs "$service-canary" --tail=1')).stdout).toContain("starting (CANARY_INSTANCE=true, FEATURE_BYPASS_LLM=false)");
    const verify = await step(d, script("rv-error-rate"));
    expect(verify).toMatchObject({ exitCode: 0, stdout: "0 of 1000 requests through Kong failed: error rate 0.0000 (must be < 0.01)" });
    expect(await d.health()).toEqual({ healthy: true, detail: "error rate 0.0% through Kong over 100 requests; the canary gets 10% of traffic with FEATURE_BYPASS_LLM=false" });
  });

  it("compose recreates a container whose environment changed on a plain up, and only then; flag-off refuses a file without the flag", async () => {
    const d = (drill = await startDrill(canaryErrorRate, { tickMs: 50 }));
    await release(d);
    const up = 'docker compose -f docker-compose.yml -f docker-compose.canary.yml up -d "$service-canary"';
    expect((await step(d, up)).stderr).toBe(" Container opsconductor-automation-canary  Running");
    expect((await step(d, script("flag-off"))).exitCode).toBe(0);
    expect((await step(d, up)).stderr).toContain(" Container opsconductor-automation-canary  Recreated");
    expect((await step(d, up)).stderr).toBe(" Container opsconductor-automation-canary  Running");
    expect(await flagInCanary(d)).toBe("false");
    writeFileSync(path.join(d.world.dir, "docker-compose.canary.yml"), "services:\n  automation-service-canary:\n    image: opsconductor/automation-service:3.0.1\n");
    const none = await step(d, script("flag-off"));
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain("docker-compose.canary.yml sets no FEATURE_BYPASS_LLM: this release has no flag to turn off");
  });

  it("the rollback verification measures after a container that is starting has joined Kong's ring, not while it is out", async () => {
    // No tick timer: the canary stays "starting" until this test moves the drill's clock.
    const d = (drill = await startDrill(canaryErrorRate, { tickMs: 0 }));
    await release(d, { tick: true });
    expect((await step(d, 'docker compose -f docker-compose.yml -f docker-compose.canary.yml restart "$service-canary"')).exitCode).toBe(0);
    // While it starts, Kong sends it nothing: a measurement now would find no error at all.
    const proc = execa("bash", ["-c", script("rv-error-rate")], { reject: false, cwd: d.world.dir, env: { ...d.world.env, ...(d.inputs as Record<string, string>) }, timeout: 30_000 });
    let out = "";
    await new Promise<void>((resolve, reject) => {
      proc.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("waiting for containers that are still starting")) resolve();
      });
      void proc.then(() => reject(new Error(`rv-error-rate ended without waiting:\n${out}`)));
    });
    d.world.kube.store.tick();
    const r = await proc;
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(FAILING);
  });

  it("the health verdict is asked without serving: the metrics stay as users made them", async () => {
    const d = (drill = await startDrill(canaryErrorRate, { tickMs: 0 }));
    await release(d, { tick: true });
    const metrics = async () => (await step(d, 'curl -sS "$canary_url/metrics"')).stdout;
    const before = await metrics();
    expect(before).toMatch(/ai_requests_total\{instance="canary"\} [1-9]/);
    for (let i = 0; i < 3; i++) expect((await d.health()).healthy).toBe(false);
    expect(await metrics()).toBe(before);
  });

  it("route-old: a reload of the unchanged kong.yml keeps the canary in, and Kong down fails every request; kong.yml back to 100% old heals", async () => {
    const d = (drill = await startDrill(canaryErrorRate, { tickMs: 50 }));
    await release(d);
    await step(d, script("kong-reload-old"));
    expect((await d.health()).healthy).toBe(false);
    expect((await step(d, script("rv-error-rate"))).stdout).toMatch(FAILING);
    await step(d, "docker compose stop kong");
    expect(await step(d, script("rv-error-rate"))).toMatchObject({ exitCode: 1, stdout: "1000 of 1000 requests through Kong failed: error rate 1.0000 (must be < 0.01)" });
    writeFileSync(path.join(d.world.dir, "kong", "kong.yml"), kongYml(0));
    await step(d, script("kong-reload-old"));
    expect((await step(d, "docker compose logs kong --tail=1")).stdout).toContain("declarative config loaded: automation-service=100");
    expect((await step(d, script("rv-error-rate"))).exitCode).toBe(0);
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

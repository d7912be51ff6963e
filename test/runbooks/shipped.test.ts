/** The shipped runbooks: valid to the loader, valid to the exported JSON Schema, faithful in shape. */
import { Ajv2020 } from "ajv/dist/2020.js";
import { execa } from "execa";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it, onTestFinished } from "vitest";
import { bashRefuses } from "../../src/util/bash-syntax.js";
import { execute } from "../../src/executors/execute.js";
import { GIT_IDENTITY } from "../../src/sandbox/scenarios/canary-repo.js";
import { holds, type Condition, type StepFact } from "../../src/runbooks/conditions.js";
import { checkInputValue } from "../../src/runbooks/inputs.js";
import { runbookJsonSchema } from "../../src/runbooks/json-schema.js";
import { loadRunbookFile } from "../../src/runbooks/load.js";
import { formatProblem } from "../../src/runbooks/problems.js";
import { stepKind, type Runbook } from "../../src/runbooks/schema.js";
import { allSteps } from "../../src/runbooks/walk.js";
import { stepById } from "../helpers/drill-incident.js";

const DIR = path.resolve(import.meta.dirname, "../../runbooks");
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".yaml")).sort();

async function load(file: string): Promise<Runbook> {
  const r = await loadRunbookFile(path.join(DIR, file), `runbooks/${file}`);
  expect(r.problems.map(formatProblem)).toEqual([]);
  return r.runbook!;
}

describe("shipped runbooks", () => {
  it("are the five from the seeds", () => {
    expect(FILES).toEqual([
      "canary-release.yaml",
      "deployment-failure.yaml",
      "emergency-rollback.yaml",
      "release-train-troubleshooting.yaml",
      "release-train.yaml",
    ]);
  });

  it.each(FILES)("%s loads without problems and its id matches the file name", async (file) => {
    const rb = await load(file);
    expect(`${rb.id}.yaml`).toBe(file);
  });

  it.each(FILES)("%s validates against the exported JSON Schema", (file) => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(runbookJsonSchema());
    const ok = validate(parse(readFileSync(path.join(DIR, file), "utf8")));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(FILES)("%s points editors at the committed schema", (file) => {
    expect(readFileSync(path.join(DIR, file), "utf8").split("\n")[0]).toBe("# yaml-language-server: $schema=../schema/handrail-v1.schema.json");
  });

  it("high and critical steps name what the operator types back", async () => {
    for (const file of FILES) {
      const rb = await load(file);
      for (const { step } of allSteps(rb)) {
        if (step.risk === "high" || step.risk === "critical") expect(step.target, `${file} ${step.id}`).toBeDefined();
      }
    }
  });

  it("the release train deploys participants in order and rolls back in reverse", async () => {
    const rb = await load("release-train.yaml");
    expect(rb.inputs?.participants?.type).toBe("list");
    const places = [...rb.phases.filter((p) => p.forEach === "participants"), ...allSteps(rb).map((s) => s.step).filter((s) => s.forEach === "participants")];
    expect(places.some((p) => p.reverse === true)).toBe(true);
    expect(places.some((p) => p.reverse !== true)).toBe(true);
  });

  it("the release train takes the seed's own train name, Q4-curve-upgrade, and nothing a URL path would break on", async () => {
    const rb = await load("release-train.yaml");
    const train = rb.inputs!.train!;
    expect(checkInputValue(train, "Q4-curve-upgrade")).toEqual({ ok: true, value: "Q4-curve-upgrade" });
    expect(train.default).toBe("Q4-curve-upgrade");
    for (const bad of ["Q4/curve", "q4 curve", "../x", "-q4"]) expect(checkInputValue(train, bad).ok, bad).toBe(false);
  });

  it("the release train remedies by its train decision and the kubectl fallback, not by the release itself", async () => {
    const rb = await load("release-train.yaml");
    expect(rb.phases.filter((p) => p.mitigates === true).map((p) => p.id)).toEqual(["train-decision", "rollback-fallback"]);
    const decision = rb.phases.find((p) => p.id === "train-decision")!;
    expect(decision.options?.map((o) => o.id)).toEqual(["hold", "fix-forward", "rollback"]);
  });

  it("the release train offers its decision only after a participant failed or the operator gave a reason to roll back", async () => {
    const rb = await load("release-train.yaml");
    const decision = rb.phases.find((p) => p.id === "train-decision")!.when as Condition;
    const facts = (failed: Record<string, StepFact["status"]>, inputs: Record<string, string> = {}) => ({
      inputs: { rollback_reason: "", ...inputs },
      severity: "high" as const,
      steps: (id: string) => Object.entries(failed).flatMap(([key, status]) => (key === id || key.startsWith(`${id}[`) ? [{ status }] : [])),
    });
    const clean = { "release[curve]": "passed", "release-rollout[curve]": "passed", "verify-pods[curve]": "passed", "verify-performance[curve]": "passed" } as const;
    expect(holds(decision, facts(clean))).toBe(false);
    expect(holds(decision, facts({ ...clean, "release-rollout[backtesting]": "failed" }))).toBe(true);
    expect(holds(decision, facts({ ...clean, "verify-performance[scenario]": "failed" }))).toBe(true);
    expect(holds(decision, facts({ ...clean, "release[scenario]": "error" }))).toBe(true);
    // The operator's own decision: a reason to roll back a train none of whose checks failed.
    expect(holds(decision, facts(clean, { rollback_reason: "user acceptance: wrong curve snapshots" }))).toBe(true);
    // The phases after the decision follow the same condition: nothing of the failure path on a clean train.
    for (const id of ["failure-assessment", "decision-verification"]) expect(holds(rb.phases.find((p) => p.id === id)!.when as Condition, facts(clean)), id).toBe(false);
  });

  it("the release train's steps that change the cluster or the train are high risk; reads and records are low", async () => {
    const rb = await load("release-train.yaml");
    const mutating = /kubectl (set image|rollout undo|scale|delete|rollout restart)|-X POST "\$api_url\/api\/v1\/release-trains\/\$train\/rollback"/;
    const high: string[] = [];
    for (const { step } of allSteps(rb)) {
      const script = step.run ?? "";
      // stage-config's server-side dry run of the image change changes nothing.
      if (mutating.test(script) && !/--dry-run/.test(script)) high.push(step.id);
      else expect(step.risk ?? "low", step.id).toBe("low");
    }
    expect(high).toEqual(["release", "fix-release", "fix-continue", "rollback-trigger", "rollback-undo"]);
    for (const id of high) expect(allSteps(rb).find((s) => s.step.id === id)?.step.risk, id).toBe("high");
  });

  it("the canary's metrics gate queries Prometheus with thresholds, over every series and enough requests", async () => {
    const rb = await load("canary-release.yaml");
    const queries = allSteps(rb).map((s) => s.step).filter((s) => stepKind(s) === "http" && s.http?.url.includes("/api/v1/query") && s.id.startsWith("gate-"));
    const limits = queries.map((s) => [s.id, ...(s.expect?.json === undefined ? [] : Array.isArray(s.expect.json) ? s.expect.json : [s.expect.json]).map((j) => j.min ?? j.max)]);
    // at least 400 requests served by the canary, error rate < 1 %, p95 < 1000 ms, p99 < 2000 ms (the histogram is in seconds)
    expect(limits).toEqual([["gate-volume", 400], ["gate-error-rate", 0.01], ["gate-p95", 1], ["gate-p99", 2]]);
    // data.result[0] is one series of what the query returns: each query sums, so that it is the only one.
    for (const s of queries) expect(s.http!.query!.query, s.id).toMatch(/^(?:\(?sum\(|histogram_quantile\([\d.]+, sum by \(le\) \()/);
    const traffic = stepById(rb, "mixed-traffic").run!;
    expect(traffic).toContain("n=5000");
  });

  it("the canary's version checks take the version whole, not as a substring (real files, real grep and jq)", async () => {
    const rb = await load("canary-release.yaml");
    const dir = mkdtempSync(path.join(tmpdir(), "handrail-versions-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    };
    const check = async (id: string, env: Record<string, string>) => (await execa("bash", ["-c", stepById(rb, id).run!], { cwd: dir, reject: false, env })).exitCode;
    write("automation-service/__init__.py", '__version__ = "3.0.10"\n');
    write("pipeline/__init__.py", "__version__ = '1.1.0'\n");
    write("frontend/package.json", '{\n  "name": "opsconductor-frontend",\n  "version": "1.1.01"\n}\n');
    expect(await check("version-service", { service_version: "3.0.1" })).toBe(1);
    expect(await check("version-service", { service_version: "3.0.10" })).toBe(0);
    // A dot is a dot, not any character.
    expect(await check("version-pipeline", { version: "1x1.0" })).toBe(1);
    expect(await check("version-pipeline", { version: "1.1.0" })).toBe(0);
    expect(await check("version-frontend", { version: "1.1.0" })).not.toBe(0);
    expect(await check("version-frontend", { version: "1.1.01" })).toBe(0);
  });

  describe("the canary's 'all services healthy' checks judge each service's state, not compose's exit status (docker a shim printing compose v2's table)", () => {
    const HEADER = "NAME                     IMAGE              COMMAND                  SERVICE   CREATED         STATUS                      PORTS";
    const row = (service: string, status: string) => `opsconductor-${service}-1   opsconductor/${service}   "python -m app"   ${service}   10 minutes ago   ${status}   3003/tcp`;
    async function judge(id: string, rows: string[], services = "kong\\nautomation-service\\npostgres\\n") {
      const rb = await load("canary-release.yaml");
      const dir = mkdtempSync(path.join(tmpdir(), "handrail-compose-"));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(path.join(dir, "ps.txt"), [HEADER, ...rows].join("\n") + "\n");
      writeFileSync(path.join(dir, "docker"), `#!/bin/sh\ncase "$*" in\n  "compose config --services") printf '${services}' ;;\n  "compose ps -a") cat "${dir}/ps.txt" ;;\n  *) echo "unexpected: $*" >&2; exit 2 ;;\nesac\n`, { mode: 0o755 });
      return execa("bash", ["-c", stepById(rb, id).run!], { cwd: dir, reject: false, env: { PATH: `${dir}:${process.env.PATH}` } });
    }
    const healthy = [row("kong", "Up 10 minutes (healthy)"), row("automation-service", "Up 10 minutes (healthy)"), row("postgres", "Up 10 minutes")];

    it("every service up and healthy: passes, in each of the three steps", async () => {
      for (const id of ["containers", "services-healthy", "rv-ps"]) expect((await judge(id, healthy)).exitCode, id).toBe(0);
    });

    it("one exited, one unhealthy, one still starting, one missing: fails, naming each", async () => {
      const exited = await judge("rv-ps", [healthy[0]!, row("automation-service", "Exited (1) 2 minutes ago"), healthy[2]!]);
      expect(exited.exitCode).toBe(1);
      expect(exited.stdout).toContain("not up and healthy: automation-service (not running)");
      const unhealthy = await judge("rv-ps", [row("kong", "Up 10 minutes (unhealthy)"), healthy[1]!, row("postgres", "Up 3 seconds (health: starting)")]);
      expect(unhealthy.stdout).toContain("not up and healthy: kong (not healthy) postgres (not healthy)");
      const missing = await judge("containers", [healthy[0]!, healthy[1]!]);
      expect(missing).toMatchObject({ exitCode: 1 });
      expect(missing.stdout).toContain("not up and healthy: postgres (no container)");
      const restarting = await judge("services-healthy", [healthy[0]!, row("automation-service", "Restarting (1) 5 seconds ago"), healthy[2]!]);
      expect(restarting.stdout).toContain("automation-service (not running)");
    });

    it("every container of a service counts (a second replica exited fails), and a compose file with no service judges nothing: fails", async () => {
      const replicas = await judge("rv-ps", [...healthy, row("automation-service", "Exited (137) 1 minute ago")]);
      expect(replicas.exitCode).toBe(1);
      expect(replicas.stdout).toContain("not up and healthy: automation-service (not running)");
      const none = await judge("rv-ps", healthy, "");
      expect(none.exitCode).toBe(1);
      expect(none.stderr).toContain("docker compose config lists no service: nothing to judge");
    });
  });

  it("the canary's log checks see a CRITICAL line that does not say error, and rv-metrics wants a sample, not the # TYPE line", async () => {
    const rb = await load("canary-release.yaml");
    const dir = mkdtempSync(path.join(tmpdir(), "handrail-logs-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, "docker"), `#!/bin/sh\nprintf 'INFO started\\nCRITICAL LLM backend unreachable\\n'\n`, { mode: 0o755 });
    const logs = await execa("bash", ["-c", stepById(rb, "canary-logs").run!], { cwd: dir, reject: false, env: { PATH: `${dir}:${process.env.PATH}`, service: "automation-service" } });
    expect(logs.stdout).toBe("CRITICAL LLM backend unreachable");
    expect(stepById(rb, "canary-logs").expect?.stdout?.notMatches).toMatch(/CRITICAL/);
    // /metrics with the counter declared and no sample yet; then with one.
    let body = "# HELP ai_requests_total Requests\n# TYPE ai_requests_total counter\n";
    const server = createServer((_req, res) => res.end(body));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const metrics = () => execa("bash", ["-c", stepById(rb, "rv-metrics").run!], { reject: false, env: { service_url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } });
    expect((await metrics()).exitCode).toBe(1);
    body += 'ai_requests_total{instance="stable"} 42\n';
    expect((await metrics())).toMatchObject({ exitCode: 0, stdout: 'ai_requests_total{instance="stable"} 42' });
  });

  it("the canary's git tags step fails when any tag cannot be made, not only the last (run in a real repository)", async () => {
    const rb = await load("canary-release.yaml");
    const script = stepById(rb, "tags").run!;
    const repo = mkdtempSync(path.join(tmpdir(), "handrail-tags-"));
    onTestFinished(() => rmSync(repo, { recursive: true, force: true }));
    const git = (...args: string[]) => execa("git", args, { cwd: repo, env: { ...GIT_IDENTITY } });
    await git("init", "-q");
    await git("commit", "-q", "--allow-empty", "-m", "release");
    const run = () => execa("bash", ["-c", script], { cwd: repo, reject: false, env: { ...GIT_IDENTITY, version: "1.1.0", service_version: "3.0.1" } });
    expect((await run()).exitCode).toBe(0);
    expect((await git("tag")).stdout.split("\n").sort()).toEqual(["v1.1.0-ai-pipeline", "v1.1.0-automation-service", "v1.1.0-frontend", "v1.1.0-walking-skeleton"]);
    // Only the first tag cannot be made (it exists, on another commit): the step must not pass.
    await git("tag", "-d", "v1.1.0-ai-pipeline", "v1.1.0-frontend", "v1.1.0-walking-skeleton");
    const again = await run();
    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toContain("already exists");
  });

  describe("the canary's rollback verification measures enough requests to tell 2 % from under 1 % (against a real server)", () => {
    /** A server answering POST /ai/execute, failing each request with probability `p` (a seeded generator: the same answers every run). */
    async function flaky(p: number): Promise<{ url: string; served: () => number; connections: () => number }> {
      let seed = 20261207;
      const random = () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
      };
      let served = 0;
      let connections = 0;
      const server = createServer((req, res) => {
        req.resume();
        req.on("end", () => {
          served++;
          res.statusCode = req.method === "POST" && req.url === "/ai/execute" && random() >= p ? 200 : 500;
          res.end();
        });
      });
      server.on("connection", () => connections++);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, served: () => served, connections: () => connections };
    }

    async function verify(kongUrl: string) {
      const rb = await load("canary-release.yaml");
      const script = stepById(rb, "rv-error-rate").run!;
      const dir = mkdtempSync(path.join(tmpdir(), "handrail-rv-"));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      return execa("bash", ["-c", script], { cwd: dir, reject: false, env: { kong_url: kongUrl }, timeout: 60_000 });
    }

    it("2 % failing (a 10 % canary failing one in five): fails, on 1,000 requests over one connection", async () => {
      const s = await flaky(0.02);
      const r = await verify(s.url);
      expect(r.exitCode).toBe(1);
      const [, errors] = /^(\d+) of 1000 requests through Kong failed: error rate 0\.0\d+ \(must be < 0\.01\)$/m.exec(r.stdout) ?? [];
      expect(Number(errors)).toBeGreaterThanOrEqual(10);
      expect(s.served()).toBe(1000);
      expect(s.connections()).toBe(1);
    });

    it("0.2 % failing: passes", async () => {
      const s = await flaky(0.002);
      const r = await verify(s.url);
      expect(r.stdout).toMatch(/^\d of 1000 requests through Kong failed: error rate 0\.00\d+ \(must be < 0\.01\)$/m);
      expect(r.exitCode).toBe(0);
    });

    it("nothing listening (port 1): every request failed, and curl's complaint shown three times, not a thousand", async () => {
      const r = await verify("http://127.0.0.1:1");
      expect(r).toMatchObject({ exitCode: 1, stdout: "1000 of 1000 requests through Kong failed: error rate 1.0000 (must be < 0.01)" });
      expect(r.stderr.split("\n").filter((l) => l.startsWith("curl:"))).toHaveLength(3);
    });
  });

  it("every run script of every shipped runbook is bash that parses (bash -n): a quote that never closes fails the step before anything runs", async () => {
    const broken: string[] = [];
    for (const file of readdirSync(DIR).filter((f) => f.endsWith(".yaml"))) {
      for (const { step } of allSteps(await load(file))) {
        if (typeof step.run !== "string") continue;
        const refused = await bashRefuses(step.run);
        if (refused !== undefined) broken.push(`${file} ${step.id}: ${refused}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("the train troubleshooting's data integrity check fails on an empty users table, through handrail's own executor (kubectl a shim printing what psql -tA prints)", async () => {
    const rb = await load("release-train-troubleshooting.yaml");
    const step = stepById(rb, "rc-db-integrity");
    const dir = mkdtempSync(path.join(tmpdir(), "handrail-count-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const count = async (rows: string) => {
      writeFileSync(path.join(dir, "kubectl"), `#!/bin/sh\ncase "$*" in *"psql -tA -d shop -c SELECT COUNT(*) FROM users;"*) echo ${rows} ;; *) echo "unexpected: $*" >&2; exit 2 ;; esac\n`, { mode: 0o755 });
      const r = await execute(step, { vars: { db_pod: "pg-0", namespace: "shop", db_name: "shop" }, env: { PATH: `${dir}:${process.env.PATH}`, HOME: process.env.HOME }, cwd: dir });
      return r.status;
    };
    expect(await count("0")).toBe("failed");
    expect(await count("1523")).toBe("passed");
  });

  it("the train troubleshooting checks the version after a rollback too: on the train's version it fails, and an image without a tag passes neither check", async () => {
    const rb = await load("release-train-troubleshooting.yaml");
    const step = (id: string) => stepById(rb, id);
    const dir = mkdtempSync(path.join(tmpdir(), "handrail-version-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const status = async (id: string, image: string) => {
      writeFileSync(path.join(dir, "kubectl"), `#!/bin/sh\nprintf '%s' '${image}'\n`, { mode: 0o755 });
      return (await execute(step(id), { vars: { service: "pricing", namespace: "shop", train_version: "2.4.0" }, env: { PATH: `${dir}:${process.env.PATH}`, HOME: process.env.HOME }, cwd: dir })).status;
    };
    expect(await status("rc-rolled-back", "registry.example.com/pricing:2.4.0")).toBe("failed");
    expect(await status("rc-rolled-back", "registry.example.com/pricing:2.3.1")).toBe("passed");
    expect(await status("rc-version", "registry.example.com/pricing:2.4.0")).toBe("passed");
    for (const id of ["rc-version", "rc-rolled-back"]) expect(await status(id, "registry.example.com/pricing@sha256:0123abcd")).toBe("failed");
    // Each runs exactly when the other is passed over.
    expect(step("rc-rolled-back").when).toEqual((step("rc-version").when as { not: unknown }).not);
  });

  it("the emergency rollback maps its three levels onto severities", async () => {
    const rb = await load("emergency-rollback.yaml");
    const labels = Object.values(rb.severities ?? {}).map((s) => s.label ?? "");
    expect(labels.filter((l) => /Level [123]/.test(l))).toHaveLength(3);
  });

  it("the deployment failure runbook keeps the seed's severity table", async () => {
    const rb = await load("deployment-failure.yaml");
    expect(Object.fromEntries(Object.entries(rb.severities ?? {}).map(([k, v]) => [k, v.respondWithin]))).toEqual({ critical: "5m", high: "15m", medium: "1h", low: "24h" });
  });
});

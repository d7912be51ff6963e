/**
 * canary-release drill: release v1.1.0's automation-service canary (3.0.1, FEATURE_BYPASS_LLM)
 * fails one in five echo requests while its echo-tool bypass is on. Once the operator starts it and
 * reloads Kong with the release's kong.yml (10 % to the canary), the metrics gate's error rate
 * breaches 1 % and sends the walk to the incident response. It ends healthy only when no request
 * through Kong fails: the flag really off in the canary's container (docker-compose.canary.yml edited
 * and the canary recreated: a restart keeps the environment it was created with, as compose does),
 * the canary out of Kong's ring (the full rollback's down --remove-orphans, or kong.yml back to 100 %
 * old and Kong reloaded). The seed's `sh -c 'export FEATURE_BYPASS_LLM=false'` and its restart of the
 * stable service change nothing, as they would not on a real host. Docker compose is the drill's
 * simulated host; git, curl, jq, sed and the release scripts are real.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { parse } from "yaml";
import { CanaryTraffic, kongWeights, type Reply } from "./canary-traffic.js";
import { CORE_SERVICES, GIT_IDENTITY, RELEASE, SERVICE_VERSION, writeCanaryRepo } from "./canary-repo.js";
import { ComposeProject, type ServiceState } from "./compose-project.js";
import type { HostReply } from "./simulated-host.js";
import { startSimulatedHost } from "./simulated-host.js";
import type { DrillHealth, DrillWorld, Scenario } from "./types.js";

const STABLE = "automation-service";
const CANARY = "automation-service-canary";
const PIPELINE_CANARY = "ai-pipeline-canary";
const CANARY_FILE = "docker-compose.canary.yml";
/** Requests the health verdict sends through Kong. */
const PROBES = 100;

interface CanaryWorld {
  compose: ComposeProject;
  traffic: CanaryTraffic;
  /** Containers started but not yet answering their health check. */
  booting: Set<string>;
}

const worlds = new WeakMap<DrillWorld, CanaryWorld>();

function send(res: ServerResponse, r: Reply | { status: number; text: string }): void {
  if ("text" in r) {
    res.writeHead(r.status, { "content-type": "text/plain" });
    res.end(r.text);
    return;
  }
  res.writeHead(r.status, { "content-type": "application/json" });
  res.end(JSON.stringify(r.body));
}

/** A stand-in for one container's HTTP port: 503 while the container is not running. */
function service(w: CanaryWorld, name: string, routes: (url: URL, req: IncomingMessage) => Reply | { status: number; text: string } | undefined) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    req.resume();
    if (!w.compose.service(name).running) return send(res, { status: 503, body: { error: `${name} is not running` } });
    if (w.booting.has(name)) return send(res, { status: 503, body: { status: "starting" } });
    send(res, routes(url, req) ?? { status: 404, body: { error: "not found" } });
  };
}

function traceOf(req: IncomingMessage): string {
  const h = req.headers["x-trace-id"];
  return typeof h === "string" && h ? h : `tr-${Math.random().toString(16).slice(2, 10)}`;
}

function metrics(w: CanaryWorld, instance: "stable" | "canary"): { status: number; text: string } {
  const t = w.traffic.totals(instance);
  return { status: 200, text: `# TYPE ai_requests_total counter\nai_requests_total{instance="${instance}"} ${t.requests}\n# TYPE ai_request_errors_total counter\nai_request_errors_total{instance="${instance}"} ${t.errors}\n` };
}

/** A service's environment as docker-compose.canary.yml defines it now (list or map form), as JSON. */
function canaryConfig(dir: string, name: string): string {
  const file = path.join(dir, CANARY_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(`open ${file}: no such file or directory`);
  }
  const doc = parse(text) as { services?: Record<string, { environment?: string[] | Record<string, unknown> }> } | null;
  const given = doc?.services?.[name]?.environment ?? [];
  const env = Array.isArray(given) ? Object.fromEntries(given.map((kv) => [kv.split("=")[0]!, kv.slice(kv.indexOf("=") + 1)])) : Object.fromEntries(Object.entries(given).map(([k, v]) => [k, String(v)]));
  return JSON.stringify(env);
}

/** The environment a container was created with (what `printenv` shows inside it). */
function envOf(svc: ServiceState): Record<string, string> {
  return svc.config === undefined ? {} : (JSON.parse(svc.config) as Record<string, string>);
}

function exec(svc: ServiceState, argv: string[]): HostReply | undefined {
  const [cmd, ...args] = argv;
  if (cmd === "printenv") {
    const env = envOf(svc);
    if (args.length === 0) return { stdout: Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join("") };
    const known = args.filter((k) => k in env);
    return { stdout: known.map((k) => `${env[k]}\n`).join(""), exitCode: known.length === args.length ? 0 : 1 };
  }
  if (svc.name === "postgres" && cmd === "psql") {
    const sql = args[args.indexOf("-c") + 1] ?? "";
    if (sql.includes("\\dt")) return { stdout: ["        List of relations", " Schema |    Name    | Type  |    Owner", "--------+------------+-------+-------------", ...["assets", "executions", "jobs", "users"].map((t) => ` public | ${t.padEnd(10)} | table | opsconductor`), "(4 rows)", ""].join("\n") };
    return { stdout: " count\n-------\n    14\n(1 row)\n" };
  }
  if (svc.name === "postgres" && cmd === "pg_dump") return { stdout: "-- PostgreSQL database dump\nCREATE TABLE public.executions (id bigint NOT NULL, trace_id text);\n-- PostgreSQL database dump complete\n" };
  if (svc.name === "redis" && cmd === "redis-cli") return { stdout: args[0]?.toLowerCase() === "ping" ? "PONG\n" : "# Stats\ntotal_commands_processed:48211\n" };
  if (svc.name === "prometheus" && cmd === "cat") return { stdout: "scrape_configs:\n  - job_name: automation\n    static_configs: [{ targets: [automation-service:3003, automation-service-canary:3003] }]\n" };
  if (svc.name === "frontend" && cmd === "npm") return { stdout: "> opsconductor-frontend@1.1.0 build\nCompiled successfully.\n" };
  if (svc.name === "frontend" && cmd === "ls") return { stdout: "total 12\n-rw-r--r-- 1 node node 1204 index.html\ndrwxr-xr-x 2 node node 4096 static\n" };
  return undefined;
}

function state(world: DrillWorld): CanaryWorld {
  const w = worlds.get(world);
  if (!w) throw new Error("the canary-error-rate drill was not set up");
  return w;
}

export const canaryErrorRate: Scenario = {
  id: "canary-error-rate",
  runbook: "canary-release",
  title: "canary of release 1.1.0 breaches the error-rate gate",
  briefing:
    `Release v${RELEASE} goes out today as a canary: automation-service ${SERVICE_VERSION} with the echo-tool LLM bypass. The release branch ` +
    "already carries docker-compose.canary.yml and kong/kong.yml at 90/10. Walk the release; if the metrics gate fails, roll back within 5 minutes. " +
    "(Docker compose runs on the drill's simulated host; Prometheus, Kong and the services are the drill's, on 127.0.0.1.)",
  severity: "high",
  remedy: { rollback: "feature-flag" },
  // Sending every request back to the stable service heals it too (with the canary's release undone).
  alsoFixes: [{ rollback: "full" }],
  async setup(world) {
    // The hooks run only once the operator's commands arrive, after `w` below exists.
    const compose: ComposeProject = new ComposeProject(
      "opsconductor",
      [
        ...CORE_SERVICES.map((name) => ({ name, image: `opsconductor/${name}:${name === STABLE ? "3.0.0" : "1.0.4"}`, container: `opsconductor-${name}` })),
        { name: CANARY, image: `opsconductor/automation-service:${SERVICE_VERSION}`, container: "opsconductor-automation-canary", file: CANARY_FILE, ports: "0.0.0.0:3013->3003/tcp" },
        { name: PIPELINE_CANARY, image: `opsconductor/ai-pipeline:${RELEASE}`, container: "opsconductor-ai-pipeline-canary", file: CANARY_FILE, ports: "0.0.0.0:8011->8001/tcp" },
      ],
      {
        onStart: (svc) => {
          const ts = new Date().toISOString();
          if (svc.name === "kong") {
            // Kong loads its declarative config when it starts: whatever kong/kong.yml says now.
            try {
              w.traffic.weights = kongWeights(readFileSync(path.join(world.dir, "kong", "kong.yml"), "utf8"));
              compose.log("kong", `${ts} [notice] declarative config loaded: ${[...w.traffic.weights].map(([s, n]) => `${s}=${n}`).join(", ")}`);
            } catch (e) {
              w.traffic.weights = new Map();
              compose.log("kong", `${ts} [error] failed loading declarative config kong/kong.yml: ${(e as Error).message}`);
            }
          }
          if (svc.name === CANARY || svc.name === PIPELINE_CANARY) {
            // A canary answers its health check once it has warmed up: on the drill's next tick.
            w.booting.add(svc.name);
            const off = world.kube.store.onTick(() => {
              off();
              w.booting.delete(svc.name);
            });
          }
          if (svc.name === CANARY) compose.log(CANARY, `${ts} INFO automation-service ${SERVICE_VERSION} starting (CANARY_INSTANCE=${envOf(svc).CANARY_INSTANCE ?? "unset"}, FEATURE_BYPASS_LLM=${envOf(svc).FEATURE_BYPASS_LLM ?? "unset"})`);
          if (svc.name === PIPELINE_CANARY) compose.log(PIPELINE_CANARY, `${ts} INFO ai-pipeline ${RELEASE} starting (PIPELINE_VERSION=${envOf(svc).PIPELINE_VERSION ?? "unset"}, FEATURE_BYPASS_LLM=${envOf(svc).FEATURE_BYPASS_LLM ?? "unset"})`);
        },
        exec,
        health: (svc) => (w.booting.has(svc.name) ? "health: starting" : "healthy"),
        // The canaries' environment is what docker-compose.canary.yml says when compose creates them.
        config: (svc) => (svc.file === CANARY_FILE ? canaryConfig(world.dir, svc.name) : undefined),
      },
    );
    const traffic = new CanaryTraffic({
      stable: STABLE,
      canary: CANARY,
      failEvery: 5,
      running: (s) => compose.services.get(s)?.running === true && !w.booting.has(s),
      bypass: () => envOf(compose.service(CANARY)).FEATURE_BYPASS_LLM === "true",
      onCanaryError: (line) => compose.log(CANARY, line),
    });
    const w: CanaryWorld = { compose, traffic, booting: new Set() };
    worlds.set(world, w);
    // Before the release: the stable stack runs and Kong sends everything to automation-service 3.0.0.
    compose.bootstrap(CORE_SERVICES, Date.now() - 3 * 86_400_000);
    traffic.weights = new Map([[STABLE, 100]]);
    // The users' own traffic, one request through Kong per tick of the drill.
    world.kube.store.onTick(() => void traffic.route(`tr-user-${world.kube.store.ticks}`));

    const ai = (instance: "stable" | "canary") => (url: URL, req: IncomingMessage) => {
      if (url.pathname === "/health") return { status: 200, body: { status: "ok", version: instance === "canary" ? SERVICE_VERSION : "3.0.0", canary: instance === "canary" } };
      if (url.pathname === "/metrics") return metrics(w, instance);
      if (url.pathname === "/ai/execute" && req.method === "POST") return traffic.serve(instance, traceOf(req));
      return undefined;
    };
    const urls = {
      prometheus: await world.serve("prometheus", service(w, "prometheus", (url) => {
        if (url.pathname === "/-/healthy") return { status: 200, text: "Prometheus Server is Healthy.\n" };
        if (url.pathname === "/api/v1/query") return { status: 200, body: { status: "success", data: traffic.query(url.searchParams.get("query") ?? "") } };
        if (url.pathname === "/api/v1/targets") {
          const targets = [STABLE, CANARY].filter((s) => compose.service(s).created).map((s) => ({ labels: { job: "automation", instance: s === CANARY ? "canary" : "stable" }, health: compose.service(s).running ? "up" : "down" }));
          return { status: 200, body: { status: "success", data: { activeTargets: targets } } };
        }
        return undefined;
      })),
      grafana: await world.serve("grafana", service(w, "grafana", (url) => (url.pathname === "/api/health" ? { status: 200, body: { database: "ok", version: "10.4.2" } } : undefined))),
      kong: await world.serve("kong", service(w, "kong", (url, req) => {
        if (url.pathname === "/status") return { status: 200, body: { database: { reachable: true } } };
        if (url.pathname === "/ai/execute" && req.method === "POST") return traffic.route(traceOf(req));
        return undefined;
      })),
      service: await world.serve(STABLE, service(w, STABLE, ai("stable"))),
      canary: await world.serve(CANARY, service(w, CANARY, ai("canary"))),
      pipelineCanary: await world.serve(PIPELINE_CANARY, service(w, PIPELINE_CANARY, (url) => (url.pathname === "/health" ? { status: 200, body: { status: "ok", version: RELEASE } } : undefined))),
      frontend: await world.serve("frontend", service(w, "frontend", (url) => (url.pathname === "/" ? { status: 200, text: "<!doctype html><title>OpsConductor</title>\n" } : undefined))),
      llm: await world.serve("llm-service", service(w, "llm-service", (url) => (url.pathname === "/health" ? { status: 200, body: { status: "ok", model: "llama3:8b" } } : undefined))),
    };
    Object.assign(world.env, GIT_IDENTITY);
    await startSimulatedHost(world, { run: (cmd) => compose.run(cmd) });
    await writeCanaryRepo(world.dir, urls, world.env);
    return {
      release_env: "local",
      version: RELEASE,
      service_version: SERVICE_VERSION,
      service: STABLE,
      pipeline_service: "ai-pipeline",
      prometheus_url: urls.prometheus,
      grafana_url: urls.grafana,
      kong_url: urls.kong,
      service_url: urls.service,
      canary_url: urls.canary,
      pipeline_canary_url: urls.pipelineCanary,
      llm_url: urls.llm,
    };
  },
  health(world): DrillHealth {
    const w = state(world);
    if (!w.compose.service("kong").running) return { healthy: false, detail: "kong is not running: no traffic reaches the automation service" };
    if (!w.traffic.canaryTookTraffic) return { healthy: false, detail: "the canary never took traffic through Kong: the release, and its incident, did not happen" };
    // What users get through Kong as it routes, asked without serving (the drill watches health every
    // second). A container still starting counts as in the ring: it joins once its health check passes.
    const { errors, canary } = w.traffic.preview(PROBES, (s) => w.compose.services.get(s)?.running === true);
    const rate = `${((100 * errors) / PROBES).toFixed(1)}%`;
    const weight = w.traffic.weights.get(CANARY) ?? 0;
    const flag = envOf(w.compose.service(CANARY)).FEATURE_BYPASS_LLM ?? "unset";
    const where = canary > 0 ? `the canary gets ${weight}% of traffic with FEATURE_BYPASS_LLM=${flag}` : "the canary is out of rotation";
    return { healthy: errors === 0, detail: `error rate ${rate} through Kong over ${PROBES} requests; ${where}` };
  },
};

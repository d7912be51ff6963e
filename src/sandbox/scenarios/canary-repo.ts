/**
 * The release repository the canary drill's steps run in: version files, compose files, the
 * release branch's Kong config (canary at 10 %) and the team's release scripts, committed to git
 * with a local bare repository as origin. The scripts are small drill copies of the seed's
 * release_*.sh: they read the drill's service URLs from scripts/release.env.
 */
import { execa } from "execa";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

export interface CanaryUrls {
  prometheus: string;
  grafana: string;
  kong: string;
  service: string;
  canary: string;
  pipelineCanary: string;
  frontend: string;
}

export const RELEASE = "1.1.0";
export const SERVICE_VERSION = "3.0.1";

/** Who the steps' git commands are, in the drill. */
export const GIT_IDENTITY = { GIT_AUTHOR_NAME: "Drill Operator", GIT_AUTHOR_EMAIL: "operator@drill.invalid", GIT_COMMITTER_NAME: "Drill Operator", GIT_COMMITTER_EMAIL: "operator@drill.invalid" };

export const CORE_SERVICES = ["postgres", "redis", "kong", "prometheus", "grafana", "identity-service", "asset-service", "network-service", "communication-service", "automation-service", "ai-pipeline", "llm-service", "frontend"];

export function kongYml(canaryWeight: number): string {
  return `_format_version: "3.0"
# Release v${RELEASE}: automation-service X-Canary-Weight ${100 - canaryWeight}, automation-service-canary ${canaryWeight}.
services:
  - name: automation
    host: automation-upstream
    routes: [{ name: ai, paths: [/ai] }]
upstreams:
  - name: automation-upstream
    # Active health checks take a target whose container is down out of the ring.
    healthchecks: { active: { http_path: /health, healthy: { interval: 5 }, unhealthy: { interval: 5, http_failures: 2 } } }
    targets:
      - { target: "automation-service:3003", weight: ${100 - canaryWeight} }
${canaryWeight > 0 ? `      - { target: "automation-service-canary:3003", weight: ${canaryWeight} }\n` : ""}`;
}

const SMOKE = `#!/usr/bin/env bash
# OpsConductor release smoke tests (the drill's copy): core health checks and a ping through Kong.
set -u
. "$(dirname "$0")/release.env"
env="\${1:-local}"
fail=0
check() { if curl -fsS -o /dev/null "$2"; then echo "ok    $1"; else echo "FAIL  $1 ($2)"; fail=1; fi; }
echo "Smoke tests against $env"
check kong "$KONG_URL/status"
check automation-service "$SERVICE_URL/health"
check prometheus "$PROMETHEUS_URL/-/healthy"
check grafana "$GRAFANA_URL/api/health"
if curl -fsS -o /dev/null "$CANARY_URL/health" 2>/dev/null; then echo "ok    automation-service-canary"; else echo "-     automation-service-canary not running"; fi
pong=0
for i in 1 2 3; do
  if curl -sS -X POST "$KONG_URL/ai/execute" -H "Content-Type: application/json" -d '{"input":"ping","tool":"echo"}' | grep -q '"pong"'; then pong=1; break; fi
done
if [ "$pong" = 1 ]; then echo "ok    ping -> pong via Kong"; else echo "FAIL  ping via Kong"; fail=1; fi
[ "$fail" = 0 ] && echo "SMOKE TESTS PASSED" || { echo "SMOKE TESTS FAILED"; exit 1; }
`;

const GATE = `#!/usr/bin/env bash
# OpsConductor metrics gate (the drill's copy): the canary's error rate and latency from Prometheus.
set -u
. "$(dirname "$0")/release.env"
env="\${1:-local}"; minutes="\${2:-5}"
q() { curl -fsS -G "$PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$1" | jq -r '.data.result[0].value[1] // "NaN"'; }
err=$(q 'rate(ai_request_errors_total{instance="canary"}[5m]) / rate(ai_requests_total{instance="canary"}[5m])')
p95=$(q 'histogram_quantile(0.95, rate(ai_request_duration_seconds_bucket{instance="canary"}[5m]))')
echo "Metrics gate ($env, $minutes minutes): error rate $err, p95 \${p95}s"
if awk -v e="$err" -v p="$p95" 'BEGIN { exit !(e != "NaN" && e < 0.01 && p < 1.0) }'; then echo "METRICS GATE PASSED"; else echo "METRICS GATE FAILED"; exit 1; fi
`;

const FRONTEND = `#!/usr/bin/env bash
# OpsConductor frontend check (the drill's copy).
set -u
. "$(dirname "$0")/release.env"
curl -fsS "$FRONTEND_URL/" | grep -q "<title>OpsConductor" && echo "FRONTEND CHECK PASSED" || { echo "FRONTEND CHECK FAILED"; exit 1; }
`;

function compose(services: string[], extra = ""): string {
  return `services:\n${services.map((s) => `  ${s}:\n    image: opsconductor/${s}:${s === "automation-service" ? "3.0.0" : "1.0.4"}\n    container_name: opsconductor-${s}\n`).join("")}${extra}`;
}

// The seed's docker-compose.canary.yml (build contexts replaced by the images the drill plays): the
// echo-tool bypass is a flag in each canary's environment, turned on for the release.
const CANARY_COMPOSE = `services:
  automation-service-canary:
    image: opsconductor/automation-service:${SERVICE_VERSION}
    container_name: opsconductor-automation-canary
    environment:
      - FEATURE_BYPASS_LLM=true  # Enable echo tool bypass
      - CANARY_INSTANCE=true
      - SERVICE_VERSION=${SERVICE_VERSION}
    ports:
      - "3013:3003"  # Different port for canary
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:3003/health"]
  ai-pipeline-canary:
    image: opsconductor/ai-pipeline:${RELEASE}
    container_name: opsconductor-ai-pipeline-canary
    environment:
      - FEATURE_BYPASS_LLM=true  # Enable echo tool bypass
      - CANARY_INSTANCE=true
      - PIPELINE_VERSION=${RELEASE}
    ports:
      - "8011:8001"  # Different port for canary
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8001/health"]
`;

/** Write and commit the release repository in `dir`, with origin a bare repository beside it. */
export async function writeCanaryRepo(dir: string, urls: CanaryUrls, env: Record<string, string>): Promise<void> {
  const files: Record<string, string> = {
    "automation-service/__init__.py": `__version__ = "${SERVICE_VERSION}"\n`,
    "pipeline/__init__.py": `__version__ = "${RELEASE}"\n`,
    "frontend/package.json": `{\n  "name": "opsconductor-frontend",\n  "version": "${RELEASE}"\n}\n`,
    "docker-compose.yml": compose(CORE_SERVICES),
    "docker-compose.canary.yml": CANARY_COMPOSE,
    "kong/kong.yml": kongYml(10),
    "prometheus/prometheus.yml": "scrape_configs:\n  - job_name: automation\n    static_configs: [{ targets: [automation-service:3003, automation-service-canary:3003] }]\n",
    [`docs/RELEASE_NOTES_v${RELEASE}.md`]: `# Release v${RELEASE}\n\nautomation-service ${SERVICE_VERSION}: echo tool bypasses the LLM (FEATURE_BYPASS_LLM).\n`,
    "scripts/release.env": Object.entries({ PROMETHEUS_URL: urls.prometheus, GRAFANA_URL: urls.grafana, KONG_URL: urls.kong, SERVICE_URL: urls.service, CANARY_URL: urls.canary, PIPELINE_CANARY_URL: urls.pipelineCanary, FRONTEND_URL: urls.frontend }).map(([k, v]) => `${k}=${v}\n`).join(""),
    "scripts/release_smoke.sh": SMOKE,
    "scripts/release_metrics_gate.sh": GATE,
    "scripts/release_frontend_check.sh": FRONTEND,
    ".gitignore": [".drill/", "incidents/", "incident-logs/", "backup_*.sql", "container_versions_*.txt", "baseline_metrics.json"].join("\n") + "\n",
  };
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
    if (name.endsWith(".sh")) await chmod(path.join(dir, name), 0o755);
  }
  const origin = path.join(dir, ".drill", "origin.git");
  const git = (args: string[], cwd = dir) => execa("git", args, { cwd, env: { ...env, ...GIT_IDENTITY }, extendEnv: true });
  await mkdir(origin, { recursive: true });
  await git(["init", "-q", "--bare", origin], origin);
  await git(["init", "-q", "-b", "main"]);
  await git(["add", "-A"]);
  await git(["commit", "-q", "-m", `Release v${RELEASE}: automation-service ${SERVICE_VERSION} canary at 10% (kong.yml, docker-compose.canary.yml)`]);
  await git(["remote", "add", "origin", origin]);
  await git(["push", "-q", "origin", "main"]);
}

/** docker steps against a real Docker engine started here (skipped with the reason where it cannot start, never under CI). */
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { execute } from "../../src/executors/execute.js";
import type { Step } from "../../src/runbooks/schema.js";
import { startDockerEngine, TEST_IMAGE } from "../helpers/docker.js";
import { context, recorder } from "../helpers/steps.js";

const started = await startDockerEngine();
if ("skip" in started) console.warn(`docker tests skipped: ${started.skip}`);
const engine = "engine" in started ? started.engine : undefined;
afterAll(async () => engine?.stop(), 60_000);

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

const port = await freePort();
const vars = { container: "web", image: TEST_IMAGE, port: String(port) };
const ctx = () => context(vars, { env: { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_HOST: engine?.host } });
const run = (script: string, extra: Partial<Step> = {}) => execute({ id: "d", title: "docker", run: script, ...extra } as Step, ctx());

describe.skipIf(!engine)("docker steps against a real engine", () => {
  it("runs a service with a health check and sees it healthy in docker ps", async () => {
    const start = await run(
      `docker run -d --name "$container" --network host --health-cmd "wget -q -O- http://127.0.0.1:$port/ >/dev/null || exit 1" --health-interval 1s --health-start-period 1s "$image" sh -c 'mkdir -p /www && echo up > /www/index.html && echo "listening on $0" && exec httpd -f -v -p "127.0.0.1:$0" -h /www' "$port"`,
    );
    expect(start.status).toBe("passed");
    const healthy = await run(`for i in $(seq 1 60); do s=$(docker inspect -f '{{.State.Health.Status}}' "$container"); [ "$s" = healthy ] && exit 0; sleep 0.25; done; echo "$s"; exit 1`, { timeout: "30s" });
    expect(healthy.status).toBe("passed");
    const ps = await run(`docker ps --filter name="$container" --format '{{.Names}} {{.Status}}'`, { expect: { stdout: { matches: "^web Up .*\\(healthy\\)" } } });
    expect(ps.status).toBe("passed");
  });

  it("an http health check reaches the container, and docker logs streams its output", async () => {
    const health = await execute({ id: "h", title: "health", http: { url: "http://127.0.0.1:$port/" }, expect: { status: 200, stdout: { contains: "up" } } } as Step, ctx());
    expect(health.status).toBe("passed");
    const rec = recorder();
    const logs = await execute({ id: "l", title: "logs", run: `docker logs "$container" 2>&1`, expect: { stdout: { contains: "listening on" } } } as Step, ctx(), { onEvent: rec.onEvent });
    expect(logs.status).toBe("passed");
    expect(rec.lines()).toContain(`listening on ${port}`);
  });

  it("docker restart brings it back, docker exec runs inside it", async () => {
    expect((await run(`docker restart -t 1 "$container"`, { expect: { stdout: { contains: "web" } } })).status).toBe("passed");
    expect((await run(`docker exec "$container" cat /www/index.html`, { expect: { stdout: { contains: "up" } } })).status).toBe("passed");
  });

  it("a stopped container: gone from docker ps, exited in inspect, and its health check refused", async () => {
    expect((await run(`docker stop -t 1 "$container"`)).status).toBe("passed");
    expect((await run(`docker ps -q --filter name="$container"`, { expect: { stdout: { empty: true } } })).status).toBe("passed");
    expect((await run(`docker inspect -f '{{.State.Status}}' "$container"`, { expect: { stdout: { contains: "exited" } } })).status).toBe("passed");
    const health = await execute({ id: "h", title: "health", http: { url: "http://127.0.0.1:$port/" } } as Step, ctx());
    expect(health.status).toBe("failed");
    expect(health.diagnosis?.code).toBe("http-refused");
    await run(`docker rm -f "$container"`);
  });

  it("with no daemon, the step fails with the docker diagnosis and the raw message kept", async () => {
    const r = await execute({ id: "x", title: "ps", run: "docker ps" } as Step, context({}, { env: { PATH: process.env.PATH, DOCKER_HOST: "unix:///tmp/handrail-no-such-docker.sock" } }));
    expect(r.status).toBe("failed");
    expect(r.diagnosis).toMatchObject({ code: "docker-daemon-down", summary: "the Docker daemon is not running (unix:///tmp/handrail-no-such-docker.sock)" });
    expect(r.output.tail.map((t) => t.line).join("\n")).toContain("Is the docker daemon running?");
  });
});

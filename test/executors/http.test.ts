/** `http` steps against a real server on 127.0.0.1 started and stopped by the test. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execute } from "../../src/executors/execute.js";
import type { Step } from "../../src/runbooks/schema.js";
import { context, recorder } from "../helpers/steps.js";

let server: Server;
let base: string;
let unhealthy = true;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/health") {
      res.writeHead(unhealthy ? 500 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: unhealthy ? "degraded" : "healthy" }));
    } else if (url.pathname === "/api/v1/query") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1700000000, url.searchParams.get("query")?.includes("5..") ? "0.034" : "0.2"] }] } }));
    } else if (url.pathname === "/slow") {
      setTimeout(() => res.end("late"), 5_000).unref();
    } else {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const http = (h: Step["http"], extra: Partial<Step> = {}): Step => ({ id: "h", title: "check", http: h, ...extra }) as Step;

describe("http steps", () => {
  it("a 500 fails, with the status and body kept", async () => {
    unhealthy = true;
    const rec = recorder();
    const r = await execute(http({ url: "$base/health" }, { expect: { json: { path: "status", equals: "healthy" } } }), context({ base }), { onEvent: rec.onEvent });
    expect(r.status).toBe("failed");
    expect(r.expectations).toEqual([
      { check: "status", passed: false, reason: "HTTP status 500, expected 2xx" },
      { check: "json status equals", passed: false, reason: 'status is "\\"degraded\\"", expected "healthy"' },
    ]);
    expect(rec.lines()).toEqual(['{"status":"degraded"}']);
    expect(r.details).toMatchObject({ status: 500, url: `${base}/health` });
  });

  it("passes once healthy and records latency", async () => {
    unhealthy = false;
    const r = await execute(http({ url: "${base}/health" }, { expect: { status: 200, json: { path: "status", equals: "healthy" }, latencyMs: { max: 5000 } } }), context({ base }));
    expect(r.status).toBe("passed");
    expect(typeof r.details?.latencyMs).toBe("number");
  });

  it("queries Prometheus with the query as a parameter and gates on the sample value", async () => {
    const step = http({ url: "$prom/api/v1/query", query: { query: 'sum(rate(http_requests_total{job="$service",code=~"5.."}[5m]))' } }, { expect: { json: { path: "data.result[0].value[1]", max: 0.01 } } });
    const r = await execute(step, context({ prom: base, service: "api" }));
    expect(r.status).toBe("failed");
    expect(r.expectations.at(-1)?.reason).toBe("data.result[0].value[1] 0.034 is above the maximum 0.01");
    expect(String(r.details?.url)).toContain("job%3D%22api%22");
  });

  it("a refused connection is a failed check with a diagnosis", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await execute(http({ url: `http://127.0.0.1:${port}/health` }), context());
    expect(r.status).toBe("failed");
    expect(r.diagnosis).toMatchObject({ code: "http-refused", summary: `connection refused by 127.0.0.1:${port}` });
  });

  it("a server that never answers times out", async () => {
    const r = await execute(http({ url: `${base}/slow` }, { timeout: "300ms" }), context());
    expect(r.status).toBe("timeout");
    expect(r.error).toBe("no response within 300ms");
  });

  it("cancel stops the request", async () => {
    const ac = new AbortController();
    const running = execute(http({ url: `${base}/slow` }), context(), { signal: ac.signal });
    ac.abort();
    expect((await running).status).toBe("cancelled");
  });
});

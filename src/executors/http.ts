/** `http` steps: one request, status / body / JSON / latency checked, never a throw for a down service. */
import { formatDuration } from "../runbooks/duration.js";
import type { HttpStep, Step } from "../runbooks/schema.js";
import { substitute } from "../runbooks/template.js";
import { checkExpectations, verdict } from "./expect.js";
import { OutputCollector, sinkFor } from "./output.js";
import { routeFor, type Route } from "./proxy.js";
import { OutputChecks } from "./stream-checks.js";
import { stepTimeoutMs } from "./timeout.js";
import type { Diagnosis, ExecContext, ExecuteOptions, StepResult } from "./types.js";

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;
/** Response bodies are parsed as JSON up to this size (text checks see the whole body); health and metrics answers are far smaller. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The request with `$name` references substituted, as sent (and shown). */
export function renderHttp(http: HttpStep, vars: Record<string, string>): { url: string; method: string; headers: Record<string, string>; body?: string } {
  const url = new URL(substitute(http.url, vars));
  for (const [k, v] of Object.entries(http.query ?? {})) url.searchParams.set(k, substitute(v, vars));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(http.headers ?? {})) headers[k] = substitute(v, vars);
  const body = http.body !== undefined ? substitute(http.body, vars) : undefined;
  return { url: url.toString(), method: http.method ?? (body !== undefined ? "POST" : "GET"), headers, ...(body !== undefined ? { body } : {}) };
}

function networkDiagnosis(error: unknown, url: string, proxy?: string): Diagnosis {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code ?? "";
  const target = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  // A refused or unresolvable proxy is not the service being down.
  const host = proxy ? `${target} (through the proxy ${proxy})` : target;
  const viaProxy = "Check the proxy (HTTP_PROXY / HTTPS_PROXY), or name the host in NO_PROXY to reach it directly.";
  if (code === "ECONNREFUSED") return { code: "http-refused", summary: `connection refused by ${host}`, hint: proxy ? viaProxy : "The service is not listening: check that it runs and the port is right." };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return { code: "http-dns", summary: `cannot resolve ${host}`, hint: proxy ? viaProxy : "Check the host name in the URL and DNS." };
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return { code: "http-reset", summary: `${host} closed the connection`, hint: "The service dropped the request: check its logs." };
  return { code: "http-error", summary: `request to ${host} failed: ${cause?.message ?? (error as Error).message}`, hint: "Check the URL and that the service is reachable." };
}

/** The whole body goes through the collector (and the text checks); the first MAX_BODY_BYTES are kept for JSON. */
async function readBounded(res: Response, collector: OutputCollector): Promise<{ text: string; cut: boolean }> {
  if (!res.body) return { text: "", cut: false };
  const parts: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = Buffer.from(value);
    collector.push("stdout", chunk);
    if (size < MAX_BODY_BYTES) parts.push(chunk.subarray(0, MAX_BODY_BYTES - size));
    size += chunk.length;
  }
  return { text: Buffer.concat(parts).toString("utf8"), cut: size > MAX_BODY_BYTES };
}

export async function runHttp(http: HttpStep, step: Step, ctx: ExecContext, opts: ExecuteOptions = {}): Promise<StepResult> {
  let request: ReturnType<typeof renderHttp>;
  try {
    request = renderHttp(http, ctx.vars);
  } catch {
    return { status: "error", exitCode: null, signal: null, durationMs: 0, expectations: [], output: new OutputCollector().summary(), error: `not a valid URL: ${substitute(http.url, ctx.vars)}` };
  }
  // Through the proxy the step's environment names (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), as curl would go.
  let route: Route;
  try {
    route = await routeFor(request.url, ctx.env);
  } catch (error) {
    return { status: "error", exitCode: null, signal: null, durationMs: 0, expectations: [], output: new OutputCollector().summary(), error: `cannot use the proxy: ${(error as Error).message}` };
  }
  try {
    return await exchange(request, route, step, opts);
  } finally {
    await route.close();
  }
}

async function exchange(request: ReturnType<typeof renderHttp>, route: Route, step: Step, opts: ExecuteOptions): Promise<StepResult> {
  const started = performance.now();
  const checks = new OutputChecks({ expect: step.expect, found: step.found });
  const collector = new OutputCollector(sinkFor(opts.onEvent), checks);
  const elapsed = () => Math.round(performance.now() - started);
  const timeoutMs = stepTimeoutMs(step, {}, DEFAULT_HTTP_TIMEOUT_MS);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  opts.onEvent?.({ type: "started", command: `${request.method} ${request.url}`, at: Date.now() });
  let res: Response;
  try {
    res = await route.fetch(request.url, { method: request.method, headers: request.headers, ...(request.body !== undefined ? { body: request.body } : {}), signal, redirect: "follow" });
  } catch (error) {
    const status = opts.signal?.aborted ? "cancelled" : timeout.aborted ? "timeout" : "failed";
    collector.finish();
    opts.onEvent?.({ type: "exit", exitCode: null, signal: null, at: Date.now() });
    return {
      status,
      exitCode: null,
      signal: null,
      durationMs: elapsed(),
      expectations: status === "failed" ? [{ check: "status", passed: false, reason: "no response" }] : [],
      output: collector.summary(),
      ...(status === "failed" ? { diagnosis: networkDiagnosis(error, request.url, route.proxy) } : {}),
      ...(status === "timeout" ? { error: `no response within ${formatDuration(timeoutMs)}` } : {}),
      details: { url: request.url, method: request.method },
    };
  }
  let body = "";
  let cut = false;
  try {
    ({ text: body, cut } = await readBounded(res, collector));
  } catch {
    // A body cut off by cancel or timeout: the status line is still the answer.
  }
  const latencyMs = elapsed();
  collector.finish();
  opts.onEvent?.({ type: "exit", exitCode: null, signal: null, at: Date.now() });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const seen = { status: res.status, json, latencyMs, ...(cut ? { jsonNote: "only its first 1 MiB is parsed" } : {}) };
  const expectations = checkExpectations(step.expect, { ...seen, text: checks.results("expect") }, { status: "2xx" });
  const found = step.found ? checkExpectations(step.found, { ...seen, text: checks.results("found") }, {}, "found") : undefined;
  const cancelled = opts.signal?.aborted === true;
  return {
    status: cancelled ? "cancelled" : verdict(expectations, found),
    exitCode: null,
    signal: null,
    durationMs: latencyMs,
    expectations,
    ...(found && !cancelled ? { found } : {}),
    output: collector.summary(),
    details: { url: request.url, method: request.method, status: res.status, latencyMs },
  };
}

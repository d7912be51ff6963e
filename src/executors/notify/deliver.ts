/**
 * Sending one request with bounded retries: each attempt has its own timeout, a 5xx / 429 /
 * no answer is tried again after a doubling backoff, any other answer is final. Never throws.
 */
import { routeFor, type Route } from "../proxy.js";
import type { NotifyRequest } from "./providers.js";
import type { DeliveryPolicy } from "./settings.js";

export interface Attempt {
  attempt: number;
  /** HTTP status, or the SMTP reply code. */
  status?: number;
  latencyMs: number;
  error?: string;
}

export interface Delivery {
  ok: boolean;
  cancelled: boolean;
  attempts: Attempt[];
  status?: number;
  latencyMs: number;
  /** Why it failed, for the operator (never the endpoint: it may be a secret). */
  reason?: string;
  /** What the provider answered, parsed when it is JSON (bounded). */
  response?: unknown;
}

/** Provider answers are small; anything past this is cut before parsing. */
const MAX_RESPONSE_CHARS = 64 * 1024;

type Outcome = Omit<Attempt, "attempt" | "latencyMs"> & { retry: boolean; response?: unknown };

function errorText(e: unknown): string {
  const err = e as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code;
  if (err.name === "TimeoutError") return "timed out";
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "connection closed by the server";
  return err.cause?.message ?? err.message ?? String(e);
}

async function httpAttempt(r: Extract<NotifyRequest, { kind: "http" }>, route: Route, signal: AbortSignal): Promise<Outcome> {
  let res: Response;
  try {
    // No redirects: following one would hand the token or the payload to a host nobody configured.
    const method = r.method ?? "POST";
    res = await route.fetch(r.url, { method, headers: r.headers, ...(method === "GET" ? {} : { body: r.body }), signal, redirect: "error" });
  } catch (e) {
    const why = errorText(e);
    return { error: route.proxy && why !== "timed out" ? `${why} (through the proxy ${route.proxy})` : why, retry: true };
  }
  let text = "";
  try {
    text = (await res.text()).slice(0, MAX_RESPONSE_CHARS);
  } catch (e) {
    return { status: res.status, error: `the answer was cut off: ${errorText(e)}`, retry: true };
  }
  let response: unknown = text;
  try {
    response = JSON.parse(text);
  } catch {
    // Slack answers a plain "ok".
  }
  if (res.ok) return { status: res.status, retry: false, response };
  const detail = typeof response === "object" && response !== null && "message" in response ? `: ${String((response as { message: unknown }).message)}` : text && text.length < 200 ? `: ${text.trim()}` : "";
  return { status: res.status, error: `HTTP ${res.status}${detail}`, retry: res.status >= 500 || res.status === 429, response };
}

async function smtpAttempt(r: Extract<NotifyRequest, { kind: "smtp" }>, timeoutMs: number, signal: AbortSignal): Promise<Outcome> {
  // Loaded on first use: start-up does not pay for the SMTP client.
  const { createTransport } = await import("nodemailer");
  const transport = createTransport({ url: r.smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  const onAbort = () => transport.close();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const info = await transport.sendMail(r.mail);
    const code = Number(/^(\d{3})/.exec(info.response)?.[1] ?? 250);
    if (info.rejected.length > 0) return { status: code, error: `rejected recipients: ${info.rejected.join(", ")}`, retry: false, response: { messageId: info.messageId, accepted: info.accepted } };
    return { status: code, retry: false, response: { messageId: info.messageId, accepted: info.accepted } };
  } catch (e) {
    const err = e as { responseCode?: number; code?: string; message?: string };
    if (signal.aborted) return { error: "timed out", retry: true };
    if (err.code === "ETIMEDOUT") return { error: "timed out", retry: true };
    // SMTP 4xx is "try again later"; 5xx is final.
    if (err.responseCode !== undefined) return { status: err.responseCode, error: `SMTP ${err.responseCode}: ${err.message ?? ""}`.trim(), retry: err.responseCode < 500 };
    return { error: errorText(e), retry: true };
  } finally {
    signal.removeEventListener("abort", onAbort);
    transport.close();
  }
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Send with retries; `onAttempt` hears each attempt as it ends (for live output). HTTP goes through
 * the proxy `env` names (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), as curl would from the same shell.
 */
export async function deliver(r: NotifyRequest, policy: DeliveryPolicy, opts: { signal?: AbortSignal; onAttempt?: (a: Attempt, last: boolean) => void; env?: Record<string, string | undefined> } = {}): Promise<Delivery> {
  if (r.kind === "smtp") return send(policy, opts, (signal) => smtpAttempt(r, policy.timeoutMs, signal));
  let route: Route;
  try {
    route = await routeFor(r.url, opts.env ?? {});
  } catch (e) {
    return { ok: false, cancelled: false, attempts: [], latencyMs: 0, reason: `cannot use the proxy: ${(e as Error).message}` };
  }
  try {
    return await send(policy, opts, (signal) => httpAttempt(r, route, signal));
  } finally {
    await route.close();
  }
}

async function send(policy: DeliveryPolicy, opts: { signal?: AbortSignal; onAttempt?: (a: Attempt, last: boolean) => void }, once: (signal: AbortSignal) => Promise<Outcome>): Promise<Delivery> {
  const started = performance.now();
  const attempts: Attempt[] = [];
  let last: Outcome | undefined;
  const max = Math.max(1, policy.attempts);
  for (let i = 1; i <= max; i++) {
    if (i > 1) await wait(policy.backoffMs * 2 ** (i - 2), opts.signal);
    if (opts.signal?.aborted) break;
    const t0 = performance.now();
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    last = await once(signal);
    if (timeout.aborted && last.status === undefined) last = { ...last, error: `no answer within ${policy.timeoutMs} ms` };
    const attempt: Attempt = { attempt: i, latencyMs: Math.round(performance.now() - t0), ...(last.status !== undefined ? { status: last.status } : {}), ...(last.error ? { error: last.error } : {}) };
    attempts.push(attempt);
    const final = !last.retry || i === max || opts.signal?.aborted === true;
    opts.onAttempt?.(attempt, final);
    if (final) break;
  }
  const cancelled = opts.signal?.aborted === true;
  const ok = !cancelled && last !== undefined && last.error === undefined;
  const tail = attempts.at(-1);
  return {
    ok,
    cancelled,
    attempts,
    ...(tail?.status !== undefined ? { status: tail.status } : {}),
    latencyMs: Math.round(performance.now() - started),
    ...(ok ? {} : { reason: cancelled ? "cancelled" : `${tail?.error ?? "not sent"}${attempts.length > 1 ? ` (after ${attempts.length} attempts)` : ""}` }),
    ...(last?.response !== undefined ? { response: last.response } : {}),
  };
}

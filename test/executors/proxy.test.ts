/** HTTP_PROXY / HTTPS_PROXY / NO_PROXY from the step's environment: the rules, and real requests through a local proxy. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHttp } from "../../src/executors/http.js";
import { deliver } from "../../src/executors/notify/deliver.js";
import { proxyFor, proxyVariables } from "../../src/executors/proxy.js";
import type { HttpStep, Step } from "../../src/runbooks/schema.js";
import { closedPort } from "../helpers/kube.js";
import { answers, startHttpStub, type HttpStub } from "../helpers/notify-servers.js";
import { startProxy, type ProxyStub } from "../helpers/proxy.js";
import { context } from "../helpers/steps.js";

describe("which requests go through a proxy", () => {
  const vars = proxyVariables({ HTTP_PROXY: "http://proxy:3128", https_proxy: "http://secure-proxy:3128", NO_PROXY: "internal.example, .svc.local,10.0.0.7:8080" });

  it("reads lower case first, then upper case; empty is unset", () => {
    expect(vars).toEqual({ httpProxy: "http://proxy:3128", httpsProxy: "http://secure-proxy:3128", noProxy: "internal.example, .svc.local,10.0.0.7:8080" });
    expect(proxyVariables({ http_proxy: "http://a:1", HTTP_PROXY: "http://b:2", NO_PROXY: "" })).toEqual({ httpProxy: "http://a:1", httpsProxy: "", noProxy: "" });
  });

  it.each([
    ["http://hooks.example/x", "http://proxy:3128"],
    ["https://hooks.example/x", "http://secure-proxy:3128"],
    ["https://internal.example/x", undefined],
    ["https://api.internal.example/x", undefined],
    ["http://grafana.svc.local/x", undefined],
    ["http://10.0.0.7:8080/health", undefined],
    ["http://10.0.0.7:9090/health", "http://proxy:3128"],
    ["not a url", undefined],
  ])("%s → %s", (url, proxy) => {
    expect(proxyFor(url, vars)).toBe(proxy);
  });

  it("an https URL does not fall back to HTTP_PROXY (curl does not either); NO_PROXY=* bypasses everything", () => {
    expect(proxyFor("https://hooks.example/x", proxyVariables({ HTTP_PROXY: "http://proxy:3128" }))).toBeUndefined();
    expect(proxyFor("http://hooks.example/x", proxyVariables({ HTTP_PROXY: "http://proxy:3128", NO_PROXY: "*" }))).toBeUndefined();
  });
});

let stub: HttpStub;
let proxy: ProxyStub;
beforeAll(async () => {
  [stub, proxy] = await Promise.all([startHttpStub(), startProxy()]);
  for (const path of ["/hook", "/hook/proxy", "/hook/direct"]) stub.on(path, answers.webhook);
  for (const path of ["/health/proxy", "/health/direct"]) stub.on(path, (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'));
});
afterAll(async () => Promise.all([stub?.stop(), proxy?.stop()]));

const request = { kind: "http" as const, url: "", headers: { "content-type": "application/json" }, body: '{"text":"hi"}' };
const policy = { attempts: 1, backoffMs: 5, timeoutMs: 5_000 };

describe("notifications through the proxy the environment names", () => {
  it("HTTP_PROXY: the proxy sees the POST and passes it on", async () => {
    const url = `${stub.url}/hook/proxy`;
    const d = await deliver({ ...request, url }, policy, { env: { HTTP_PROXY: proxy.url } });
    expect(d).toMatchObject({ ok: true, status: 204 });
    expect(proxy.seen).toContain(`POST ${url}`);
    expect(stub.requests.some((r) => r.path === "/hook/proxy")).toBe(true);
  });

  it("NO_PROXY naming the host: straight to the service, the proxy sees nothing", async () => {
    const url = `${stub.url}/hook/direct`;
    const d = await deliver({ ...request, url }, policy, { env: { HTTP_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" } });
    expect(d).toMatchObject({ ok: true, status: 204 });
    expect(proxy.seen.some((s) => s.includes("/hook/direct"))).toBe(false);
    expect(stub.requests.some((r) => r.path === "/hook/direct")).toBe(true);
  });

  it("a proxy that is down is named in the reason; a proxy that is not a URL is named, not shown", async () => {
    const port = await closedPort();
    const down = await deliver({ ...request, url: `${stub.url}/hook` }, policy, { env: { HTTP_PROXY: `http://127.0.0.1:${port}` } });
    expect(down.ok).toBe(false);
    expect(down.reason).toBe(`connection refused (through the proxy 127.0.0.1:${port})`);
    const bad = await deliver({ ...request, url: `${stub.url}/hook` }, policy, { env: { HTTP_PROXY: "ftp://user:secret@nowhere" } });
    expect(bad.reason).not.toContain("secret");
    expect(bad).toMatchObject({ ok: false, reason: "cannot use the proxy: HTTP_PROXY is not a proxy URL (http://host:port)" });
  });
});

describe("http steps honour the proxy too, as curl would", () => {
  it("a proxy given as host:port alone is http, as curl reads it", async () => {
    const hostPort = proxy.url.replace("http://", "");
    const r = await runHttp({ url: `${stub.url}/health/proxy` }, { id: "h", title: "health", http: { url: "" } } as Step, context({}, { env: { http_proxy: hostPort } }));
    expect(r.status).toBe("passed");
    expect(proxy.seen.filter((s) => s === `GET ${stub.url}/health/proxy`).length).toBeGreaterThan(0);
  });

  const step = (http: HttpStep) => ({ id: "h", title: "health", http }) as Step;

  it("through HTTP_PROXY, or straight when NO_PROXY names the host", async () => {
    const via = await runHttp({ url: `${stub.url}/health/proxy` }, step({ url: "" }), context({}, { env: { HTTP_PROXY: proxy.url } }));
    expect(via.status).toBe("passed");
    expect(proxy.seen).toContain(`GET ${stub.url}/health/proxy`);
    const direct = await runHttp({ url: `${stub.url}/health/direct` }, step({ url: "" }), context({}, { env: { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" } }));
    expect(direct.status).toBe("passed");
    expect(proxy.seen.some((s) => s.includes("health/direct"))).toBe(false);
  });
});

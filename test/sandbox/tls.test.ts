/**
 * The sandbox's HTTPS mode: a test CA, and a request gets through only with a client certificate
 * that CA signed or a token the server knows; anything else is the 401 Status a real API server sends.
 */
import { execa } from "execa";
import { mkdirSync } from "node:fs";
import { request } from "node:https";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeSandbox, type KubeSandbox } from "../../src/sandbox/index.js";
import { scratchDir } from "../helpers/cli.js";
import { makePki, type TestPki } from "../helpers/pki.js";

let dir: string;
let pki: TestPki;
/** Another CA altogether: its client certificate must not be accepted. */
let stranger: TestPki;
let sandbox: KubeSandbox;

beforeAll(async () => {
  dir = scratchDir(afterAll);
  mkdirSync(path.join(dir, "ours"));
  mkdirSync(path.join(dir, "theirs"));
  [pki, stranger] = await Promise.all([makePki(path.join(dir, "ours")), makePki(path.join(dir, "theirs"))]);
  sandbox = await startKubeSandbox({ tickMs: 0, tls: { cert: pki.pem.serverCert, key: pki.pem.serverKey, ca: pki.pem.caCert, tokens: ["good-token"] } });
  sandbox.store.createDeployment({ namespace: "shop", name: "api", image: "shop/api:1.0", replicas: 1, labels: { app: "api" } });
  sandbox.store.tickUntil(() => sandbox.store.listPods("shop").length === 1);
}, 30_000);
afterAll(async () => sandbox?.stop());

interface Answer {
  status: number;
  body: string;
}

/** One GET over TLS trusting the test CA; `first` ends a streaming answer at its first chunk. */
function get(pathname: string, opts: { token?: string; cert?: string; key?: string; first?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${sandbox.url}${pathname}`, { ca: pki.pem.caCert, ...(opts.cert ? { cert: opts.cert, key: opts.key } : {}), headers: opts.token ? { Authorization: `Bearer ${opts.token}` } : {} }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
        if (opts.first) {
          resolve({ status: res.statusCode ?? 0, body });
          req.destroy();
        }
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const UNAUTHORIZED = { kind: "Status", apiVersion: "v1", status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 };

describe("the sandbox over HTTPS", () => {
  it("serves https on 127.0.0.1", () => {
    expect(sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it.each([
    ["no credentials", {}],
    ["an unknown token", { token: "bad-token" }],
  ])("refuses %s with the Status kubectl expects", async (_what, opts) => {
    const r = await get("/api/v1/namespaces/shop/pods", opts);
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject(UNAUTHORIZED);
  });

  it("refuses a client certificate another CA signed", async () => {
    const r = await get("/api/v1/namespaces/shop/pods", { cert: stranger.pem.clientCert, key: stranger.pem.clientKey });
    expect(r.status).toBe(401);
  });

  it("answers a known token and a client certificate the CA signed", async () => {
    for (const opts of [{ token: "good-token" }, { cert: pki.pem.clientCert, key: pki.pem.clientKey }]) {
      const r = await get("/api/v1/namespaces/shop/pods", opts);
      expect(r.status).toBe(200);
      expect(r.body).toContain('"name":"api-');
    }
  });

  it("lets anyone see its health, as a real cluster does", async () => {
    expect((await get("/readyz")).status).toBe(200);
  });

  it("watches over TLS", async () => {
    const r = await get("/api/v1/namespaces/shop/pods?watch=1", { token: "good-token", first: true });
    expect(r.status).toBe(200);
    expect(r.body).toContain('"type":"ADDED"');
  });

  it("kubectl: its own kubeconfig (CA and token) works, and with a token it does not know it says to log in", async () => {
    const home = path.join(dir, "home");
    const good = await sandbox.writeKubeconfig(home, { namespace: "shop" });
    const ok = await execa("kubectl", ["--kubeconfig", good, "get", "pods", "-o", "name"], { env: { HOME: home }, reject: false, stdin: "ignore" });
    expect(ok.stdout).toMatch(/^pod\/api-/);
    // (With no credentials at all kubectl would prompt for a username instead.)
    const none = await sandbox.writeKubeconfig(home, { context: "expired", namespace: "shop", token: "expired-token" });
    const denied = await execa("kubectl", ["--kubeconfig", none, "get", "pods"], { env: { HOME: home }, reject: false, stdin: "ignore" });
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr).toContain("error: You must be logged in to the server (Unauthorized)");
  });
});

/**
 * The credentials client-node gets from handrail rather than doing itself: tokenFile (reread,
 * trimmed) and exec plugins run by client-go's rules, with real child processes.
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import type { RequestOptions } from "node:https";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { CredentialError, KubeconfigCredentials } from "../../src/executors/kube-credentials.js";
import { scratchDir } from "../helpers/cli.js";

type Entry = Record<string, unknown>;
const USER = { name: "oncall" } as Parameters<KubeconfigCredentials["applyAuthentication"]>[0];
const CLUSTER = { server: "https://127.0.0.1:6443", "tls-server-name": "kube.internal" };

/** The Authorization header (and client cert) one request would carry. */
async function apply(creds: KubeconfigCredentials): Promise<{ auth?: string; cert?: unknown }> {
  const opts: RequestOptions = {};
  await creds.applyAuthentication(USER, opts);
  const auth = (opts.headers as Record<string, string> | undefined)?.Authorization;
  return { ...(auth ? { auth } : {}), ...(opts.cert ? { cert: opts.cert } : {}) };
}

function plugin(dir: string, body: string): string {
  const file = path.join(dir, "plugin.sh");
  writeFileSync(file, `#!/bin/sh\necho run >> "${dir}/runs"\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

const runs = (dir: string) => readFileSync(path.join(dir, "runs"), "utf8").trim().split("\n").length;
const creds = (user: Entry, env: Record<string, string | undefined> = { PATH: process.env.PATH }) => new KubeconfigCredentials("oncall", user, CLUSTER, env);
const credential = (status: string, apiVersion = "client.authentication.k8s.io/v1") => `printf '%s' '{"apiVersion":"${apiVersion}","kind":"ExecCredential","status":${status}}'`;

describe("tokenFile", () => {
  it("is read at each request, trimmed, so a rotated token is picked up", async () => {
    const dir = scratchDir(onTestFinished);
    const file = path.join(dir, "tok");
    writeFileSync(file, "first\n");
    const c = creds({ tokenFile: file });
    expect(await apply(c)).toEqual({ auth: "Bearer first" });
    writeFileSync(file, "second");
    expect(await apply(c)).toEqual({ auth: "Bearer second" });
  });

  it("falls back to the inline token when the file cannot be read, and says which file otherwise", async () => {
    expect(await apply(creds({ tokenFile: "/nonexistent/tok", token: "inline" }))).toEqual({ auth: "Bearer inline" });
    await expect(apply(creds({ tokenFile: "/nonexistent/tok" }))).rejects.toThrow("cannot read the kubeconfig's tokenFile /nonexistent/tok: ENOENT");
  });
});

describe("exec plugins", () => {
  it("run once while what they returned has no expiry, with the cluster info they ask for", async () => {
    const dir = scratchDir(onTestFinished);
    const command = plugin(dir, `echo "$KUBERNETES_EXEC_INFO" > "${dir}/info"; ${credential('{"token":"t1"}')}`);
    const c = creds({ exec: { apiVersion: "client.authentication.k8s.io/v1", command, interactiveMode: "IfAvailable", provideClusterInfo: true } });
    expect(await apply(c)).toEqual({ auth: "Bearer t1" });
    expect(await apply(c)).toEqual({ auth: "Bearer t1" });
    expect(runs(dir)).toBe(1);
    expect(JSON.parse(readFileSync(path.join(dir, "info"), "utf8"))).toEqual({
      kind: "ExecCredential",
      apiVersion: "client.authentication.k8s.io/v1",
      spec: { interactive: false, cluster: CLUSTER },
    });
  });

  it("run again once the credential expired; a client certificate they return is used", async () => {
    const dir = scratchDir(onTestFinished);
    const command = plugin(dir, credential('{"clientCertificateData":"CERT","clientKeyData":"KEY","expirationTimestamp":"2000-01-01T00:00:00Z"}'));
    const c = creds({ exec: { apiVersion: "client.authentication.k8s.io/v1", command, interactiveMode: "Never" } });
    expect(await apply(c)).toEqual({ cert: "CERT" });
    await apply(c);
    expect(runs(dir)).toBe(2);
  });

  it.each([
    [{ apiVersion: "client.authentication.k8s.io/v1" }, "interactiveMode must be specified for"],
    [{ apiVersion: "client.authentication.k8s.io/v1", interactiveMode: "Always" }, "needs a terminal (interactiveMode: Always), and a k8s step has none"],
    [{ apiVersion: "client.authentication.k8s.io/v1beta1" }, "exec plugin is configured to use API version client.authentication.k8s.io/v1beta1, plugin returned version client.authentication.k8s.io/v1"],
  ])("are refused as client-go refuses them: %j", async (exec, message) => {
    const dir = scratchDir(onTestFinished);
    const command = plugin(dir, credential('{"token":"t"}'));
    await expect(apply(creds({ exec: { command, ...exec } }))).rejects.toThrow(message);
  });

  it("a failing plugin: its exit code, its stderr and its installHint in the error", async () => {
    const dir = scratchDir(onTestFinished);
    const command = plugin(dir, 'echo "session expired, run sso login" >&2; exit 2');
    const error = await apply(creds({ exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command, installHint: "Run sso login first." } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialError);
    expect((error as CredentialError).message).toContain(`exec: executable ${command} failed with exit code 2: session expired, run sso login`);
    expect((error as CredentialError).hint).toBe("Run sso login first.");
  });

  it("gets its env entries on top of the environment given, and no terminal on stdin", async () => {
    const dir = scratchDir(onTestFinished);
    const command = plugin(dir, `[ -t 0 ] && exit 3; ( : </dev/tty ) 2>/dev/null && exit 6; printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s-%s"}}' "$FROM_STEP" "$FROM_EXEC"`);
    const c = creds({ exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command, env: [{ name: "FROM_EXEC", value: "b" }] } }, { PATH: process.env.PATH, FROM_STEP: "a" });
    expect(await apply(c)).toEqual({ auth: "Bearer a-b" });
  });
});

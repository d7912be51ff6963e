/**
 * Issue 19, item 7: real kubeconfigs work as with kubectl. Each style of kubeconfig, run from a
 * directory other than the kubeconfig's, against the HTTPS sandbox (test CA, client certificates,
 * tokens): a kubectl step and a k8s step through the built binary, both reading handrail's
 * private copy of the kubeconfig.
 */
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { IncidentEvent } from "../../src/incident/events.js";
import { startKubeSandbox, type KubeSandbox } from "../../src/sandbox/index.js";
import { execa } from "execa";
import { BIN, runCli, scratchDir } from "../helpers/cli.js";
import { makePki, type TestPki } from "../helpers/pki.js";
import { startProxy } from "../helpers/proxy.js";
import { startTerminal } from "../helpers/tmux.js";

const hasTmux = (await execa("tmux", ["-V"], { reject: false })).exitCode === 0;

const TOKEN = "s3cret-token";
const SERVER_NAME = "kube.internal.test";

let pki: TestPki;
let sandbox: KubeSandbox;
/** Its certificate names only SERVER_NAME, not 127.0.0.1: reachable only with tls-server-name. */
let named: KubeSandbox;
let namedPki: TestPki;

function seed(s: KubeSandbox): void {
  s.store.createDeployment({ namespace: "shop", name: "api", image: "shop/api:1.0", replicas: 2, labels: { app: "api" } });
  s.store.tickUntil(() => s.store.listPods("shop").filter((p) => p.status?.phase === "Running").length === 2);
}

beforeAll(async () => {
  const dir = scratchDir(afterAll);
  mkdirSync(path.join(dir, "a"));
  mkdirSync(path.join(dir, "b"));
  [pki, namedPki] = await Promise.all([makePki(path.join(dir, "a")), makePki(path.join(dir, "b"), [`DNS:${SERVER_NAME}`])]);
  const tls = (p: TestPki) => ({ cert: p.pem.serverCert, key: p.pem.serverKey, ca: p.pem.caCert, tokens: [TOKEN] });
  [sandbox, named] = await Promise.all([startKubeSandbox({ tickMs: 0, tls: tls(pki) }), startKubeSandbox({ tickMs: 0, tls: tls(namedPki) })]);
  seed(sandbox);
  seed(named);
}, 30_000);
afterAll(async () => Promise.all([sandbox?.stop(), named?.stop()]));

const RUNBOOK = `apiVersion: handrail/v1
kind: Runbook
id: creds
title: Credentials
summary: One kubectl step and one k8s step.
phases:
  - id: look
    kind: diagnose
    title: Look
    steps:
      - id: kubectl-pods
        title: Pods through kubectl
        run: kubectl get pods -n shop -l app=api -o name
        onFail: continue
      - id: k8s-pods
        title: Pods through client-node
        k8s: { action: pods, selector: app=api, namespace: shop }
`;

interface Layout {
  /** HOME (kubectl's discovery cache lands here, fresh for each test). */
  home: string;
  /** Where the kubeconfig and what it names live. */
  conf: string;
  /** The working directory handrail runs in: not the kubeconfig's. */
  work: string;
}

function layout(): Layout {
  const home = scratchDir(onTestFinished);
  const conf = path.join(home, "conf");
  const work = path.join(home, "work");
  mkdirSync(path.join(conf, "certs"), { recursive: true });
  mkdirSync(work);
  for (const [from, to] of [
    [pki.caCert, "ca.crt"],
    [pki.clientCert, "client.crt"],
    [pki.clientKey, "client.key"],
  ] as const)
    copyFileSync(from, path.join(conf, "certs", to));
  writeFileSync(path.join(work, "creds.yaml"), RUNBOOK);
  return { home, conf, work };
}

/** A one-context kubeconfig; `cluster` and `user` are YAML flow mappings (without braces). */
function kubeconfig(file: string, server: string, cluster: string, user: string): string {
  writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "current-context: prod",
      "clusters:",
      `  - { name: prod, cluster: { server: "${server}", ${cluster} } }`,
      "users:",
      `  - { name: oncall, user: { ${user} } }`,
      "contexts:",
      "  - { name: prod, context: { cluster: prod, user: oncall, namespace: shop } }",
      "",
    ].join("\n"),
  );
  return file;
}

const b64 = (text: string) => Buffer.from(text).toString("base64");

/** An executable script in `dir`. */
function script(dir: string, name: string, body: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

/**
 * A credential plugin as client-go runs one: the token comes from its args and env (so both must
 * arrive), and it refuses to answer when it has a terminal or was not told it is non-interactive.
 */
const PLUGIN = `[ -t 0 ] && { echo "stdin is a terminal" >&2; exit 3; }
case "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) ;; *) echo "no KUBERNETES_EXEC_INFO: $KUBERNETES_EXEC_INFO" >&2; exit 4;; esac
[ "$1" = "--prefix" ] || { echo "args missing" >&2; exit 5; }
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s%s"}}' "$2" "$TOKEN_SUFFIX"`;

const pluginExec = (command: string, extra = "") =>
  `exec: { apiVersion: client.authentication.k8s.io/v1, command: "${command}", args: [--prefix, s3cret], env: [{ name: TOKEN_SUFFIX, value: "-token" }], interactiveMode: Never, provideClusterInfo: true${extra} }`;

function events(work: string): IncidentEvent[] {
  const store = path.join(work, "incidents");
  const file = readdirSync(store).find((f) => f.endsWith(".jsonl"))!;
  return readFileSync(path.join(store, file), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
}

type Finished = Extract<IncidentEvent, { type: "step.finished" }>;
const finished = (evs: IncidentEvent[], step: string) => evs.find((e): e is Finished => e.type === "step.finished" && e.step === step);
const output = (evs: IncidentEvent[], step: string) => evs.flatMap((e) => (e.type === "step.output" && e.step === step ? e.lines : [])).join("\n");

/** Run the two-step runbook from `work` and expect both steps to list the two api pods. */
async function bothSeePods(l: Layout, args: string[], env: Record<string, string | undefined> = {}): Promise<void> {
  const r = await runCli(["run", "creds.yaml", ...args], { cwd: l.work, env: { HOME: l.home, KUBECONFIG: undefined, ...env }, timeoutMs: 40_000 });
  const evs = events(l.work);
  const detail = `${r.stdout}\n${r.stderr}`;
  expect(finished(evs, "kubectl-pods")?.status, detail).toBe("passed");
  expect(output(evs, "kubectl-pods").match(/pod\/api-/g)?.length, detail).toBe(2);
  expect(finished(evs, "k8s-pods")?.status, detail).toBe("passed");
  expect(output(evs, "k8s-pods").match(/api-\S+/g)?.length, detail).toBeGreaterThanOrEqual(2);
  expect(r.exitCode, detail).toBe(0);
}

describe("kubeconfig styles against the HTTPS sandbox, run from another directory", () => {
  it("client certificate, key and CA by paths relative to the kubeconfig", async () => {
    const l = layout();
    const file = kubeconfig(path.join(l.conf, "config"), sandbox.url, "certificate-authority: certs/ca.crt", "client-certificate: certs/client.crt, client-key: certs/client.key");
    await bothSeePods(l, ["--kubeconfig", file]);
  }, 60_000);

  it("*-data fields (CA, client certificate and key inline)", async () => {
    const l = layout();
    const file = kubeconfig(path.join(l.conf, "config"), sandbox.url, `certificate-authority-data: ${b64(pki.pem.caCert)}`, `client-certificate-data: ${b64(pki.pem.clientCert)}, client-key-data: ${b64(pki.pem.clientKey)}`);
    await bothSeePods(l, ["--kubeconfig", file]);
  }, 60_000);

  it("a bearer token", async () => {
    const l = layout();
    const file = kubeconfig(path.join(l.conf, "config"), sandbox.url, "certificate-authority: certs/ca.crt", `token: ${TOKEN}`);
    await bothSeePods(l, ["--kubeconfig", file]);
  }, 60_000);

  it("a tokenFile relative to the kubeconfig (trailing newline and all)", async () => {
    const l = layout();
    writeFileSync(path.join(l.conf, "tok"), `${TOKEN}\n`);
    const file = kubeconfig(path.join(l.conf, "config"), sandbox.url, "certificate-authority: certs/ca.crt", "tokenFile: tok");
    await bothSeePods(l, ["--kubeconfig", file]);
  }, 60_000);

  it("an exec plugin found on PATH, with args, env and interactiveMode: Never", async () => {
    const l = layout();
    const bin = path.join(l.home, "bin");
    script(bin, "handrail-test-login", PLUGIN);
    const file = kubeconfig(path.join(l.conf, "config"), sandbox.url, "certificate-authority: certs/ca.crt", pluginExec("handrail-test-login"));
    await bothSeePods(l, ["--kubeconfig", file], { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` });
  }, 60_000);

  it("an exec plugin by a path relative to the kubeconfig (./token.sh)", async () => {
    const l = layout();
    script(l.conf, "token.sh", PLUGIN);
    const file = kubeconfig(path.join(l.conf, "config"), sandbox.url, "certificate-authority: certs/ca.crt", pluginExec("./token.sh"));
    await bothSeePods(l, ["--kubeconfig", file]);
  }, 60_000);

  it("an exec plugin that is not installed: its installHint printed, a diagnosis, exit 1", async () => {
    const l = layout();
    const hint = "Install handrail-missing-login: see https://wiki.example/oncall-login";
    const file = kubeconfig(path.join(l.conf, "config"), sandbox.url, "certificate-authority: certs/ca.crt", pluginExec("handrail-missing-login", `, installHint: "${hint}"`));
    const r = await runCli(["run", "creds.yaml", "--kubeconfig", file], { cwd: l.work, env: { HOME: l.home, KUBECONFIG: undefined }, timeoutMs: 40_000 });
    expect(r.exitCode).toBe(1);
    const evs = events(l.work);
    for (const step of ["kubectl-pods", "k8s-pods"]) {
      expect(output(evs, step), step).toContain(hint);
      expect(finished(evs, step)?.status, step).toBe("failed");
      expect(finished(evs, step)?.diagnosis, step).toMatchObject({ code: "credentials", hint });
      expect(finished(evs, step)?.diagnosis?.summary, step).toContain("handrail-missing-login");
    }
    expect(`${r.stdout}\n${r.stderr}`).toContain(hint);
  }, 60_000);

  it("tls-server-name: a server whose certificate does not name 127.0.0.1", async () => {
    const l = layout();
    const file = kubeconfig(path.join(l.conf, "config"), named.url, `certificate-authority-data: ${b64(namedPki.pem.caCert)}, tls-server-name: ${SERVER_NAME}`, `token: ${TOKEN}`);
    await bothSeePods(l, ["--kubeconfig", file]);
  }, 60_000);

  it("insecure-skip-tls-verify: no CA at all", async () => {
    const l = layout();
    const file = kubeconfig(path.join(l.conf, "config"), named.url, "insecure-skip-tls-verify: true", `token: ${TOKEN}`);
    await bothSeePods(l, ["--kubeconfig", file]);
  }, 60_000);

  it("proxy-url: both kinds of step tunnel through the proxy", async () => {
    const l = layout();
    const proxy = await startProxy();
    onTestFinished(() => proxy.stop());
    const file = kubeconfig(path.join(l.conf, "config"), sandbox.url, `certificate-authority: certs/ca.crt, proxy-url: "${proxy.url}"`, `token: ${TOKEN}`);
    await bothSeePods(l, ["--kubeconfig", file]);
    const tunnels = proxy.seen.filter((s) => s === `CONNECT 127.0.0.1:${sandbox.port}`);
    // kubectl opens at least one tunnel, client-node at least one more.
    expect(tunnels.length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("two files in KUBECONFIG: the first definition wins, each file's relative paths against its own directory", async () => {
    const l = layout();
    const first = path.join(l.conf, "first");
    const second = path.join(l.home, "second");
    mkdirSync(first);
    mkdirSync(path.join(second, "keys"), { recursive: true });
    copyFileSync(pki.clientCert, path.join(second, "keys", "me.crt"));
    copyFileSync(pki.clientKey, path.join(second, "keys", "me.key"));
    writeFileSync(
      path.join(first, "config"),
      ["apiVersion: v1", "kind: Config", "current-context: prod", "clusters:", `  - { name: prod, cluster: { server: "${sandbox.url}", certificate-authority: ../certs/ca.crt } }`, "contexts:", "  - { name: prod, context: { cluster: prod, user: oncall, namespace: shop } }", ""].join("\n"),
    );
    writeFileSync(
      path.join(second, "config"),
      [
        "apiVersion: v1",
        "kind: Config",
        "current-context: elsewhere",
        "clusters:",
        // Defined first in the first file: this one must lose.
        "  - { name: prod, cluster: { server: \"https://127.0.0.1:1\" } }",
        "users:",
        "  - { name: oncall, user: { client-certificate: keys/me.crt, client-key: keys/me.key } }",
        "contexts:",
        "  - { name: elsewhere, context: { cluster: prod, user: nobody } }",
        "",
      ].join("\n"),
    );
    await bothSeePods(l, [], { KUBECONFIG: `${path.join(first, "config")}${path.delimiter}${path.join(second, "config")}` });
  }, 60_000);

  it.skipIf(!hasTmux)("interactiveMode: Never, run from a terminal: neither kind of step lets the plugin reach it", async () => {
    const l = layout();
    // Fails if it can open the controlling terminal (where it could prompt over the console).
    script(l.conf, "token.sh", `( : </dev/tty ) 2>/dev/null && { echo "plugin reached the terminal" >&2; exit 6; }\n${PLUGIN}`);
    const file = kubeconfig(path.join(l.conf, "config"), sandbox.url, "certificate-authority: certs/ca.crt", pluginExec("./token.sh"));
    const term = await startTerminal(`node ${BIN} run creds.yaml --kubeconfig ${file}`, { cwd: l.work, env: { HOME: l.home } });
    onTestFinished(() => term.kill());
    const screen = await term.waitFor(/\[exited \d+\]/, 40_000);
    const evs = events(l.work);
    expect(finished(evs, "kubectl-pods")?.status, screen).toBe("passed");
    expect(finished(evs, "k8s-pods")?.status, screen).toBe("passed");
    expect(screen).toContain("[exited 0]");
  }, 60_000);
});

/** The chosen context and namespace reach every kubectl step, without touching the user's kubeconfig. */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { absolutise, prepareKube } from "../../src/executors/kubeconfig.js";
import { execute } from "../../src/executors/execute.js";
import type { Step } from "../../src/runbooks/schema.js";
import { scratchDir } from "../helpers/cli.js";
import { context, recorder } from "../helpers/steps.js";

const USER_CONFIG = `apiVersion: v1
kind: Config
current-context: staging
clusters:
  - name: staging
    cluster: { server: "https://127.0.0.1:6443", certificate-authority: certs/ca.crt }
  - name: prod
    cluster: { server: "https://127.0.0.1:7443", proxy-url: "http://proxy.corp:3128" }
users:
  - name: me
    user: { token: abc }
contexts:
  - name: staging
    context: { cluster: staging, user: me, namespace: shop }
  - name: prod-eu
    context: { cluster: prod, user: me }
`;

function setup(): { dir: string; file: string } {
  const dir = scratchDir(onTestFinished);
  const file = path.join(dir, "config");
  writeFileSync(file, USER_CONFIG);
  return { dir, file };
}

describe("the kube target", () => {
  it("uses the current context and its namespace by default, and makes relative paths absolute", async () => {
    const { dir, file } = setup();
    const r = await prepareKube({ env: { KUBECONFIG: file } }, dir);
    expect(r).toMatchObject({ ok: true, server: "https://127.0.0.1:6443", target: { context: "staging", namespace: "shop" } });
    if (!r.ok) return;
    expect(readFileSync(r.target.kubeconfig!, "utf8")).toContain(`certificate-authority: ${dir}/certs/ca.crt`);
    expect(statSync(r.target.kubeconfig!).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toBe(USER_CONFIG);
  });

  it("every kubectl in a step sees the chosen context and namespace", async () => {
    const { dir, file } = setup();
    const r = await prepareKube({ kubeconfig: file, context: "prod-eu", namespace: "payments", env: {} }, dir);
    if (!r.ok) throw new Error(r.message);
    const rec = recorder();
    const step = { id: "k", title: "context", run: `kubectl config current-context; kubectl config view --minify -o jsonpath='{..namespace}{"\\n"}{.clusters[0].cluster.server}'` } as Step;
    const res = await execute(step, context({}, { kube: r.target, env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: "/nonexistent/other" } }), { onEvent: rec.onEvent });
    expect(res.status).toBe("passed");
    expect(rec.lines()).toEqual(["prod-eu", "payments", "https://127.0.0.1:7443"]);
  });

  it("merges a KUBECONFIG list with the first definition winning", async () => {
    const { dir, file } = setup();
    const second = path.join(dir, "second");
    writeFileSync(second, USER_CONFIG.replace("current-context: staging", "current-context: prod-eu").replace("6443", "9999").replace("name: prod-eu", "name: extra"));
    const r = await prepareKube({ env: { KUBECONFIG: `${file}:${second}` }, context: "extra" }, dir);
    expect(r).toMatchObject({ ok: true, server: "https://127.0.0.1:7443", proxy: "http://proxy.corp:3128", target: { context: "extra", namespace: "default" } });
  });

  it.each([
    [{ context: "prod-us" }, '--context: no context named "prod-us" in', "Contexts there: staging, prod-eu."],
    [{ kubeconfig: "/nonexistent/kubeconfig" }, "--kubeconfig: cannot read /nonexistent/kubeconfig: ENOENT", "Name a readable kubeconfig file."],
  ])("%j is refused with a message naming the flag", async (sel, message, hint) => {
    const { dir, file } = setup();
    const r = await prepareKube({ env: { KUBECONFIG: file }, ...sel }, dir);
    expect(r).toMatchObject({ ok: false, hint });
    expect(r.ok ? "" : r.message).toContain(message);
  });

  it("no kubeconfig at all is not an error here: kubectl says so and gets a diagnosis", async () => {
    const { dir } = setup();
    const r = await prepareKube({ env: { HOME: dir } }, dir);
    expect(r).toEqual({ ok: true, target: {}, files: [] });
    const res = await execute({ id: "k", title: "pods", run: "kubectl get pods --request-timeout=2s" } as Step, context({}, { env: { PATH: process.env.PATH, HOME: dir } }));
    expect(res.status).toBe("failed");
    expect(res.diagnosis?.code).toBe("no-kubeconfig");
  });

  it("resolves every path kubectl resolves against the defining file: tokenFile, and an exec command with a path separator (a bare name stays a PATH lookup)", async () => {
    const { dir } = setup();
    const file = path.join(dir, "plugins");
    writeFileSync(
      file,
      USER_CONFIG.replace("users:\n  - name: me\n    user: { token: abc }", ["users:", "  - name: me", "    user: { tokenFile: secrets/tok, exec: { command: ./token.sh, args: [./not-a-path] } }", "  - name: aws", "    user: { exec: { command: aws, args: [eks, get-token] } }", "  - name: nested", "    user: { exec: { command: bin/login } }"].join("\n")),
    );
    const r = await prepareKube({ kubeconfig: file, env: {} }, dir);
    if (!r.ok) throw new Error(r.message);
    const copy = readFileSync(r.target.kubeconfig!, "utf8");
    expect(copy).toContain(`tokenFile: ${dir}/secrets/tok`);
    expect(copy).toContain(`command: ${dir}/token.sh`);
    // Arguments are the plugin's business, never resolved.
    expect(copy).toContain("- ./not-a-path");
    expect(absolutise({ exec: { command: "aws" } }, dir)).toEqual({ exec: { command: "aws" } });
    expect(absolutise({ exec: { command: "bin/login" } }, dir)).toEqual({ exec: { command: `${dir}/bin/login` } });
  });
});

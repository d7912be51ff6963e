/** A kubeconfig for the sandbox, readable by kubectl and by client-node. */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";

/** The user the sandbox says it is serving (it appears in RBAC denials). */
export const SANDBOX_USER = "sandbox";

export interface KubeconfigOptions {
  context?: string;
  namespace?: string;
  /** The CA (PEM) that signed a TLS sandbox's certificate, written as certificate-authority-data. */
  ca?: string;
  /** The bearer token written for the user ("sandbox-token" unless given). */
  token?: string;
}

/** The kubeconfig document; over plain http `insecure-skip-tls-verify`, because client-node refuses plain http without it. */
export function kubeconfigYaml(server: string, opts: KubeconfigOptions = {}): string {
  const context = opts.context ?? "sandbox";
  const trust = opts.ca ? { "certificate-authority-data": Buffer.from(opts.ca).toString("base64") } : { "insecure-skip-tls-verify": true };
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server, ...trust } }],
    users: [{ name: SANDBOX_USER, user: { token: opts.token ?? "sandbox-token" } }],
    contexts: [{ name: context, context: { cluster: context, user: SANDBOX_USER, namespace: opts.namespace ?? "default" } }],
    "current-context": context,
    preferences: {},
  });
}

/** Write `kubeconfig-<context>` into `dir` (created if missing) and return its path. */
export async function writeKubeconfigFile(dir: string, server: string, opts: KubeconfigOptions = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `kubeconfig-${opts.context ?? "sandbox"}`);
  await writeFile(file, kubeconfigYaml(server, opts), { mode: 0o600 });
  return file;
}

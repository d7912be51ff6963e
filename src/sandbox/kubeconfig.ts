/** A kubeconfig for the sandbox, readable by kubectl and by client-node. */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";

/** The user the sandbox says it is serving (it appears in RBAC denials). */
export const SANDBOX_USER = "sandbox";

export interface KubeconfigOptions {
  context?: string;
  namespace?: string;
}

/** The kubeconfig document; `insecure-skip-tls-verify` because client-node refuses plain http without it. */
export function kubeconfigYaml(server: string, opts: KubeconfigOptions = {}): string {
  const context = opts.context ?? "sandbox";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server, "insecure-skip-tls-verify": true } }],
    users: [{ name: SANDBOX_USER, user: { token: "sandbox-token" } }],
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

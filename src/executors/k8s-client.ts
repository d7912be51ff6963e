/** client-node, loaded only when a `k8s` step runs (it costs ~1 s of start-up when imported eagerly). */
import type * as K8s from "@kubernetes/client-node";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { CredentialError, KubeconfigCredentials, needsOwnCredentials } from "./kube-credentials.js";
import { absolutise } from "./kubeconfig.js";
import type { Diagnosis, KubeTarget } from "./types.js";

export type K8sModule = typeof K8s;

let loaded: Promise<K8sModule> | undefined;
/** Whether client-node has been asked for in this process (the cluster panel's plain requests never ask). */
export const isK8sLoaded = (): boolean => loaded !== undefined;
export function loadK8s(): Promise<K8sModule> {
  loaded ??= import("@kubernetes/client-node");
  return loaded;
}

export interface KubeClients {
  k8s: K8sModule;
  config: K8s.KubeConfig;
  core: K8s.CoreV1Api;
  apps: K8s.AppsV1Api;
  namespace: string;
}

type Entry = Record<string, unknown>;

/** The named entry of a kubeconfig list (`users`, `clusters`), its inner object. */
function entryNamed(doc: Entry, list: string, inner: string, name: string | undefined): Entry | undefined {
  const items = Array.isArray(doc[list]) ? (doc[list] as Entry[]) : [];
  const found = items.find((x) => x !== null && typeof x === "object" && x.name === name);
  return found && typeof found[inner] === "object" && found[inner] !== null ? (found[inner] as Entry) : undefined;
}

/**
 * The fields of the current user client-node would get wrong (tokenFile, exec plugins) are
 * taken off its copy and served by KubeconfigCredentials instead, read from the same file.
 */
async function ownCredentials(config: K8s.KubeConfig, file: string, env: Record<string, string | undefined>, signal?: AbortSignal): Promise<void> {
  const doc = (parse(await readFile(file, "utf8")) as Entry | null) ?? {};
  const ctx = config.getContextObject(config.getCurrentContext());
  const raw = entryNamed(doc, "users", "user", ctx?.user);
  if (!ctx?.user || !needsOwnCredentials(raw)) return;
  const base = path.dirname(path.resolve(file));
  const user = absolutise(raw!, base);
  const cluster = absolutise(entryNamed(doc, "clusters", "cluster", ctx.cluster) ?? {}, base);
  config.loadFromOptions({
    clusters: config.clusters,
    contexts: config.contexts,
    currentContext: config.getCurrentContext(),
    // Without exec (client-node's ExecAuth would run it) and, with a tokenFile, without the inline token (the file wins, as in client-go).
    users: config.users.map((u) => (u.name === ctx.user ? { ...u, exec: undefined, ...(typeof user.tokenFile === "string" ? { token: undefined } : {}) } : u)),
  });
  config.addAuthenticator(new KubeconfigCredentials(ctx.user, user, cluster, env, signal));
}

/**
 * Clients for the same kubeconfig and context the kubectl steps use. Every request they send
 * carries `signal`: client-node has no timeout of its own, and a server that accepts and never
 * answers would otherwise hold a step (and its Ctrl-C) forever. `env` is what an exec credential
 * plugin runs with (a kubectl step's plugin gets the step's environment).
 */
export async function kubeClients(target: KubeTarget | undefined, override: { context?: string; namespace?: string } = {}, signal?: AbortSignal, env: Record<string, string | undefined> = process.env): Promise<KubeClients> {
  const k8s = await loadK8s();
  const config = new k8s.KubeConfig();
  if (target?.kubeconfig) config.loadFromFile(target.kubeconfig);
  else config.loadFromDefault();
  const context = override.context ?? target?.context;
  if (context) config.setCurrentContext(context);
  if (target?.kubeconfig) await ownCredentials(config, target.kubeconfig, env, signal);
  const namespace = override.namespace ?? target?.namespace ?? config.getContextObject(config.getCurrentContext())?.namespace ?? "default";
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error(`no cluster for context "${config.getCurrentContext()}"`);
  // What makeApiClient builds, plus a middleware handing the signal to each request (RequestContext.setSignal).
  const configuration = k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(cluster.server, {}),
    authMethods: { default: config },
    ...(signal ? { promiseMiddleware: [carrying(signal)] } : {}),
  });
  return { k8s, config, core: new k8s.CoreV1Api(configuration), apps: new k8s.AppsV1Api(configuration), namespace };
}

function carrying(signal: AbortSignal) {
  return {
    pre: async (rc: K8s.RequestContext) => {
      rc.setSignal(signal);
      return rc;
    },
    post: async (rc: K8s.ResponseContext) => rc,
  };
}

interface ApiErrorShape {
  code?: number | string;
  body?: unknown;
  message?: string;
  cause?: { code?: string };
}

function statusMessage(body: unknown): string | undefined {
  if (typeof body === "string") {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return body.trim() || undefined;
    }
  }
  if (body && typeof body === "object" && typeof (body as { message?: unknown }).message === "string") return (body as { message: string }).message;
  return undefined;
}

/** A client-node failure as the same one-line diagnosis the kubectl messages get. */
export function diagnoseApiError(error: unknown, server?: string): { message: string; diagnosis: Diagnosis } {
  if (error instanceof CredentialError) {
    return { message: error.message, diagnosis: { code: "credentials", summary: `no credentials for the cluster: ${error.message.split("\n")[0]!.replace(/^getting credentials: /, "")}`, hint: error.hint ?? "Check the kubeconfig user's exec plugin or token file." } };
  }
  const e = error as ApiErrorShape;
  const netCode = e.cause?.code ?? (typeof e.code === "string" ? e.code : undefined);
  const status = typeof e.code === "number" ? e.code : undefined;
  const message = statusMessage(e.body) ?? e.message ?? String(error);
  if (netCode === "ECONNREFUSED") {
    return { message, diagnosis: { code: "cluster-unreachable", summary: `the Kubernetes API server${server ? ` at ${server}` : ""} refused the connection`, hint: "Check the context (--context), the VPN or tunnel, and that the API server is up." } };
  }
  if (netCode === "ETIMEDOUT" || netCode === "UND_ERR_CONNECT_TIMEOUT" || netCode === "UND_ERR_HEADERS_TIMEOUT") {
    return { message, diagnosis: { code: "cluster-timeout", summary: "the Kubernetes API server did not answer in time", hint: "Check its health, the network path and the VPN." } };
  }
  if (status === 403) return { message, diagnosis: { code: "forbidden", summary: `forbidden by RBAC: ${message}`, hint: "Check the namespace and context, or ask for access (kubectl auth can-i)." } };
  if (status === 401) return { message, diagnosis: { code: "unauthorized", summary: "the cluster rejected the credentials (expired or missing)", hint: "Log in again (refresh the kubeconfig credentials)." } };
  if (status === 404) return { message, diagnosis: { code: "not-found", summary: message, hint: "Check the name and the namespace." } };
  return { message, diagnosis: { code: "api-error", summary: message, hint: "See the message from the API server." } };
}

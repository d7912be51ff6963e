/**
 * The kubeconfig's cluster and user as plain node:http(s) GETs: what the cluster panel needs,
 * without loading client-node (≈150 ms to compile) or its model deserialiser (≈100 ms for 5,000
 * pods). The TLS (CA, client certificate, tls-server-name, insecure-skip-tls-verify) and the
 * credentials (token, basic auth; tokenFile and exec plugins through KubeconfigCredentials, the
 * same code the k8s steps use) are honoured as kubectl honours them. What only client-node speaks
 * (auth-provider, impersonation, proxy-url) makes `kubeEndpoint` answer undefined: the caller
 * then goes through client-node instead.
 */
import type { User } from "@kubernetes/client-node";
import { readFile } from "node:fs/promises";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import path from "node:path";
import { parse } from "yaml";
import { KubeconfigCredentials, needsOwnCredentials } from "./kube-credentials.js";
import { absolutise } from "./kubeconfig.js";
import type { KubeTarget } from "./types.js";

type Entry = Record<string, unknown>;

export interface KubeEndpoint {
  /** The API server, as the kubeconfig names it. */
  server: string;
  namespace: string;
  /** GET `pathAndQuery` (below the server's own path); credentials are applied to each request (a tokenFile is reread, an expired exec credential renewed). */
  get(pathAndQuery: string, signal: AbortSignal): Promise<IncomingMessage>;
}

/** Fields of a kubeconfig user or cluster this module does not speak: client-node does. */
const USER_NEEDS_CLIENT_NODE = ["auth-provider", "as", "as-uid", "as-groups", "as-user-extra"];
const CLUSTER_NEEDS_CLIENT_NODE = ["proxy-url"];

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const present = (entry: Entry, field: string) => entry[field] !== undefined && entry[field] !== null && entry[field] !== "";

function named(doc: Entry, list: string, inner: string, name: string | undefined): Entry | undefined {
  const items = Array.isArray(doc[list]) ? (doc[list] as Entry[]) : [];
  const found = items.find((x) => x !== null && typeof x === "object" && x.name === name);
  return found && typeof found[inner] === "object" && found[inner] !== null ? (found[inner] as Entry) : undefined;
}

/** A PEM given by path or inline (base64), as kubectl reads `certificate-authority` / `certificate-authority-data`. */
async function pem(entry: Entry, field: string): Promise<Buffer | undefined> {
  const data = str(entry[`${field}-data`]);
  if (data) return Buffer.from(data, "base64");
  const file = str(entry[field]);
  return file ? readFile(file) : undefined;
}

/**
 * The endpoint for the target's kubeconfig and context, or undefined when it needs client-node
 * (no kubeconfig file named, or a field only client-node speaks). Throws when the kubeconfig
 * cannot be read or names no cluster, with the message the panel shows.
 */
export async function kubeEndpoint(target: KubeTarget | undefined, override: { namespace?: string } = {}, env: Record<string, string | undefined> = process.env, signal?: AbortSignal): Promise<KubeEndpoint | undefined> {
  if (!target?.kubeconfig) return undefined;
  const file = target.kubeconfig;
  const doc = (parse(await readFile(file, "utf8")) as Entry | null) ?? {};
  const contextName = target.context ?? str(doc["current-context"]);
  const context = named(doc, "contexts", "context", contextName);
  if (!context) throw new Error(`no context named "${contextName ?? ""}" in the kubeconfig`);
  const base = path.dirname(path.resolve(file));
  const rawCluster = named(doc, "clusters", "cluster", str(context.cluster));
  if (!rawCluster) throw new Error(`no cluster for context "${contextName ?? ""}"`);
  const cluster = absolutise(rawCluster, base);
  const userName = str(context.user);
  const user = absolutise(named(doc, "users", "user", userName) ?? {}, base);
  if (USER_NEEDS_CLIENT_NODE.some((f) => present(user, f)) || CLUSTER_NEEDS_CLIENT_NODE.some((f) => present(cluster, f))) return undefined;
  const server = str(cluster.server);
  if (!server) throw new Error(`the kubeconfig's cluster for context "${contextName ?? ""}" has no server`);
  const url = new URL(server);
  const secure = url.protocol === "https:";
  const tls: https.RequestOptions = {};
  if (secure) {
    const ca = await pem(cluster, "certificate-authority");
    if (ca) tls.ca = ca;
    tls.rejectUnauthorized = cluster["insecure-skip-tls-verify"] !== true;
    const serverName = str(cluster["tls-server-name"]);
    if (serverName) tls.servername = serverName;
    const cert = await pem(user, "client-certificate");
    const key = await pem(user, "client-key");
    if (cert && key) {
      tls.cert = cert;
      tls.key = key;
    }
  }
  const headers: Record<string, string> = { Accept: "application/json", "User-Agent": "handrail" };
  const own = userName && needsOwnCredentials(user) ? new KubeconfigCredentials(userName, user, cluster, env, signal) : undefined;
  if (!own && str(user.token)) headers.Authorization = `Bearer ${str(user.token)!}`;
  else if (!own && str(user.username)) headers.Authorization = `Basic ${Buffer.from(`${str(user.username)!}:${String(user.password ?? "")}`).toString("base64")}`;
  const prefix = url.pathname.replace(/\/+$/, "");
  const namespace = override.namespace ?? target.namespace ?? str(context.namespace) ?? "default";
  return {
    server,
    namespace,
    get: async (pathAndQuery, requestSignal) => {
      // A connection of its own (no agent): stopping the panel or giving up on a silent server ends exactly it.
      const opts: https.RequestOptions = { ...tls, method: "GET", hostname: url.hostname.replace(/^\[|\]$/g, ""), port: url.port || (secure ? 443 : 80), path: `${prefix}${pathAndQuery}`, headers: { ...headers }, agent: false, signal: requestSignal };
      if (own) await own.applyAuthentication({ name: userName } as User, opts);
      return new Promise<IncomingMessage>((resolve, reject) => {
        const req = (secure ? https : http).request(opts, resolve);
        // As client-go: TCP keep-alive, so a watch on a peer that vanished (no RST) ends instead of showing a frozen list as live.
        req.once("socket", (socket) => socket.setKeepAlive(true, 30_000));
        req.once("error", reject);
        req.end();
      });
    },
  };
}

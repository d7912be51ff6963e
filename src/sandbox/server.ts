/**
 * The sandbox API server: a node:http server on 127.0.0.1 that routes discovery and resource
 * URLs to the store, refuses everything in the namespace "forbidden" as RBAC would, and drives
 * the controllers on a timer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { isTrue, type StreamRegistry } from "./context.js";
import { discoveryDocument } from "./discovery.js";
import { isExecPath, serveExec } from "./exec.js";
import { ApiError, forbidden, statusObject } from "./errors.js";
import { handleResource } from "./handlers.js";
import { openApiDocument } from "./openapi.js";
import { sendError, sendJson, wantsTable } from "./http.js";
import { SANDBOX_USER, writeKubeconfigFile, type KubeconfigOptions } from "./kubeconfig.js";
import { parseResourcePath, verbOf } from "./routes.js";
import { ClusterStore } from "./store.js";

/** Every request into this namespace is denied, so RBAC diagnoses can be exercised. */
export const FORBIDDEN_NAMESPACE = "forbidden";
export const DEFAULT_TICK_MS = 200;
/** Answered without credentials, as a real cluster lets anyone see its health. */
const PUBLIC_PATHS = ["/healthz", "/livez", "/readyz"];

export interface KubeSandbox {
  /** http://127.0.0.1:PORT, or https:// in TLS mode */
  url: string;
  port: number;
  /** The in-memory cluster, for tests and scenarios to read and change. */
  store: ClusterStore;
  /** Write a kubeconfig pointing at this server; returns its path. Context "sandbox", namespace "default" unless given. */
  writeKubeconfig(dir: string, opts?: KubeconfigOptions): Promise<string>;
  /** Close the server and every open watch, log stream and keep-alive connection. */
  stop(): Promise<void>;
}

export interface KubeSandboxOptions {
  /** 0 (a free port) unless given. */
  port?: number;
  /** Build the starting cluster before the server answers. */
  seed?: (store: ClusterStore) => void;
  /** Milliseconds between controller ticks; 0 stops the timer (tests then call `store.tick()`). */
  tickMs?: number;
  /** Serve an existing store instead of a fresh one. */
  store?: ClusterStore;
  /** Serve HTTPS and require a client certificate signed by `ca` or one of `tokens` (plain HTTP, anyone, unless given). */
  tls?: SandboxTls;
}

export interface SandboxTls {
  /** The server's certificate and key (PEM). */
  cert: string | Buffer;
  key: string | Buffer;
  /** The CA (PEM) that client certificates must be signed by. */
  ca: string | Buffer;
  /** Bearer tokens the server accepts. */
  tokens?: string[];
}

/** Who may talk to a TLS sandbox: a verified client certificate or a known bearer token, as the real server's authenticators. */
function authenticated(req: IncomingMessage, tls: SandboxTls): boolean {
  if ((req.socket as TLSSocket).authorized) return true;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
  return bearer !== undefined && (tls.tokens ?? []).includes(bearer);
}

/** What the real API server answers an unauthenticated request with (kubectl: "You must be logged in to the server (Unauthorized)"). */
const UNAUTHORIZED = JSON.stringify(statusObject(401, "Unauthorized", "Unauthorized"));

async function dispatch(req: IncomingMessage, res: ServerResponse, store: ClusterStore, streams: StreamRegistry, address: string): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const doc = req.method === "GET" ? (discoveryDocument(url.pathname, address) ?? openApiDocument(url.pathname.replace(/\/+$/, ""))) : undefined;
  if (doc !== undefined) return sendJson(res, 200, doc);
  if (["/healthz", "/livez", "/readyz"].includes(url.pathname)) {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end("ok");
    return;
  }
  const route = parseResourcePath(url.pathname);
  if (!route) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
  const watch = route.watchPath || isTrue(url.searchParams.get("watch"));
  if (route.namespace === FORBIDDEN_NAMESPACE) {
    const resource = route.subresource ? `${route.info.name}/${route.subresource}` : route.info.name;
    throw forbidden(resource, route.info.group, verbOf(req.method ?? "GET", route, watch), route.namespace, route.name, SANDBOX_USER);
  }
  await handleResource({ store, route, query: url.searchParams, req, res, table: wantsTable(req.headers.accept), streams });
}

/** Start the simulated API server; resolves once it listens. */
export async function startKubeSandbox(opts: KubeSandboxOptions = {}): Promise<KubeSandbox> {
  const store = opts.store ?? new ClusterStore();
  opts.seed?.(store);
  const streams: StreamRegistry = new Set();
  let address = "127.0.0.1:0";
  const tls = opts.tls;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (tls && !PUBLIC_PATHS.includes(new URL(req.url ?? "/", "http://127.0.0.1").pathname) && !authenticated(req, tls)) {
      res.writeHead(401, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(UNAUTHORIZED) });
      res.end(UNAUTHORIZED);
      return;
    }
    dispatch(req, res, store, streams, address).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy(error instanceof Error ? error : undefined);
        return;
      }
      if (error instanceof ApiError) sendError(res, error);
      else sendJson(res, 500, statusObject(500, "InternalError", `Internal error occurred: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
    });
  };
  // requestCert without rejectUnauthorized: a client with a token and no certificate must get through the handshake.
  const server = tls ? createTlsServer({ cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: false }, handler) : createServer(handler);
  // kubectl exec upgrades to a WebSocket; every other upgrade is refused as the real server does.
  server.on("upgrade", (req: IncomingMessage, socket: Duplex) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (tls && !authenticated(req, tls)) {
      socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(UNAUTHORIZED)}\r\nConnection: close\r\n\r\n${UNAUTHORIZED}`);
      return;
    }
    if (!isExecPath(url.pathname)) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    if (url.pathname.startsWith(`/api/v1/namespaces/${FORBIDDEN_NAMESPACE}/`)) {
      const body = JSON.stringify(forbidden("pods/exec", "", "create", FORBIDDEN_NAMESPACE, url.pathname.split("/")[6], SANDBOX_USER).toStatus());
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    serveExec(store, store.execHandlers, req, socket, streams);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `${tls ? "https" : "http"}://${address}`;
  const tickMs = opts.tickMs ?? DEFAULT_TICK_MS;
  const timer = tickMs > 0 ? setInterval(() => store.tick(), tickMs) : undefined;
  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    store,
    writeKubeconfig: (dir, kubeconfigOpts) => writeKubeconfigFile(dir, url, { ...(tls ? { ca: tls.ca.toString(), token: tls.tokens?.[0] } : {}), ...kubeconfigOpts }),
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        if (timer) clearInterval(timer);
        for (const close of [...streams]) close();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

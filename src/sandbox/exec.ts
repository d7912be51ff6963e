/**
 * `kubectl exec` into a simulated pod: the pods/exec upgrade on the v5/v4 channel protocols, and
 * what a command "inside" the container answers. Scenarios answer commands their world knows
 * (`store.onExec`); otherwise curl against localhost answers as the container's readiness does,
 * curl to another deployment by name answers as that deployment's pods do, and anything else is
 * an executable the image does not have.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import type { StreamRegistry } from "./context.js";
import { ApiError, notFound } from "./errors.js";
import type { ClusterStore } from "./store.js";
import type { Pod } from "./types.js";
import { acceptWebSocket } from "./websocket.js";

export interface ExecRequest {
  pod: Pod;
  container: string;
  command: string[];
}

export interface ExecResult {
  stdout?: string;
  stderr?: string;
  exitCode: number;
}

/**
 * A scenario's answer to a command, or undefined to leave it to the next handler (and the default).
 * A promise answers later: a health endpoint that hangs is one that never settles.
 */
export type ExecHandler = (req: ExecRequest) => ExecResult | Promise<ExecResult> | undefined;

const PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"];
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;

/**
 * How long a command takes to start before its first byte. kubectl 1.32 reads the socket before it
 * has made its stdout, stderr and error streams, and drops a message for a stream it has not made
 * yet ("Unknown stream id 1, discarding message"; client-go waits for them from 1.33). A container
 * runtime takes this long to start a process anyway; answering in the same tick as the handshake
 * lost the output, or the exit status, about once in a full test run under load.
 */
const EXEC_START_MS = 40;

const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec\/?$/;

/** Whether a request URL is a pod's exec subresource. */
export function isExecPath(pathname: string): boolean {
  return EXEC_PATH.test(pathname);
}

function ready(pod: Pod, container: string): boolean {
  return pod.status.containerStatuses?.find((s) => s.name === container)?.ready === true;
}

/** curl as the container would run it: the health of whatever the URL's host is in the simulated cluster. */
function curl(store: ClusterStore, req: ExecRequest): ExecResult {
  const target = req.command.slice(1).find((a) => /^https?:\/\//.test(a));
  if (!target) return { stderr: "curl: no URL specified!\ncurl: try 'curl --help' for more information\n", exitCode: 2 };
  const url = new URL(target);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const fail = req.command.includes("-f") || req.command.includes("--fail") || req.command.some((a) => /^-[a-zA-Z]*f[a-zA-Z]*$/.test(a));
  const refused = { stderr: `curl: (7) Failed to connect to ${url.hostname} port ${port} after 0 ms: Couldn't connect to server\n`, exitCode: 7 };
  const ok = { stdout: `{"status":"ok","pod":"${req.pod.metadata.name}"}\n`, exitCode: 0 };
  if (url.hostname === "localhost" || url.hostname === "127.0.0.1") {
    if (ready(req.pod, req.container)) return ok;
    // Up but not ready: the health handler answers, with an error.
    const running = req.pod.status.containerStatuses?.find((s) => s.name === req.container)?.state.running;
    if (!running) return refused;
    return fail ? { stderr: "curl: (22) The requested URL returned error: 503\n", exitCode: 22 } : { stdout: '{"status":"unavailable"}\n', exitCode: 0 };
  }
  const service = url.hostname.split(".")[0] ?? "";
  const namespace = req.pod.metadata.namespace ?? "default";
  if (!store.peek("deployments", namespace, service)) return { stderr: `curl: (6) Could not resolve host: ${url.hostname}\n`, exitCode: 6 };
  const up = store.podsOf(namespace, service).some((p) => !p.metadata.deletionTimestamp && p.spec.containers.every((c) => ready(p, c.name)));
  return up ? { stdout: `{"status":"ok","service":"${service}"}\n`, exitCode: 0 } : refused;
}

/** What the command answers: the scenario's handlers first, then the defaults. */
export function runExec(store: ClusterStore, handlers: Iterable<ExecHandler>, req: ExecRequest): ExecResult | Promise<ExecResult> {
  for (const handler of handlers) {
    const result = handler(req);
    if (result) return result;
  }
  const program = req.command[0] ?? "";
  if (program === "curl") return curl(store, req);
  if (program === "true") return { exitCode: 0 };
  return {
    stderr: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${program}": executable file not found in $PATH: unknown\n`,
    exitCode: 126,
  };
}

function status(exitCode: number): string {
  if (exitCode === 0) return JSON.stringify({ metadata: {}, status: "Success" });
  return JSON.stringify({
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [...], exit code ${exitCode}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(exitCode) }] },
  });
}

function refuse(socket: Duplex, error: ApiError): void {
  const body = JSON.stringify(error.toStatus());
  socket.end(`HTTP/1.1 ${error.code} ${error.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Serve one pods/exec upgrade: resolve the pod and container, run the command, stream its output, close. */
export function serveExec(store: ClusterStore, handlers: Iterable<ExecHandler>, req: IncomingMessage, socket: Duplex, streams: StreamRegistry): void {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const [, namespace = "", name = ""] = EXEC_PATH.exec(url.pathname) ?? [];
  const pod = store.peek("pods", decodeURIComponent(namespace), decodeURIComponent(name));
  if (!pod) return refuse(socket, notFound("pods", decodeURIComponent(name)));
  const container = url.searchParams.get("container") ?? pod.spec.containers[0]?.name ?? "";
  const command = url.searchParams.getAll("command");
  if (!pod.spec.containers.some((c) => c.name === container)) {
    return refuse(socket, new ApiError(400, "BadRequest", `container ${container} is not valid for pod ${pod.metadata.name}`));
  }
  if (!pod.status.containerStatuses?.find((s) => s.name === container)?.state.running) {
    return refuse(socket, new ApiError(400, "BadRequest", `unable to upgrade connection: container not found ("${container}")`));
  }
  const ws = acceptWebSocket(req, socket, PROTOCOLS);
  if (!ws) return;
  const end = () => socket.destroy();
  streams.add(end);
  socket.once("close", () => streams.delete(end));
  const answer = (result: ExecResult): void => {
    if (socket.destroyed) return;
    if (result.stdout && url.searchParams.get("stdout") !== "false") ws.send(STDOUT, result.stdout);
    if (result.stderr && url.searchParams.get("stderr") !== "false") ws.send(STDERR, result.stderr);
    ws.send(ERROR, status(result.exitCode));
    ws.close();
  };
  // A scenario's handler that throws or rejects is its bug: the command fails and says why.
  // Called inside then(): a handler that throws at once lands in the same catch as one that rejects.
  const result = Promise.resolve()
    .then(() => runExec(store, handlers, { pod, container, command }))
    .catch((e: unknown): ExecResult => ({ stderr: `drill exec handler failed: ${e instanceof Error ? e.message : String(e)}\n`, exitCode: 1 }));
  void Promise.all([result, delay(EXEC_START_MS)]).then(([r]) => answer(r));
}

/**
 * Is the operator's cluster reachable? A bounded TCP connect to the API server of the chosen
 * context, so home can offer drills first on a machine with no cluster, without waiting on
 * kubectl (which can take 12 s to give up on a silent server).
 */
import { connect } from "node:net";
import type { ClusterReach } from "../ui/store.js";

/** The longest the probe waits for the API server to accept a connection. */
export const PROBE_TIMEOUT_MS = 1_500;

/** host and port of an API server URL (https → 443, http → 80 when not given). */
export function serverAddress(server: string): { host: string; port: number } | undefined {
  try {
    const url = new URL(server);
    const port = url.port ? Number(url.port) : url.protocol === "http:" ? 80 : 443;
    return { host: url.hostname.replace(/^\[|\]$/g, ""), port };
  } catch {
    return undefined;
  }
}

/** Connect and hang up; the reason in words when it does not connect within `timeoutMs`. */
export function probeServer(server: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ClusterReach> {
  const address = serverAddress(server);
  if (!address) return Promise.resolve({ state: "unreachable", reason: `the kubeconfig's server "${server}" is not a URL` });
  const at = `${address.host}:${address.port}`;
  return new Promise((resolve) => {
    const socket = connect({ host: address.host, port: address.port });
    const finish = (reach: ClusterReach) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reach);
    };
    const timer = setTimeout(() => finish({ state: "unreachable", reason: `no answer from ${at} within ${timeoutMs / 1000}s` }), timeoutMs);
    socket.once("connect", () => finish({ state: "reachable" }));
    socket.once("error", (e: NodeJS.ErrnoException) => {
      const reason = e.code === "ECONNREFUSED" ? `connection refused at ${at}` : e.code === "ENOTFOUND" ? `cannot resolve ${address.host}` : `${e.code ?? e.message} at ${at}`;
      finish({ state: "unreachable", reason });
    });
  });
}

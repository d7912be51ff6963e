/** Kubeconfigs for tests that point at servers other than the sandbox (closed ports, silent servers). */
import { writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";

export function writeKubeconfig(dir: string, server: string, opts: { context?: string; namespace?: string } = {}): string {
  const context = opts.context ?? "test";
  const file = path.join(dir, `kubeconfig-${context}`);
  writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      `current-context: ${context}`,
      "clusters:",
      `  - name: ${context}`,
      `    cluster: { server: "${server}", insecure-skip-tls-verify: true }`,
      "users:",
      "  - name: tester",
      "    user: { token: test-token }",
      "contexts:",
      `  - name: ${context}`,
      `    context: { cluster: ${context}, user: tester, namespace: ${opts.namespace ?? "default"} }`,
      "",
    ].join("\n"),
  );
  return file;
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** A server that accepts connections and never answers: the worst kind of API server. */
export async function silentServer(): Promise<{ port: number; connections(): number; accepted(): number; close(): Promise<void> }> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  const s: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    // Read (and drop) what the client sends, so its hang-up is seen as one.
    socket.resume();
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return {
    port: (s.address() as AddressInfo).port,
    /** Connections still open: a client that gave up closes its own. */
    connections: () => sockets.size,
    accepted: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => s.close(resolve));
    },
  };
}

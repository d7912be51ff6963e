/** The start-up reachability probe against real sockets: refused, listening, silent, not a URL. */
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { probeServer, serverAddress } from "../../src/commands/cluster-probe.js";
import { closedPort, silentServer } from "../helpers/kube.js";

describe("probeServer", () => {
  it("says connection refused, with the address, when nothing listens", async () => {
    const port = await closedPort();
    expect(await probeServer(`https://127.0.0.1:${port}`)).toEqual({ state: "unreachable", reason: `connection refused at 127.0.0.1:${port}` });
  });

  it("is reachable when the server accepts, even one that never answers (kubectl finds out the rest)", async () => {
    const silent = await silentServer();
    try {
      expect(await probeServer(`https://127.0.0.1:${silent.port}`)).toEqual({ state: "reachable" });
    } finally {
      await silent.close();
    }
    const server = createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      expect(await probeServer(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)).toEqual({ state: "reachable" });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a server that is not a URL, and default ports by scheme", async () => {
    expect(await probeServer("not a url")).toEqual({ state: "unreachable", reason: 'the kubeconfig\'s server "not a url" is not a URL' });
    expect(serverAddress("https://kube.example.com")).toEqual({ host: "kube.example.com", port: 443 });
    expect(serverAddress("http://[::1]:8080")).toEqual({ host: "::1", port: 8080 });
  });
});

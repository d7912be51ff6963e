/** A forward HTTP proxy stand-in on 127.0.0.1: keeps what it was asked for and passes it on. */
import { createServer, request } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";

export interface ProxyStub {
  url: string;
  /** "METHOD absolute-url" of every request it forwarded; "CONNECT host:port" of every tunnel it opened. */
  seen: string[];
  stop(): Promise<void>;
}

export async function startProxy(): Promise<ProxyStub> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const upstream = request(req.url ?? "", { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end("proxy: upstream unreachable"));
    req.pipe(upstream);
  });
  // HTTPS goes through a CONNECT tunnel (kubectl's and client-node's proxy-url do this).
  const tunnels = new Set<Socket>();
  server.on("connect", (req, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host ?? "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      tunnels.add(s);
      s.on("close", () => tunnels.delete(s));
    }
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stop: async () => {
      for (const s of tunnels) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

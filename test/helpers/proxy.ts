/** A forward HTTP proxy stand-in on 127.0.0.1: keeps what it was asked for and passes it on. */
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxyStub {
  url: string;
  /** "METHOD absolute-url" of every request it forwarded. */
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

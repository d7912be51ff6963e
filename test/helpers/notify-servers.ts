/**
 * Local stand-ins for the notification providers, on 127.0.0.1: an HTTP server that keeps every
 * request and answers each path as the test says (Slack, PagerDuty, GitHub, a webhook), and a
 * real SMTP server (smtp-server) that keeps every mail it receives. Both are stopped by the test.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  json: unknown;
}

export type Responder = (req: Received, res: ServerResponse) => void;

/** Documented answers: Slack "ok", PagerDuty 202 with the dedup key, GitHub 201 with the issue. */
export const answers = {
  slack: ((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok")) as Responder,
  pagerduty: ((req, res) => res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ status: "success", message: "Event processed", dedup_key: (req.json as { dedup_key?: string }).dedup_key }))) as Responder,
  github: ((req, res) => {
    const repo = /^\/repos\/([^/]+\/[^/]+)\/issues$/.exec(req.path)?.[1] ?? "x/y";
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ number: 7, html_url: `https://github.com/${repo}/issues/7`, title: (req.json as { title?: string }).title }));
  }) as Responder,
  webhook: ((_req, res) => res.writeHead(204).end()) as Responder,
  fail500: ((_req, res) => res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ message: "upstream exploded" }))) as Responder,
  /** Accepts and never answers: for per-attempt timeouts. */
  silent: (() => undefined) as Responder,
};

export interface HttpStub {
  url: string;
  requests: Received[];
  on(path: string, responder: Responder): void;
  stop(): Promise<void>;
}

export async function startHttpStub(): Promise<HttpStub> {
  const routes = new Map<string, Responder>();
  const requests: Received[] = [];
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const received: Received = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json };
      requests.push(received);
      open.add(res);
      res.on("close", () => open.delete(res));
      const route = routes.get(received.path);
      if (route) route(received, res);
      else res.writeHead(404).end("not found");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on: (path, responder) => routes.set(path, responder),
    stop: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Mail {
  from: string;
  to: string[];
  data: string;
}

export interface SmtpStub {
  url: string;
  mails: Mail[];
  stop(): Promise<void>;
}

/** A real SMTP server (no auth, no TLS) that keeps every message whole. */
export async function startSmtpStub(): Promise<SmtpStub> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, mails, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

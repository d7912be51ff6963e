/**
 * A drill's notification inbox: where a drill's notify steps and escalation pages go instead of
 * the operator's real Slack, PagerDuty, GitHub, mail server or webhook. HTTP channels post to one
 * server (any path answers like the provider would); email speaks just enough SMTP for a client
 * to hand a message over. Both listen on 127.0.0.1 and keep what they received, so practice never
 * pages anybody and the operator still sees every notification go out for real.
 */
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from "node:net";

export interface InboxMessage {
  /** "http" for the webhook-style channels (the path says which), "smtp" for email. */
  via: "http" | "smtp";
  path: string;
  body: string;
  at: string;
}

export interface NotifyInbox {
  /** Base URL of the HTTP inbox, e.g. http://127.0.0.1:41234 (channels post below it). */
  url: string;
  /** smtp://127.0.0.1:PORT */
  smtpUrl: string;
  received: InboxMessage[];
  stop(): Promise<void>;
}

/** Bodies past this are cut: an inbox for practice, not a store. */
const MAX_BODY = 256 * 1024;

function listen(server: Server | TcpServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** What each provider answers on success, so clients that read the answer find what they expect. */
function answerFor(path: string): { status: number; type: string; body: string } {
  if (path.includes("/v2/enqueue")) return { status: 202, type: "application/json", body: JSON.stringify({ status: "success", message: "Event processed", dedup_key: "drill" }) };
  if (/\/repos\/[^/]+\/[^/]+\/issues$/.test(path)) return { status: 201, type: "application/json", body: JSON.stringify({ number: 1, html_url: "http://127.0.0.1/drill/issues/1" }) };
  if (path.startsWith("/slack")) return { status: 200, type: "text/plain", body: "ok" };
  return { status: 200, type: "application/json", body: "{}" };
}

/** One SMTP conversation: greet, accept one or more messages, end on QUIT. */
function smtpSession(socket: Socket, received: InboxMessage[]): void {
  let buffer = "";
  let data: string[] | undefined;
  const say = (line: string) => socket.write(`${line}\r\n`);
  say("220 handrail-drill ESMTP");
  socket.setEncoding("utf8");
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    let at: number;
    while ((at = buffer.indexOf("\r\n")) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      if (data) {
        if (line === ".") {
          received.push({ via: "smtp", path: "smtp", body: data.join("\n").slice(0, MAX_BODY), at: new Date().toISOString() });
          data = undefined;
          say("250 2.0.0 queued in the drill inbox");
        } else data.push(line.startsWith("..") ? line.slice(1) : line);
        continue;
      }
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === "EHLO" || verb === "HELO") say("250 handrail-drill");
      else if (verb === "MAIL" || verb === "RCPT" || verb === "RSET" || verb === "NOOP") say("250 2.0.0 OK");
      else if (verb === "DATA") {
        data = [];
        say("354 end data with <CR><LF>.<CR><LF>");
      } else if (verb === "QUIT") {
        say("221 2.0.0 bye");
        socket.end();
      } else say("502 5.5.2 not implemented in the drill inbox");
    }
  });
}

/** Start the inbox; every server is closed by stop(). */
export async function startNotifyInbox(): Promise<NotifyInbox> {
  const received: InboxMessage[] = [];
  const http = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      received.push({ via: "http", path, body: Buffer.concat(chunks).toString("utf8"), at: new Date().toISOString() });
      const a = answerFor(path);
      res.writeHead(a.status, { "Content-Type": a.type });
      res.end(a.body);
    });
  });
  const sockets = new Set<Socket>();
  const smtp = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    smtpSession(socket, received);
  });
  const httpPort = await listen(http);
  let smtpPort: number;
  try {
    smtpPort = await listen(smtp);
  } catch (e) {
    http.close();
    throw e;
  }
  return {
    url: `http://127.0.0.1:${httpPort}`,
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    received,
    stop: () =>
      Promise.all([
        new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        }),
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          smtp.close(() => resolve());
        }),
      ]).then(() => undefined),
  };
}

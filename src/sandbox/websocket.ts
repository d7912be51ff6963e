/**
 * The server half of a WebSocket, only as much as `kubectl exec` needs (RFC 6455): the opening
 * handshake with a channel subprotocol, unmasked binary frames out, a close frame. What the client
 * sends (pings, its own close, stdin it was not asked for) is read and answered or dropped.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export interface ServerSocket {
  /** The subprotocol agreed on, e.g. "v5.channel.k8s.io". */
  protocol: string;
  /** One binary message: the channel byte, then the data. */
  send(channel: number, data: string | Buffer): void;
  /** A close frame (1000, normal) and the end of the connection. */
  close(): void;
}

function frame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (n >= 126 && n < 65_536) {
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(n, 2);
  } else if (n >= 65_536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}

/** Parse the client's (masked) frames as they come; calls back with each opcode and payload. */
function reader(onFrame: (opcode: number, payload: Buffer) => void): (chunk: Buffer) => void {
  let buffered = Buffer.alloc(0);
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (buffered.length < 2) return;
      const opcode = (buffered[0] ?? 0) & 0x0f;
      const masked = ((buffered[1] ?? 0) & 0x80) !== 0;
      let len = (buffered[1] ?? 0) & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (buffered.length < 4) return;
        len = buffered.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (buffered.length < 10) return;
        len = Number(buffered.readBigUInt64BE(2));
        offset = 10;
      }
      const mask = masked ? buffered.subarray(offset, offset + 4) : undefined;
      offset += masked ? 4 : 0;
      if (buffered.length < offset + len) return;
      const payload = Buffer.from(buffered.subarray(offset, offset + len));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
      buffered = buffered.subarray(offset + len);
      onFrame(opcode, payload);
    }
  };
}

/**
 * Complete the handshake, preferring the first of `protocols` the client offers; undefined (and a
 * 400 written) when the request is not a WebSocket upgrade or offers none of them.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, protocols: readonly string[]): ServerSocket | undefined {
  const key = req.headers["sec-websocket-key"];
  const offered = String(req.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
  const protocol = protocols.find((p) => offered.includes(p));
  if (typeof key !== "string" || req.headers.upgrade?.toLowerCase() !== "websocket" || !protocol) {
    socket.end("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nunsupported upgrade: expected a WebSocket with a channel.k8s.io subprotocol\n");
    return undefined;
  }
  const accept = createHash("sha1").update(key + GUID).digest("base64");
  socket.write(["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Accept: ${accept}`, `Sec-WebSocket-Protocol: ${protocol}`, "", ""].join("\r\n"));
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    socket.write(frame(0x8, Buffer.from([0x03, 0xe8])));
    socket.end();
  };
  socket.on(
    "data",
    reader((opcode, payload) => {
      if (opcode === 0x9 && !closed) socket.write(frame(0xa, payload));
      else if (opcode === 0x8) close();
    }),
  );
  socket.on("error", () => socket.destroy());
  return {
    protocol,
    send: (channel, data) => {
      if (!closed) socket.write(frame(0x2, Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)])));
    },
    close,
  };
}

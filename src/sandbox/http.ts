/** Small HTTP helpers for the API server: JSON replies, Status errors, request bodies, content negotiation. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, badRequest } from "./errors.js";

export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-cache, private" });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.code, error.toStatus());
}

/** The request body as JSON (undefined when empty); 400 when it is not JSON, 413 when too large. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, "RequestEntityTooLarge", "the request body is too large");
    chunks.push(chunk);
  }
  const type = (req.headers["content-type"] ?? "application/json").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!type.endsWith("json")) {
    // Protobuf (kubectl's typed clients) is not spoken here; 415 tells client-go to retry with JSON.
    throw new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json`);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`the request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Whether the client asked for a server-side Table (what `kubectl get` does for its columns). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((range) => {
    const params = range.split(";").map((p) => p.trim());
    return params.includes("as=Table") && params.includes("g=meta.k8s.io");
  });
}

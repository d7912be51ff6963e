/** What every request handler gets: the store, the parsed route and query, and the open-stream registry. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ResourceRoute } from "./routes.js";
import type { ClusterStore } from "./store.js";
import type { IncludeObject } from "./tables.js";

/** Open streams (watches, followed logs), closed when the server stops. */
export type StreamRegistry = Set<() => void>;

export interface RequestContext {
  store: ClusterStore;
  route: ResourceRoute;
  query: URLSearchParams;
  req: IncomingMessage;
  res: ServerResponse;
  /** The client asked for a meta.k8s.io Table (kubectl get). */
  table: boolean;
  streams: StreamRegistry;
}

export function isTrue(value: string | null): boolean {
  return value === "true" || value === "1";
}

export function includeObject(query: URLSearchParams): IncludeObject {
  const value = query.get("includeObject");
  return value === "None" || value === "Object" ? value : "Metadata";
}

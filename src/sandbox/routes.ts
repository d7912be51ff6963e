/** Resource URLs (`/api/v1/namespaces/NS/pods/NAME/log`, `/apis/apps/v1/deployments`) taken apart. */
import { findResource, type ResourceInfo } from "./resources.js";

export interface ResourceRoute {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The old `/api/v1/watch/...` form, which means watch=true. */
  watchPath: boolean;
}

export function parseResourcePath(pathname: string): ResourceRoute | undefined {
  const segs = pathname.split("/").filter((s) => s !== "").map((s) => decodeURIComponent(s));
  let group: string;
  let rest: string[];
  if (segs[0] === "api" && segs[1] === "v1") {
    group = "";
    rest = segs.slice(2);
  } else if (segs[0] === "apis" && segs[2] === "v1" && segs[1] !== undefined) {
    group = segs[1];
    rest = segs.slice(3);
  } else return undefined;
  const watchPath = rest[0] === "watch";
  if (watchPath) rest = rest.slice(1);
  let namespace: string | undefined;
  // `namespaces/NS/<resource>...` scopes a namespaced resource; `namespaces/NS[/status]` is the namespace itself.
  if (rest[0] === "namespaces" && rest.length >= 3 && !(rest.length === 3 && (rest[2] === "status" || rest[2] === "finalize"))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return undefined;
  const info = findResource(group, rest[0] ?? "");
  if (!info || (namespace !== undefined && !info.namespaced)) return undefined;
  const [, name, subresource] = rest;
  if (subresource !== undefined && !(subresource in info.subresources)) return undefined;
  return { info, watchPath, ...(namespace !== undefined ? { namespace } : {}), ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}) };
}

/** The RBAC verb a request needs, as the authorizer names it. */
export function verbOf(method: string, route: ResourceRoute, watch: boolean): string {
  switch (method) {
    case "GET":
    case "HEAD":
      return watch ? "watch" : route.name ? "get" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return route.name ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}

/**
 * Just enough OpenAPI v3 for kubectl's create -f / apply -f: each resource's PATCH operation
 * declares the `fieldValidation` query parameter, which tells kubectl the server validates, so it
 * skips client-side schema validation (for which it would need the full schemas). Everything else
 * (kubectl explain) is out of scope.
 */
import { RESOURCES, type ResourceInfo } from "./resources.js";

function gvPath(info: ResourceInfo): string {
  return info.group ? `apis/${info.group}/${info.version}` : `api/${info.version}`;
}

function groupVersionDoc(gv: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const info of Object.values(RESOURCES).filter((r) => gvPath(r) === gv)) {
    const scope = info.namespaced ? "/namespaces/{namespace}" : "";
    paths[`/${gv}${scope}/${info.name}/{name}`] = {
      patch: {
        operationId: `patch${info.kind}`,
        "x-kubernetes-group-version-kind": { group: info.group, version: info.version, kind: info.kind },
        parameters: [{ name: "fieldValidation", in: "query", schema: { type: "string", uniqueItems: true } }],
        responses: { "200": { description: "OK" } },
      },
    };
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.32.0" }, paths };
}

/** The OpenAPI v3 document for a path under /openapi/v3, or undefined. */
export function openApiDocument(path: string): unknown {
  const gvs = [...new Set(Object.values(RESOURCES).map(gvPath))];
  if (path === "/openapi/v3") {
    return { paths: Object.fromEntries(gvs.map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}` }])) };
  }
  const gv = path.replace(/^\/openapi\/v3\//, "");
  return path.startsWith("/openapi/v3/") && gvs.includes(gv) ? groupVersionDoc(gv) : undefined;
}

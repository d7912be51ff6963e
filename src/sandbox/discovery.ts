/**
 * Legacy (unaggregated) discovery documents. kubectl 1.32 first asks for aggregated discovery;
 * answering with plain `application/json` makes it fall back to these, which is all it needs.
 */
import { apiVersionOf, resourcesIn, type ResourceInfo } from "./resources.js";

export const SERVER_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.0-handrail-sandbox",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2024-12-11T00:00:00Z",
  goVersion: "go1.23.3",
  compiler: "gc",
  platform: "linux/amd64",
};

const GROUPS = [{ name: "apps", version: "v1" }];

function apiGroup(name: string, version: string): Record<string, unknown> {
  const gv = { groupVersion: `${name}/${version}`, version };
  return { name, versions: [gv], preferredVersion: gv };
}

function resourceEntries(info: ResourceInfo): Record<string, unknown>[] {
  const main = {
    name: info.name,
    singularName: info.singular,
    namespaced: info.namespaced,
    kind: info.kind,
    verbs: info.verbs,
    ...(info.shortNames.length ? { shortNames: info.shortNames } : {}),
    ...(info.categories.length ? { categories: info.categories } : {}),
  };
  const subs = Object.entries(info.subresources).map(([sub, s]) => ({
    name: `${info.name}/${sub}`,
    singularName: "",
    namespaced: info.namespaced,
    ...(s.group !== info.group ? { group: s.group, version: s.version } : {}),
    kind: s.kind,
    verbs: s.verbs,
  }));
  return [main, ...subs];
}

/** The discovery document for a path, or undefined when the path is not a discovery path. */
export function discoveryDocument(path: string, serverAddress: string): unknown {
  const trimmed = path.replace(/\/+$/, "") || "/";
  if (trimmed === "/version") return SERVER_VERSION;
  if (trimmed === "/api") {
    return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
  }
  if (trimmed === "/apis") return { kind: "APIGroupList", apiVersion: "v1", groups: GROUPS.map((g) => apiGroup(g.name, g.version)) };
  if (trimmed === "/api/v1") {
    return { kind: "APIResourceList", groupVersion: "v1", resources: resourcesIn("").flatMap(resourceEntries) };
  }
  for (const g of GROUPS) {
    if (trimmed === `/apis/${g.name}`) return { kind: "APIGroup", apiVersion: "v1", ...apiGroup(g.name, g.version) };
    if (trimmed === `/apis/${g.name}/${g.version}`) {
      const infos = resourcesIn(g.name);
      return { kind: "APIResourceList", apiVersion: "v1", groupVersion: infos[0] ? apiVersionOf(infos[0]) : `${g.name}/${g.version}`, resources: infos.flatMap(resourceEntries) };
    }
  }
  return undefined;
}

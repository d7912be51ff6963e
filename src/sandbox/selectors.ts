/** Label and field selectors, with the grammar and error messages of the real API server. */
import { badRequest } from "./errors.js";
import type { KubeObject, LabelSelector, ResourceName, StringMap } from "./types.js";

export type Requirement =
  | { key: string; op: "=" | "!="; values: [string] }
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!exists"; values: [] };

export type Selector = Requirement[];

/** Split on commas that are not inside `(…)`, so `env in (a,b),app=x` is two requirements. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms.map((t) => t.trim()).filter((t) => t !== "");
}

const SET_TERM = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/;
const EQ_TERM = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/;
const KEY_TERM = /^(!?)\s*([^\s!=()]+)$/;

export function parseLabelSelector(text: string | null | undefined): Selector {
  if (!text) return [];
  return splitTerms(text).map((term) => {
    const set = SET_TERM.exec(term);
    if (set) {
      const values = (set[3] ?? "").split(",").map((v) => v.trim()).filter((v) => v !== "");
      return { key: set[1] ?? "", op: set[2] as "in" | "notin", values };
    }
    const eq = EQ_TERM.exec(term);
    if (eq) return { key: eq[1] ?? "", op: eq[2] === "!=" ? "!=" : "=", values: [eq[3] ?? ""] };
    const key = KEY_TERM.exec(term);
    if (key) return { key: key[2] ?? "", op: key[1] ? "!exists" : "exists", values: [] };
    throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
  });
}

export function matchesLabels(selector: Selector, labels: StringMap | undefined): boolean {
  const have = labels ?? {};
  return selector.every((req) => {
    const value = Object.hasOwn(have, req.key) ? have[req.key] : undefined;
    switch (req.op) {
      case "=":
        return value === req.values[0];
      case "!=":
        return value !== req.values[0];
      case "in":
        return value !== undefined && req.values.includes(value);
      case "notin":
        return value === undefined || !req.values.includes(value);
      case "exists":
        return value !== undefined;
      case "!exists":
        return value === undefined;
    }
  });
}

/** A Deployment's or ReplicaSet's `spec.selector` as a selector, and as the string kubectl shows. */
export function fromLabelSelector(selector: LabelSelector | undefined): Selector {
  const reqs: Selector = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) reqs.push({ key, op: "=", values: [value] });
  for (const e of selector?.matchExpressions ?? []) {
    if (e.operator === "In") reqs.push({ key: e.key, op: "in", values: e.values ?? [] });
    else if (e.operator === "NotIn") reqs.push({ key: e.key, op: "notin", values: e.values ?? [] });
    else if (e.operator === "Exists") reqs.push({ key: e.key, op: "exists", values: [] });
    else reqs.push({ key: e.key, op: "!exists", values: [] });
  }
  return reqs;
}

export function selectorToString(selector: Selector): string {
  return selector
    .map((r) => {
      if (r.op === "exists") return r.key;
      if (r.op === "!exists") return `!${r.key}`;
      if (r.op === "in" || r.op === "notin") return `${r.key} ${r.op} (${[...r.values].sort().join(",")})`;
      return `${r.key}${r.op}${r.values[0]}`;
    })
    .join(",");
}

export interface FieldRequirement {
  path: string;
  op: "=" | "!=";
  value: string;
}

/** Fields each resource can be selected on (the real server refuses the rest). */
const FIELDS: Record<ResourceName, string[]> = {
  namespaces: ["status.phase"],
  pods: ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP", "status.nominatedNodeName"],
  events: [
    "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
    "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
  ],
  deployments: [],
  replicasets: ["status.replicas"],
  services: ["spec.clusterIP", "spec.type"],
  configmaps: [],
};

/** Field paths whose value lives somewhere other than the dotted path. */
const FIELD_ALIASES: Record<string, string> = { source: "source.component" };

export function parseFieldSelector(text: string | null | undefined, resource: ResourceName): FieldRequirement[] {
  if (!text) return [];
  return splitTerms(text).map((term) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const path = m[1] ?? "";
    if (path !== "metadata.name" && path !== "metadata.namespace" && !FIELDS[resource].includes(path)) {
      throw badRequest(`field label not supported: ${path}`);
    }
    return { path, op: m[2] === "!=" ? "!=" : "=", value: m[3] ?? "" };
  });
}

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const part of (FIELD_ALIASES[path] ?? path).split(".")) {
    if (cur === null || typeof cur !== "object") return "";
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? "" : String(cur);
}

export function matchesFields(reqs: FieldRequirement[], obj: KubeObject): boolean {
  return reqs.every((r) => (fieldValue(obj, r.path) === r.value) === (r.op === "="));
}

/** Both selectors of a list or watch request, ready to test objects against. */
export interface ObjectFilter {
  labels: Selector;
  fields: FieldRequirement[];
}

export function matchesFilter(filter: ObjectFilter, obj: KubeObject): boolean {
  return matchesLabels(filter.labels, obj.metadata.labels) && matchesFields(filter.fields, obj);
}

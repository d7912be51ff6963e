/**
 * The three PATCH content types kubectl sends: JSON merge patch (RFC 7386), a small strategic
 * merge patch (merge patch plus list merge keys and `$` directives, which `kubectl set image`
 * produces), and JSON Patch (RFC 6902, which `kubectl rollout undo` produces).
 */
import { ApiError, badRequest } from "./errors.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const PATCH_TYPES = {
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  json: "application/json-patch+json",
} as const;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unprocessable(message: string): ApiError {
  return new ApiError(422, "Invalid", message);
}

export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** List fields merged element by element, and the key that identifies an element (Kubernetes' patchMergeKey). */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  imagePullSecrets: "name",
  ports: "containerPort",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  conditions: "type",
  ownerReferences: "uid",
};

function mergeList(target: Json[], patch: Json[], mergeKey: string, order: Json[] | undefined): Json[] {
  const result = [...target];
  const keyOf = (item: Json): Json | undefined => (isObject(item) ? item[mergeKey] : undefined);
  for (const item of patch) {
    const key = keyOf(item);
    const index = key === undefined ? -1 : result.findIndex((existing) => keyOf(existing) === key);
    if (isObject(item) && item.$patch === "delete") {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMergePatch(result[index], item);
    } else {
      result.push(strategicMergePatch(undefined, item));
    }
  }
  if (!order) return result;
  // $setElementOrder lists every element's key in the order the client wants them.
  const rank = (item: Json): number => {
    const i = order.findIndex((o) => isObject(o) && o[mergeKey] === keyOf(item));
    return i < 0 ? order.length : i;
  };
  return result.map((item, i) => ({ item, i })).sort((a, b) => rank(a.item) - rank(b.item) || a.i - b.i).map((x) => x.item);
}

export function strategicMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch;
  if (patch.$patch === "replace") {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$setElementOrder/") || key === "$patch" || key === "$retainKeys") continue;
    if (key.startsWith("$deleteFromPrimitiveList/")) {
      const field = key.slice("$deleteFromPrimitiveList/".length);
      const list = result[field];
      if (Array.isArray(list) && Array.isArray(value)) result[field] = list.filter((v) => !value.includes(v));
      continue;
    }
    const current = result[key];
    const mergeKey = MERGE_KEYS[key];
    if (value === null) delete result[key];
    else if (Array.isArray(value) && Array.isArray(current) && mergeKey) {
      const order = patch[`$setElementOrder/${key}`];
      result[key] = mergeList(current, value, mergeKey, Array.isArray(order) ? order : undefined);
    } else result[key] = strategicMergePatch(current, value);
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

function parsePointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw unprocessable(`invalid JSON pointer: "${path}"`);
  return path.slice(1).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

interface Location {
  parent: Json[] | JsonObject;
  key: string;
}

function locate(doc: Json, path: string, op: string): Location {
  const parts = parsePointer(path);
  const last = parts.pop();
  if (last === undefined) throw unprocessable(`${op} operation on the whole document is not supported`);
  let cur: Json = doc;
  for (const part of parts) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(part)] : isObject(cur) ? cur[part] : undefined;
    if (next === undefined || next === null || typeof next !== "object") {
      throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}"`);
    }
    cur = next;
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}"`);
  return { parent: cur, key: last };
}

function arrayIndex(list: Json[], key: string, allowEnd: boolean, path: string): number {
  const index = key === "-" && allowEnd ? list.length : Number(key);
  if (!/^\d+$/.test(key) && key !== "-") throw unprocessable(`invalid array index "${key}" in "${path}"`);
  if (index < 0 || index > list.length || (!allowEnd && index === list.length)) throw unprocessable(`array index out of bounds in "${path}"`);
  return index;
}

function getAt(doc: Json, path: string, op: string): Json {
  const { parent, key } = locate(doc, path, op);
  const value = Array.isArray(parent) ? parent[arrayIndex(parent, key, false, path)] : parent[key];
  if (value === undefined) throw unprocessable(`${op} operation does not apply: doc is missing key: "${path}"`);
  return value;
}

function addAt(doc: Json, path: string, value: Json): void {
  const { parent, key } = locate(doc, path, "add");
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, path), 0, value);
  else parent[key] = value;
}

function removeAt(doc: Json, path: string, op: string): void {
  const { parent, key } = locate(doc, path, op);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false, path), 1);
  else if (Object.hasOwn(parent, key)) delete parent[key];
  else throw unprocessable(`${op} operation does not apply: doc is missing key: "${path}"`);
}

export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw badRequest("json patch must be an array of operations");
  const doc = structuredClone(target);
  for (const raw of ops) {
    if (!isObject(raw) || typeof raw.op !== "string" || typeof raw.path !== "string") throw badRequest("invalid json patch operation");
    const { op, path } = raw;
    const value = raw.value === undefined ? null : raw.value;
    switch (op) {
      case "add":
        addAt(doc, path, structuredClone(value));
        break;
      case "remove":
        removeAt(doc, path, "remove");
        break;
      case "replace": {
        // Lenient on a missing object key: `kubectl rollout undo` replaces /metadata/annotations,
        // which an object created without annotations does not have yet.
        const { parent, key } = locate(doc, path, "replace");
        if (Array.isArray(parent)) parent[arrayIndex(parent, key, false, path)] = structuredClone(value);
        else parent[key] = structuredClone(value);
        break;
      }
      case "test":
        if (!jsonEqual(getAt(doc, path, "test"), value)) throw unprocessable(`testing value ${path} failed: test failed`);
        break;
      case "move":
      case "copy": {
        if (typeof raw.from !== "string") throw badRequest(`${op} operation needs "from"`);
        const moved = structuredClone(getAt(doc, raw.from, op));
        if (op === "move") removeAt(doc, raw.from, op);
        addAt(doc, path, moved);
        break;
      }
      default:
        throw badRequest(`unexpected json patch operation "${op}"`);
    }
  }
  return doc;
}

/** Apply a PATCH body of the given content type; throws ApiError (400/415/422) when it cannot. */
export function applyPatch(contentType: string, target: Json, patch: Json): Json {
  const type = contentType.split(";")[0]?.trim().toLowerCase();
  if (type === PATCH_TYPES.json) return jsonPatch(target, patch);
  if (!isObject(patch)) throw badRequest("patch body must be a JSON object");
  if (type === PATCH_TYPES.merge) return mergePatch(structuredClone(target), patch);
  if (type === PATCH_TYPES.strategic) return strategicMergePatch(structuredClone(target), patch);
  throw new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: ${Object.values(PATCH_TYPES).join(", ")}`);
}

/**
 * API errors as the real server words them: kubectl prints `Error from server (Reason): message`,
 * and the executor's diagnoses match on those messages, so the wording matters.
 */
import { RESOURCES, qualifiedName } from "./resources.js";
import type { ResourceName } from "./types.js";

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The `Status` object the API returns for this error. */
  toStatus(): Record<string, unknown> {
    return statusObject(this.code, this.reason, this.message, this.details);
  }
}

export function statusObject(code: number, reason: string, message: string, details?: StatusDetails): Record<string, unknown> {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function detailsFor(resource: ResourceName, name: string): StatusDetails {
  const info = RESOURCES[resource];
  return { name, ...(info.group ? { group: info.group } : {}), kind: resource };
}

export function notFound(resource: ResourceName, name: string): ApiError {
  return new ApiError(404, "NotFound", `${qualifiedName(RESOURCES[resource])} "${name}" not found`, detailsFor(resource, name));
}

export function alreadyExists(resource: ResourceName, name: string): ApiError {
  return new ApiError(409, "AlreadyExists", `${qualifiedName(RESOURCES[resource])} "${name}" already exists`, detailsFor(resource, name));
}

export function conflict(resource: ResourceName, name: string): ApiError {
  return new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedName(RESOURCES[resource])} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    detailsFor(resource, name),
  );
}

export function invalid(resource: ResourceName, name: string, problem: string): ApiError {
  const info = RESOURCES[resource];
  const kind = info.group ? `${info.kind}.${info.group}` : info.kind;
  return new ApiError(422, "Invalid", `${kind} "${name}" is invalid: ${problem}`, detailsFor(resource, name));
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

/** The RBAC denial, word for word as the real authorizer phrases it. */
export function forbidden(resource: string, group: string, verb: string, namespace: string, name?: string, user = "sandbox"): ApiError {
  const base = resource.split("/")[0] ?? resource;
  const qualified = group ? `${base}.${group}` : base;
  const subject = name ? `${qualified} "${name}"` : qualified;
  return new ApiError(
    403,
    "Forbidden",
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}" in the namespace "${namespace}"`,
    { ...(name ? { name } : {}), ...(group ? { group } : {}), kind: base },
  );
}

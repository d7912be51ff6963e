/** What opening an incident records first: who opened it where, on which runbook, then each input given (a secret masked). Pure but for the host and user names. */
import { hostname } from "node:os";
import type { IncidentEventBody } from "./events.js";
import { safeUser } from "./identity.js";
import { outlineOf } from "./outline.js";
import { MASK } from "./redact.js";
import type { OpenOptions } from "./session-types.js";

declare const HANDRAIL_VERSION: string | undefined;

export function openingEvents(opts: OpenOptions, id: string, actor: string): IncidentEventBody[] {
  const version = typeof HANDRAIL_VERSION === "string" ? HANDRAIL_VERSION : "0.0.0-dev";
  const specs = opts.runbook.inputs ?? {};
  const opened: IncidentEventBody = {
    type: "incident.opened",
    incident: id,
    runbook: { id: opts.runbook.id, title: opts.runbook.title, ...(opts.source ? { file: opts.source.file, sha256: opts.source.sha256 } : {}) },
    severity: opts.severity,
    mode: opts.mode,
    ...(opts.scenario ? { scenario: opts.scenario } : {}),
    dryRun: opts.dryRun,
    ...(opts.kube ? { kube: opts.kube } : {}),
    user: safeUser(),
    host: hostname(),
    actor,
    outline: outlineOf(opts.runbook),
    version,
  };
  const inputs = Object.entries(opts.inputs).map(([name, value]): IncidentEventBody => {
    const secret = specs[name]?.type === "secret";
    return { type: "input.set", name, value: secret ? MASK : value, ...(secret ? { secret: true } : {}) };
  });
  return [opened, ...inputs];
}

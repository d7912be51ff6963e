/**
 * Whether an incident is production: a property of the incident, not only of the context name.
 * Production when the kube context matches the production pattern, or an input named
 * `environment` says production/prod, or the runbook's own `production:` condition holds. Pure.
 */
import { holds } from "../runbooks/conditions.js";
import type { IncidentState } from "./machine.js";

export interface ProductionVerdict {
  production: boolean;
  /** Why, in words for the header ("context prod-eu", "environment=production"). */
  why?: string;
}

export function productionOf(state: Pick<IncidentState, "runbook" | "inputs" | "severity">, kube: { context?: string; production: boolean }): ProductionVerdict {
  if (kube.production) return { production: true, why: `context ${kube.context ?? ""}`.trim() };
  const env = state.inputs.environment;
  if (typeof env === "string" && /^(production|prod)$/i.test(env)) return { production: true, why: `environment=${env}` };
  const rule = state.runbook.production;
  if (rule && holds(rule, { inputs: state.inputs, severity: state.severity })) return { production: true, why: "the runbook's production rule" };
  return { production: false };
}

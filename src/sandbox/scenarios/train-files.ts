/**
 * The files a release-train drill puts in its working directory, as the platform repository has
 * them: the train catalog, the upgrade policies, and the release monitoring and audit logs the
 * runbooks read (the scenario appends to the monitoring log as the train goes).
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface TrainFiles {
  train: string;
  version: string;
  participants: string[];
  /** participant → the participants it depends on */
  dependencies: Record<string, string[]>;
  status: string;
}

export const MONITORING_LOG = "analysis/reports/release_monitoring.log";
export const AUDIT_LOG = "analysis/reports/audit.log";

function write(dir: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}

/** catalog/release-trains.yaml with the drill's train, in the seed's format. */
export function catalogYaml(t: TrainFiles): string {
  const deps = t.participants.map((p) => `      ${p}: [${(t.dependencies[p] ?? []).join(", ")}]`).join("\n");
  return [
    "trains:",
    `  - name: ${t.train}`,
    `    target_version: "${t.version}"`,
    "    participants:",
    ...t.participants.map((p) => `      - ${p}`),
    "    dependencies:",
    "      - spec: curves-api >=2.0.0",
    "    participant_dependencies:",
    deps,
    "    gates:",
    "      - all_participants_quality >=80",
    "      - no_open_critical_vulns",
    "      - custom: performance_regression < 10%",
    "      - custom: security_scan_clean",
    `    status: ${t.status}`,
    "    schedule:",
    '      start_time: "2026-12-01T09:00:00Z"',
    "      estimated_duration: 2h",
    "    rollback:",
    "      enabled: true",
    "      timeout: 600",
    "      health_check_threshold: 3",
    "",
  ].join("\n");
}

export const UPGRADE_POLICIES = `release_trains:
  quality_gates:
    min_quality_score: 80
    max_critical_vulns: 0
    min_coverage: 75
    max_failure_rate: 5
  validation:
    health_check_timeout: 300
    dependency_check_timeout: 60
    rollback_timeout: 600
  notifications:
    enabled: true
    channels: ["slack", "email"]
    stakeholders: ["platform-team", "release-managers"]
`;

/** Write the catalog, the policies and the two logs; returns the appender of the monitoring log. */
export function writeTrainFiles(dir: string, t: TrainFiles, now: () => Date): (line: string) => void {
  write(dir, "catalog/release-trains.yaml", catalogYaml(t));
  write(dir, "config/upgrade-policies.yaml", UPGRADE_POLICIES);
  const stamp = () => now().toISOString();
  write(dir, MONITORING_LOG, `${stamp()} INFO release train ${t.train} scheduled: ${t.participants.join(" -> ")} to ${t.version}\n`);
  write(dir, AUDIT_LOG, `${stamp()} AUDIT release train ${t.train} approved by release-managers\n`);
  return (line) => appendFileSync(path.join(dir, MONITORING_LOG), `${stamp()} ${line}\n`);
}

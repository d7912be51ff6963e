/** The release train both train drills share: participants, versions, images and quality, as the catalog has them. */
import type { ServiceQuality } from "./platform-api.js";

export const TRAIN = "q4-curve-upgrade";
/** The train as the seed itself names it (catalog, API and rollback examples): not a DNS label, so the runbook's train input must take more than names. */
export const SEED_TRAIN = "Q4-curve-upgrade";
export const TRAIN_NAMESPACE = "platform";
export const TRAIN_REGISTRY = "registry.254carbon.local/platform";
export const TRAIN_VERSION = "2.0.0";
/** Dependency order: released in this order, rolled back in reverse. */
export const TRAIN_PARTICIPANTS = ["curve", "backtesting", "scenario"];
export const OLD_VERSIONS: Record<string, string> = { curve: "1.8.0", backtesting: "1.6.3", scenario: "1.5.1" };
export const TRAIN_DEPENDENCIES: Record<string, string[]> = { curve: [], backtesting: ["curve"], scenario: ["curve", "backtesting"] };
export const TRAIN_QUALITY: Record<string, ServiceQuality> = {
  curve: { quality_score: 91, critical_vulns: 0, coverage: 84, security_scan_clean: true },
  backtesting: { quality_score: 86, critical_vulns: 0, coverage: 79, security_scan_clean: true },
  scenario: { quality_score: 88, critical_vulns: 0, coverage: 81, security_scan_clean: true },
};
/** A stuck rollout fails `kubectl rollout status` after this long, not after the default 10 minutes. */
export const PROGRESS_DEADLINE_SECONDS = 8;

export const imageOf = (participant: string, version: string) => `${TRAIN_REGISTRY}/${participant}:${version}`;

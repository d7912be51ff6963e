/** How much aliases may add to a runbook: far above any reuse of anchors, far below what hurts (yaml-guard.ts, quick-load.ts). */
export const MAX_ALIAS_NODES = 100_000;
export const MAX_ALIAS_TEXT = 10_000_000;

/** Pods of the incident's service, live: the operator sees a rollback take effect. */
import { Box, Text, useStdout } from "ink";
import { useView, useGlyphs } from "./context.js";
import type { PodView } from "./store.js";
import { Quiet } from "./quiet.js";

function podColor(p: PodView): string {
  if (p.reason === "CrashLoopBackOff" || p.reason === "ImagePullBackOff" || p.reason === "ErrImagePull" || p.reason === "OOMKilled") return "red";
  if (p.phase !== "Running" || p.reason !== "") return "yellow";
  return "green";
}

const RANK: Record<string, number> = { red: 0, yellow: 1, green: 2 };

/** The colour and mark of a pod's row: a pod whose status is unknown (the connection is lost) is never drawn in a health colour. */
export function podMark(p: PodView, stale: boolean, glyph: string): { color: string; mark: string } {
  return stale ? { color: "gray", mark: "?" } : { color: podColor(p), mark: glyph };
}

/** While the list arrives, or once the connection is lost, the panel says so: a partial or stale list must not read as the whole truth. */
export interface PanelState {
  listing?: boolean;
  stale?: boolean;
}

function stateNote(items: readonly PodView[], state: PanelState): string | undefined {
  if (state.stale) return `${items.length} pods as last seen · status unknown until the cluster answers again`;
  if (state.listing) return `${items.length} pods so far · still listing…`;
  return undefined;
}

/**
 * Pure: the pods that fit in `rows`, troubled ones first (a crash among 5,000 healthy pods must
 * be on screen), and a count line when some are left out. Ink redraws the whole screen once the
 * frame is taller than the terminal, so the panel never grows past its rows.
 */
export function panelRows(items: readonly PodView[], rows: number, state: PanelState = {}): { shown: PodView[]; summary?: string } {
  const note = stateNote(items, state);
  const room = note ? rows - 1 : rows;
  if (items.length <= room) return { shown: [...items], ...(note ? { summary: note } : {}) };
  // One pass, no sort: this runs on every frame a change of 5,000 pods brings.
  const want = Math.max(1, rows - 1);
  const byRank: PodView[][] = [[], [], []];
  let healthy = 0;
  for (const p of items) {
    const rank = RANK[podColor(p)] ?? 2;
    if (rank === 2) healthy++;
    const bucket = byRank[rank]!;
    if (bucket.length < want) bucket.push(p);
  }
  const shown = byRank.flat().slice(0, want);
  const more = `${items.length - shown.length} more not shown`;
  return { shown, summary: note ? `${note} · ${more}` : `${items.length} pods: ${healthy} running, ${items.length - healthy} not · ${more}` };
}

export function ClusterPanel() {
  const pods = useView((v) => v.pods);
  const g = useGlyphs();
  const { stdout } = useStdout();
  if (!pods) return null;
  const stale = pods.stale === true;
  const { shown, summary } = panelRows(pods.items, Math.max(3, Math.min(12, Math.floor((stdout.rows || 24) / 4))), { listing: pods.listing === true, stale });
  return (
    <Box flexDirection="column" borderStyle={g.border.pane} borderColor="blue" paddingX={1}>
      <Text bold>{`pods ${pods.selector} in ${pods.namespace}`}</Text>
      {pods.error ? <Text color="red">{pods.error}</Text> : null}
      {pods.items.length === 0 && !pods.error ? <Quiet>{pods.listing ? "listing…" : "no pods"}</Quiet> : null}
      {shown.map((p) => (
        <Text key={p.name} wrap="truncate-end" {...(stale ? { dimColor: true } : {})}>
          <Text color={podMark(p, stale, g.pod).color}>{`${podMark(p, stale, g.pod).mark} `}</Text>
          {`${p.name.padEnd(32)} ${p.ready.padEnd(5)} ${p.phase.padEnd(9)} ${String(p.restarts).padStart(3)} restarts  ${p.reason}`}
        </Text>
      ))}
      {summary ? <Quiet>{summary}</Quiet> : null}
    </Box>
  );
}

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

/**
 * Pure: the pods that fit in `rows`, troubled ones first (a crash among 5,000 healthy pods must
 * be on screen), and a count line when some are left out. Ink redraws the whole screen once the
 * frame is taller than the terminal, so the panel never grows past its rows.
 */
export function panelRows(items: readonly PodView[], rows: number): { shown: PodView[]; summary?: string } {
  if (items.length <= rows) return { shown: [...items] };
  const ranked = items.map((p, i) => ({ p, i, rank: RANK[podColor(p)] ?? 2 })).sort((a, b) => a.rank - b.rank || a.i - b.i);
  const shown = ranked.slice(0, Math.max(1, rows - 1)).map((r) => r.p);
  const healthy = ranked.filter((r) => r.rank === 2).length;
  return { shown, summary: `${items.length} pods: ${healthy} running, ${items.length - healthy} not · ${items.length - shown.length} more not shown` };
}

export function ClusterPanel() {
  const pods = useView((v) => v.pods);
  const g = useGlyphs();
  const { stdout } = useStdout();
  if (!pods) return null;
  const { shown, summary } = panelRows(pods.items, Math.max(3, Math.min(12, Math.floor((stdout.rows || 24) / 4))));
  return (
    <Box flexDirection="column" borderStyle={g.border.pane} borderColor="blue" paddingX={1}>
      <Text bold>{`pods ${pods.selector} in ${pods.namespace}`}</Text>
      {pods.error ? <Text color="red">{pods.error}</Text> : null}
      {pods.items.length === 0 && !pods.error ? <Quiet>no pods</Quiet> : null}
      {shown.map((p) => (
        <Text key={p.name} wrap="truncate-end">
          <Text color={podColor(p)}>{`${g.pod} `}</Text>
          {`${p.name.padEnd(32)} ${p.ready.padEnd(5)} ${p.phase.padEnd(9)} ${String(p.restarts).padStart(3)} restarts  ${p.reason}`}
        </Text>
      ))}
      {summary ? <Quiet>{summary}</Quiet> : null}
    </Box>
  );
}

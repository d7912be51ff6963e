/** Finished steps, newest last: the tail that fits under the pinned header (the whole history is in the incident file). */
import { Box, Text } from "ink";
import { formatDuration } from "../runbooks/duration.js";
import { useView } from "./context.js";
import type { HistoryEntry } from "./store.js";

const MARK: Record<string, { mark: string; color: string }> = {
  passed: { mark: "✓", color: "green" },
  found: { mark: "◆", color: "yellow" },
  failed: { mark: "✗", color: "red" },
  error: { mark: "!", color: "red" },
  timeout: { mark: "⌛", color: "red" },
  cancelled: { mark: "⊘", color: "yellow" },
  interrupted: { mark: "↯", color: "yellow" },
  skipped: { mark: "–", color: "gray" },
  confirmed: { mark: "✓", color: "green" },
  chosen: { mark: "↳", color: "cyan" },
  note: { mark: "✎", color: "gray" },
};

export function historyLine(e: HistoryEntry): string {
  const exit = e.exitCode !== null && e.exitCode !== undefined ? ` exit ${e.exitCode}` : "";
  const took = e.durationMs > 0 ? ` ${formatDuration(e.durationMs)}` : "";
  return `${e.title} — ${e.status}${exit}${took}${e.detail ? ` · ${e.detail}` : ""}`;
}

/** The newest `rows` entries (older ones are counted on the first line). */
export function HistoryTail({ rows }: { rows: number }) {
  const history = useView((v) => v.history);
  if (rows <= 0 || history.length === 0) return null;
  const fits = history.length <= rows ? history : history.slice(history.length - (rows - 1));
  const earlier = history.length - fits.length;
  return (
    <Box flexDirection="column" flexShrink={0}>
      {earlier > 0 ? <Text dimColor>{`… ${earlier} earlier (handrail report has them all)`}</Text> : null}
      {fits.map((e) => {
        const m = MARK[e.status] ?? { mark: "·", color: "white" };
        return (
          <Text key={e.id} wrap="truncate-end">
            <Text color={m.color}>{`${m.mark} `}</Text>
            {historyLine(e)}
          </Text>
        );
      })}
    </Box>
  );
}

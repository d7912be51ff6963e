/** Finished steps, newest last: the tail that fits under the pinned header (the whole history is in the incident file). */
import { Box, Text } from "ink";
import { formatDuration } from "../runbooks/duration.js";
import { useView, useGlyphs } from "./context.js";
import type { Glyphs } from "./glyphs.js";
import type { HistoryEntry } from "./store.js";
import { Quiet } from "./quiet.js";

const COLOR: Record<string, string> = { passed: "green", found: "yellow", failed: "red", error: "red", timeout: "red", cancelled: "yellow", interrupted: "yellow", skipped: "gray", confirmed: "green", chosen: "cyan", note: "gray" };

/** A history status's mark in this terminal's symbols. */
export function markFor(status: string, g: Glyphs): string {
  const marks: Record<string, string> = { passed: g.passed, found: g.found, failed: g.failed, error: g.error, timeout: g.timeout, cancelled: g.cancelled, interrupted: g.interrupted, skipped: g.skipped, confirmed: g.passed, chosen: g.chosen, note: g.note };
  return marks[status] ?? "·";
}

export function historyLine(e: HistoryEntry): string {
  const exit = e.exitCode !== null && e.exitCode !== undefined ? ` exit ${e.exitCode}` : "";
  const took = e.durationMs > 0 ? ` ${formatDuration(e.durationMs)}` : "";
  return `${e.title} — ${e.status}${exit}${took}${e.detail ? ` · ${e.detail}` : ""}`;
}

/** The newest `rows` entries (older ones are counted on the first line). */
export function HistoryTail({ rows }: { rows: number }) {
  const history = useView((v) => v.history);
  const g = useGlyphs();
  if (rows <= 0 || history.length === 0) return null;
  const fits = history.length <= rows ? history : history.slice(history.length - (rows - 1));
  const earlier = history.length - fits.length;
  return (
    <Box flexDirection="column" flexShrink={0}>
      {earlier > 0 ? <Quiet>{`${g.ellipsis} ${earlier} earlier (handrail report has them all)`}</Quiet> : null}
      {fits.map((e) => {
        return (
          <Text key={e.id} wrap="truncate-end">
            <Text color={COLOR[e.status] ?? "white"}>{`${markFor(e.status, g)} `}</Text>
            {historyLine(e)}
          </Text>
        );
      })}
    </Box>
  );
}

/** Finished steps go to <Static>: written once, never redrawn, whatever streams below. */
import { Static, Text } from "ink";
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

export function History() {
  const history = useView((v) => v.history);
  return (
    <Static items={history}>
      {(e) => {
        const m = MARK[e.status] ?? { mark: "·", color: "white" };
        return (
          <Text key={e.id}>
            <Text color={m.color}>{`${m.mark} `}</Text>
            {historyLine(e)}
          </Text>
        );
      }}
    </Static>
  );
}

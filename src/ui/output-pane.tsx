/** The running step's output: the newest lines that fit, stderr marked, a spinner and elapsed time. */
import { Box, Text, useStdout } from "ink";
import Spinner from "ink-spinner";
import { formatDuration } from "../runbooks/duration.js";
import { useView } from "./context.js";

export function OutputPane({ reserve = 14 }: { reserve?: number }) {
  const live = useView((v) => v.live);
  const now = useView((v) => v.now);
  const running = useView((v) => v.running);
  const { stdout } = useStdout();
  if (!live) return null;
  const rows = Math.max(3, (stdout.rows || 24) - reserve);
  const shown = live.lines.slice(-rows);
  const hidden = live.total - shown.length;
  return (
    <Box flexDirection="column" borderStyle="single" borderColor="gray" paddingX={1}>
      <Box gap={1}>
        {running ? (
          <Text color="cyan">
            <Spinner type="dots" />
          </Text>
        ) : null}
        <Text bold>{live.title}</Text>
        <Text dimColor>{`${formatDuration(Math.max(0, now - live.startedAt))}${hidden > 0 ? ` · ${hidden} earlier lines in the incident file` : ""}`}</Text>
      </Box>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {l.stream === "stderr" ? <Text color="red">▌</Text> : " "}
          {l.text}
        </Text>
      ))}
    </Box>
  );
}

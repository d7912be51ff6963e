/** The running step's output: the newest lines that fit, stderr marked, a spinner and elapsed time. */
import { Box, Text, useStdout } from "ink";
import { terminalText } from "../executors/terminal-text.js";
import { formatDuration } from "../runbooks/duration.js";
import { useView } from "./context.js";

const DOTS = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * Pure: the spinner's frame, moved by the one-second clock and by each batch of output. A timer
 * of its own (ink-spinner: 12 frames a second) redrew the whole console more often than a flood's
 * batches did; this way a quiet step costs one frame a second and a busy one shows it is busy.
 */
export function spinnerFrame(now: number, total: number): string {
  return DOTS[(Math.floor(now / 1000) + total) % DOTS.length]!;
}

/** Pure: the slice of lines shown for a scroll offset (0 = follow the newest). */
export function visibleLines<T>(lines: readonly T[], rows: number, offset: number): { shown: T[]; offset: number } {
  const max = Math.max(0, lines.length - rows);
  const at = Math.min(Math.max(0, offset), max);
  return { shown: lines.slice(Math.max(0, lines.length - rows - at), lines.length - at), offset: at };
}

export function OutputPane({ reserve = 14, scroll = 0 }: { reserve?: number; scroll?: number }) {
  const live = useView((v) => v.live);
  const now = useView((v) => v.now);
  const running = useView((v) => v.running);
  const { stdout } = useStdout();
  if (!live) return null;
  const rows = Math.max(3, (stdout.rows || 24) - reserve);
  const { shown, offset } = visibleLines(live.lines, rows, scroll);
  const hidden = live.total - live.lines.length;
  return (
    <Box flexDirection="column" borderStyle="single" borderColor="gray" paddingX={1}>
      <Box gap={1}>
        {running ? (
          <Text color="cyan">{spinnerFrame(now, live.total)}</Text>
        ) : null}
        <Text bold>{live.title}</Text>
        <Text dimColor>{`${formatDuration(Math.max(0, (live.endedAt ?? now) - live.startedAt))}${offset > 0 ? ` · scrolled up ${offset} lines (pgdn)` : ""}${hidden > 0 ? ` · ${hidden} earlier lines in the incident file` : ""}`}</Text>
      </Box>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {l.stream === "stderr" ? <Text color="red">▌</Text> : " "}
          {/* Step output may carry escapes that act on the terminal (clipboard, title, cursor): colour only. */}
          {terminalText(l.text)}
        </Text>
      ))}
    </Box>
  );
}

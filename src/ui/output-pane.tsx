/** The running step's output: the newest lines that fit, stderr marked, a spinner and elapsed time. */
import { Box, Text, useStdout } from "ink";
import { terminalText } from "../executors/terminal-text.js";
import wrapAnsi from "wrap-ansi";
import { formatDuration } from "../runbooks/duration.js";
import { useView, useGlyphs } from "./context.js";
import type { OutputLine } from "./live-output.js";
import { Quiet } from "./quiet.js";

const DOTS = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * Pure: the spinner's frame, moved by the one-second clock and by each batch of output. A timer
 * of its own (ink-spinner: 12 frames a second) redrew the whole console more often than a flood's
 * batches did; this way a quiet step costs one frame a second and a busy one shows it is busy.
 */
export function spinnerFrame(now: number, total: number, frames: readonly string[] = DOTS): string {
  return frames[(Math.floor(now / 1000) + total) % frames.length]!;
}

/** Pure: the slice of lines shown for a scroll offset (0 = follow the newest). */
export function visibleLines<T>(lines: readonly T[], rows: number, offset: number): { shown: T[]; offset: number } {
  const max = Math.max(0, lines.length - rows);
  const at = Math.min(Math.max(0, offset), max);
  return { shown: lines.slice(Math.max(0, lines.length - rows - at), lines.length - at), offset: at };
}

/** The pane fills what the walkthrough leaves it; the newest lines sit at its bottom, the oldest give way first. */
/**
 * Pure: the rows the pane shows, newest last — each output line wrapped to the pane's width (so a long
 * line is never cut), counted from the end so only what is shown is ever wrapped.
 */
export function paneRows(lines: readonly OutputLine[], width: number, rows: number, offset: number): { shown: Array<{ stream: OutputLine["stream"]; text: string }>; offset: number } {
  const out: Array<{ stream: OutputLine["stream"]; text: string }> = [];
  const need = rows + Math.max(0, offset);
  for (let i = lines.length - 1; i >= 0 && out.length < need; i--) {
    const l = lines[i]!;
    const parts = wrapAnsi(terminalText(l.text), Math.max(10, width), { hard: true, trim: false }).split("\n");
    for (let j = parts.length - 1; j >= 0; j--) out.push({ stream: l.stream, text: parts[j]! });
  }
  out.reverse();
  const { shown, offset: at } = visibleLines(out, rows, offset);
  return { shown, offset: at };
}

export function OutputPane({ scroll = 0, rows: budget }: { scroll?: number; rows?: number }) {
  const live = useView((v) => v.live);
  const now = useView((v) => v.now);
  const running = useView((v) => v.running);
  const g = useGlyphs();
  const { stdout } = useStdout();
  if (!live) return null;
  // The rows the walkthrough measured for the pane (a long line wraps, so fewer lines may fit: the oldest are clipped).
  const rows = Math.max(1, Math.min(budget ?? (stdout.rows || 24) - 14, (stdout.rows || 24) - 4));
  const { shown, offset } = paneRows(live.lines, (stdout.columns || 100) - 6, rows, scroll);
  const hidden = live.total - live.lines.length;
  return (
    <Box flexDirection="column" borderStyle={g.border.pane} borderColor="gray" paddingX={1} flexShrink={0}>
      <Box gap={1} flexShrink={0}>
        {running ? (
          <Text color="cyan">{spinnerFrame(now, live.total, g.spinner)}</Text>
        ) : null}
        <Text bold>{live.title}</Text>
        <Quiet>{`${formatDuration(Math.max(0, (live.endedAt ?? now) - live.startedAt))}${offset > 0 ? ` · scrolled up ${offset} lines (pgdn)` : ""}${hidden > 0 ? ` · ${hidden} earlier lines in the incident file` : ""}`}</Quiet>
      </Box>
      <Box flexDirection="column">
        {shown.map((l, i) => (
          // Already wrapped to the width (paneRows): each row is one line on screen. Escapes were made colour-only there.
          <Text key={i} wrap="truncate-end">
            {l.stream === "stderr" ? <Text color="red">{g.stderr}</Text> : " "}
            {l.text}
          </Text>
        ))}
      </Box>
    </Box>
  );
}

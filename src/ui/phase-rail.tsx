/** The phases as a rail: done ✓ (every step passed or found), current ●, to do ○, skipped –, failed ✗. */
import { Box, Text } from "ink";
import { useView, useGlyphs } from "./context.js";
import { UNICODE, type Glyphs } from "./glyphs.js";
import type { PhaseView } from "./store.js";

const COLOR: Record<PhaseView["state"], string> = { done: "green", current: "cyan", todo: "gray", skipped: "yellow", failed: "red", "not-needed": "gray" };

function markOf(state: PhaseView["state"], g: Glyphs): string {
  return { done: g.passed, current: g.current, todo: g.todo, skipped: g.skipped, failed: g.failed, "not-needed": g.skipped }[state];
}

/** How a phase reads on the rail: its mark, title and what was not done in it. */
export function railLabel(p: PhaseView, g: Glyphs = UNICODE): string {
  const gaps = [p.failed ? `${p.failed} failed` : "", p.skipped ? `${p.skipped} skipped` : ""].filter(Boolean).join(", ");
  if (p.state === "not-needed") return `${markOf(p.state, g)} ${p.title} (not needed)`;
  return `${markOf(p.state, g)} ${p.title}${gaps && p.state !== "todo" ? ` (${gaps})` : ""}`;
}

export function PhaseRail() {
  const phases = useView((v) => v.phases);
  const g = useGlyphs();
  return (
    <Box flexWrap="wrap">
      {phases.map((p, i) => (
        <Text key={p.id} color={COLOR[p.state]} bold={p.state === "current"}>
          {`${i > 0 ? ` ${g.arrow} ` : ""}${railLabel(p, g)}`}
        </Text>
      ))}
    </Box>
  );
}

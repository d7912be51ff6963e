/** The phases as a rail: done ✓ (every step passed or found), current ●, to do ○, skipped –, failed ✗. */
import { Box, Text } from "ink";
import { useView } from "./context.js";
import type { PhaseView } from "./store.js";

const LOOK: Record<PhaseView["state"], { mark: string; color: string }> = {
  done: { mark: "✓", color: "green" },
  current: { mark: "●", color: "cyan" },
  todo: { mark: "○", color: "gray" },
  skipped: { mark: "–", color: "yellow" },
  failed: { mark: "✗", color: "red" },
};

/** How a phase reads on the rail: its mark, title and what was not done in it. */
export function railLabel(p: PhaseView): string {
  const gaps = [p.failed ? `${p.failed} failed` : "", p.skipped ? `${p.skipped} skipped` : ""].filter(Boolean).join(", ");
  return `${LOOK[p.state].mark} ${p.title}${gaps && p.state !== "todo" ? ` (${gaps})` : ""}`;
}

export function PhaseRail() {
  const phases = useView((v) => v.phases);
  return (
    <Box flexWrap="wrap">
      {phases.map((p, i) => (
        <Text key={p.id} color={LOOK[p.state].color} bold={p.state === "current"}>
          {`${i > 0 ? " → " : ""}${railLabel(p)}`}
        </Text>
      ))}
    </Box>
  );
}

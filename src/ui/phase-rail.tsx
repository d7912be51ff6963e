/** The phases as a rail: done ✓, current ●, remaining ○. */
import { Box, Text } from "ink";
import { useView } from "./context.js";

export function PhaseRail() {
  const phases = useView((v) => v.phases);
  return (
    <Box flexWrap="wrap">
      {phases.map((p, i) => (
        <Text key={p.id} color={p.state === "current" ? "cyan" : p.state === "done" ? "green" : "gray"} bold={p.state === "current"}>
          {`${i > 0 ? " → " : ""}${p.state === "done" ? "✓" : p.state === "current" ? "●" : "○"} ${p.title}`}
        </Text>
      ))}
    </Box>
  );
}

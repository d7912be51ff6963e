/** The current step: its title, instructions, the exact command and how risky it is. */
import { Box, Text } from "ink";
import { useView } from "./context.js";

const RISK_COLOR: Record<string, string> = { low: "green", medium: "yellow", high: "red", critical: "magenta" };

export function StepCard() {
  const current = useView((v) => v.current);
  if (!current) return null;
  if (current.type === "complete") return <Text color="green">Every step is done. Press x to resolve: root cause and action items go into the report.</Text>;
  if (current.type === "resolved") return <Text color="green">Resolved. The report: handrail report {"<incident>"}</Text>;
  if (current.type === "choose") return <Text bold>{`${current.phase}: choose how to proceed`}</Text>;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Box gap={1}>
        <Text bold>{`${current.phase} › ${current.title}`}</Text>
        {current.risk ? <Text color={RISK_COLOR[current.risk] ?? "white"}>{`[${current.risk} risk]`}</Text> : null}
        {current.retry ? <Text color="yellow">(again)</Text> : null}
        {current.type === "halted" ? <Text color="red">{`stopped: ${current.status ?? ""} — r runs it again, s skips it`}</Text> : null}
      </Box>
      {current.description ? <Text dimColor>{current.description}</Text> : null}
      {current.requires?.length ? <Text color="yellow">{`expects on PATH: ${current.requires.join(", ")}`}</Text> : null}
      {current.kind === "manual" ? (
        <Text>{current.command}</Text>
      ) : (
        <Text color="cyan">{`$ ${current.command ?? ""}`}</Text>
      )}
      {current.kind === "manual" ? <Text dimColor>Press r when done.</Text> : null}
    </Box>
  );
}

/** Always know where you are: cluster, namespace, severity, the clock, the incident and its file. */
import { Box, Text } from "ink";
import { formatDuration } from "../runbooks/duration.js";
import { useView } from "./context.js";

/** Within this much of the deadline the clock turns amber. */
export const CLOCK_AMBER_MS = 2 * 60_000;

export function clockText(dueAt: number, now: number): { text: string; color: "green" | "yellow" | "red" } {
  const left = dueAt - now;
  if (left < 0) return { text: `breached ${formatDuration(-left)} ago`, color: "red" };
  return { text: `${formatDuration(Math.max(1000, Math.round(left / 1000) * 1000))} left`, color: left <= CLOCK_AMBER_MS ? "yellow" : "green" };
}

export function StatusBar() {
  const kube = useView((v) => v.kube);
  const severity = useView((v) => v.incident?.severity);
  const id = useView((v) => v.incident?.id);
  const resolved = useView((v) => v.incident?.resolved !== undefined);
  const file = useView((v) => v.incidentFile);
  const clock = useView((v) => v.clock);
  const now = useView((v) => v.now);
  const dryRun = useView((v) => v.dryRun);
  const drill = useView((v) => v.drill);
  const c = clock && !resolved ? clockText(clock.dueAt, now) : undefined;
  return (
    <Box flexDirection="column">
      <Box gap={2}>
        {drill ? <Text backgroundColor="magenta" color="white" bold> DRILL </Text> : null}
        {dryRun ? <Text backgroundColor="yellow" color="black" bold> DRY RUN </Text> : null}
        <Text color={kube.production ? "red" : "cyan"} bold={kube.production}>
          {`⎈ ${kube.context ?? "no cluster"}${kube.namespace ? ` / ${kube.namespace}` : ""}${kube.production ? " (PRODUCTION)" : ""}`}
        </Text>
        {severity ? <Text bold color={severity === "critical" ? "red" : severity === "high" ? "yellow" : undefined}>{severity.toUpperCase()}</Text> : null}
        {c ? <Text color={c.color}>{`⏱ ${c.text}`}</Text> : resolved ? <Text color="green">resolved</Text> : null}
      </Box>
      {id ? <Text dimColor>{`${id} · ${file ?? ""}`}</Text> : null}
    </Box>
  );
}

/** Pods of the incident's service, live: the operator sees a rollback take effect. */
import { Box, Text } from "ink";
import { useView } from "./context.js";
import type { PodView } from "./store.js";

function podColor(p: PodView): string {
  if (p.reason === "CrashLoopBackOff" || p.reason === "ImagePullBackOff" || p.reason === "ErrImagePull" || p.reason === "OOMKilled") return "red";
  if (p.phase !== "Running" || p.reason !== "") return "yellow";
  return "green";
}

export function ClusterPanel() {
  const pods = useView((v) => v.pods);
  if (!pods) return null;
  return (
    <Box flexDirection="column" borderStyle="single" borderColor="blue" paddingX={1}>
      <Text bold>{`pods ${pods.selector} in ${pods.namespace}`}</Text>
      {pods.error ? <Text color="red">{pods.error}</Text> : null}
      {pods.items.length === 0 && !pods.error ? <Text dimColor>no pods</Text> : null}
      {pods.items.map((p) => (
        <Text key={p.name} wrap="truncate-end">
          <Text color={podColor(p)}>{"● "}</Text>
          {`${p.name.padEnd(32)} ${p.ready.padEnd(5)} ${p.phase.padEnd(9)} ${String(p.restarts).padStart(3)} restarts  ${p.reason}`}
        </Text>
      ))}
    </Box>
  );
}

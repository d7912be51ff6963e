/** The Drills section of home (and the whole of `handrail drill` without a scenario). */
import { Box, Text } from "ink";
import { useController, useView } from "./context.js";
import { PickList } from "./pick-list.js";
import { Quiet } from "./quiet.js";

/** Why home offers drills first, in one line; undefined while the cluster is reachable or unchecked. */
export function clusterLine(cluster: { state: string; reason?: string } | undefined): string | undefined {
  if (cluster?.state !== "unreachable") return undefined;
  return `No cluster is reachable (${cluster.reason ?? "unknown"}). A drill runs a runbook against a simulated cluster on this machine.`;
}

/** `collapsed`: one line instead of the list, while open incidents need the screen (tab opens it). */
export function DrillList({ isActive, collapsed = false }: { isActive: boolean; collapsed?: boolean }) {
  const drills = useView((v) => v.drills);
  const cluster = useView((v) => v.cluster);
  const loading = useView((v) => v.loading === true);
  const controller = useController();
  const line = clusterLine(cluster);
  return (
    <Box flexDirection="column">
      <Text bold color="magenta">{collapsed ? `Drills — ${drills.length} scenario${drills.length === 1 ? "" : "s"} (tab to list them)` : "Drills"}</Text>
      {line ? <Text color="yellow">{line}</Text> : null}
      {cluster?.state === "checking" ? <Quiet>checking the cluster…</Quiet> : null}
      {collapsed ? null : drills.length === 0 ? (
        <Quiet>{loading ? "reading…" : "none"}</Quiet>
      ) : (
        <PickList
          isActive={isActive}
          items={drills.map((d) => ({ id: d.id, label: `${d.title} (${d.id})`, detail: `${d.runbook} · ${d.severity}${d.missing.length ? ` · needs ${d.missing.join(", ")}` : ""}` }))}
          onPick={(id) => void controller.startDrill(id)}
        />
      )}
    </Box>
  );
}

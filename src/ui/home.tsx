/** Home: the open incidents, most urgent first (Enter resumes), the runbooks (type to search) and the drills. */
import { Box, Text, useStdout } from "ink";
import { useKeys } from "./keys.js";
import { useEffect, useMemo, useState } from "react";
import { clusterLine, DrillList } from "./drill-list.js";
import { useController, useInteractive, useView } from "./context.js";
import { footerHelp } from "./keymap.js";
import { PickList, type PickItem } from "./pick-list.js";
import type { IncidentCard, RunbookCard } from "./store.js";
import { byUrgency, isOpenIncident, marksOf } from "./urgency.js";
import { Quiet } from "./quiet.js";

/** Pure: runbooks whose id, title or tags contain every typed word. */
export function filterRunbooks(cards: readonly RunbookCard[], query: string): RunbookCard[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return cards.filter((c) => {
    const hay = `${c.id} ${c.title} ${c.tags.join(" ")}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

type Pane = "drills" | "runbooks" | "incidents";

/** Pure: the open incidents as home lists them at `now`, most urgent first, each with its markers. */
export function incidentItems(cards: readonly IncidentCard[], now: number): PickItem[] {
  return byUrgency(cards, now)
    .filter(isOpenIncident)
    .map((c) => {
      const m = marksOf(c, now);
      const dry = m.flags.filter((f) => f === "DRY RUN");
      const rest = m.flags.filter((f) => f !== "DRY RUN");
      // The markers and the facts go in the label, which is never cut; the id may be.
      const label = [...dry, ...(m.clock ? [m.clock] : []), c.severity, c.runbook, ...rest].join("  ");
      const team = `${c.driver ? ` · ${c.driver} drives` : ""}${c.followers?.length ? ` · ${c.followers.join(", ")} follow${c.followers.length === 1 ? "s" : ""}` : ""}${c.team ? " · in the shared store" : ""}`;
      return { id: c.file, label, detail: `${c.id} · opened ${c.age} ago${team}`, ...(m.tone ? { color: m.tone } : {}) };
    });
}

/**
 * Pure: the rows of the incident and runbook lists when open incidents come first. A frame
 * taller than the terminal scrolls its top away — the incidents — so the lists shrink to fit,
 * the incidents first served. `fixed`: every other line of home (headers, drills, footer).
 */
export function urgentRows(height: number, open: number, fixed: number): { incidents: number; runbooks: number } {
  const fit = (n: number) => Math.max(3, Math.min(10, n));
  const incidents = Math.min(open, fit(height - fixed - 3));
  return { incidents, runbooks: fit(height - fixed - incidents) };
}

export function Home({ onStart }: { onStart: (card: RunbookCard) => void }) {
  const runbooks = useView((v) => v.runbooks);
  const loading = useView((v) => v.loading === true);
  const incidents = useView((v) => v.incidents);
  const now = useView((v) => v.now);
  const flash = useView((v) => v.flash);
  const controller = useController();
  const interactive = useInteractive();
  const cluster = useView((v) => v.cluster);
  const picker = useView((v) => v.homeMode === "drills");
  const hasDrills = useView((v) => v.drills.length > 0);
  const [query, setQuery] = useState("");
  const { stdout } = useStdout();
  const open = useMemo(() => incidentItems(incidents, now), [incidents, now]);
  const urgent = !picker && open.length > 0;
  // No reachable cluster: the drills come before the runbooks. Open incidents come before both, and have the cursor.
  const drillsFirst = picker || (cluster?.state === "unreachable" && hasDrills);
  const first: Pane = urgent ? "incidents" : drillsFirst ? "drills" : "runbooks";
  const [pane, setPane] = useState<Pane>(first);
  const [moved, setMoved] = useState(false);
  useEffect(() => {
    if (!moved) setPane(first);
  }, [first, moved]);
  const shown = useMemo(() => filterRunbooks(runbooks, query), [runbooks, query]);
  const order: Pane[] = picker ? ["drills"] : [...(urgent ? (["incidents"] as Pane[]) : []), ...(drillsFirst ? (["drills"] as Pane[]) : []), "runbooks", ...(!drillsFirst && hasDrills ? (["drills"] as Pane[]) : [])];
  useKeys(
    (input, key) => {
      if (key.tab) {
        setMoved(true);
        setPane((p) => order[(order.indexOf(p) + 1) % order.length] ?? "runbooks");
      }
      else if (key.backspace || key.delete) setQuery((q) => q.slice(0, -1));
      else if (key.escape) setQuery("");
      else if (key.ctrl && input === "c") controller.quit();
      // Several characters arrive at once when typed fast or pasted.
      // Typing searches the runbooks from any list (digits pick in the list that has the cursor).
      else if (!picker && input && !key.ctrl && !key.meta && !key.return && /^[\w -]+$/.test(input) && !/^[1-9]$/.test(input)) {
        if (pane !== "runbooks") {
          setMoved(true);
          setPane("runbooks");
        }
        setQuery((q) => q + input);
      }
    },
    { isActive: interactive },
  );
  // While incidents are open the drills take one line, until the operator tabs to them.
  const collapsed = urgent && pane !== "drills";
  const drills = (
    <Box marginBottom={1}>
      <DrillList isActive={pane === "drills"} collapsed={collapsed} />
    </Box>
  );
  const reach = clusterLine(cluster);
  const wraps = (text: string | undefined) => (text ? Math.ceil(text.length / (stdout.columns || 80)) : 0);
  // Headers, margins, the collapsed drills, the footer, and the line Ink keeps below the frame.
  const fixed = 2 + 3 + (hasDrills ? 2 + (drillsFirst ? 0 : 1) + wraps(reach) + (cluster?.state === "checking" ? 1 : 0) : 0) + 2 + (flash ? wraps(flash.text) : 0) + 1;
  const rows = urgent ? urgentRows(stdout.rows || 24, open.length, fixed) : { incidents: 10, runbooks: 10 };
  if (picker) {
    return (
      <Box flexDirection="column">
        <Text bold>handrail — drills</Text>
        {drills}
        {flash ? <Text color={flash.tone === "error" ? "red" : "green"}>{flash.text}</Text> : null}
        <Quiet>{`${footerHelp(["up", "down", "select"])} · ctrl-c quit`}</Quiet>
      </Box>
    );
  }
  const incidentList = (
    <Box marginTop={urgent ? 0 : 1} marginBottom={urgent ? 1 : 0} flexDirection="column">
      <Text bold>{urgent ? `open incidents — most urgent first${open.length > rows.incidents ? ` (${open.length}; ↓ for the rest)` : ""}` : "open incidents"}</Text>
      {open.length === 0 ? <Quiet>{loading ? "reading…" : "none"}</Quiet> : <PickList isActive={pane === "incidents"} rows={rows.incidents} items={open} onPick={(file) => void controller.resumeIncident(file)} />}
    </Box>
  );
  return (
    <Box flexDirection="column">
      {urgent ? incidentList : null}
      {drillsFirst ? drills : null}
      <Text bold>handrail — runbooks</Text>
      <Quiet>{query ? `search: ${query}` : "type to search"}</Quiet>
      <Box marginTop={1} flexDirection="column">
        {loading ? (
          <Quiet>reading runbooks…</Quiet>
        ) : shown.length === 0 ? (
          <Text color="yellow">No runbook matches "{query}".</Text>
        ) : (
          <PickList
            isActive={pane === "runbooks"}
            rows={rows.runbooks}
            items={shown.map((c) => ({ id: c.id, label: `${c.title} (${c.id})`, detail: `${c.steps} steps${c.tags.length ? ` · ${c.tags.join(", ")}` : ""}` }))}
            onPick={(id) => {
              const card = runbooks.find((c) => c.id === id);
              if (card) onStart(card);
            }}
          />
        )}
      </Box>
      {urgent ? null : incidentList}
      {!drillsFirst && hasDrills ? <Box marginTop={1}>{drills}</Box> : null}
      {flash ? <Text color={flash.tone === "error" ? "red" : "green"}>{flash.text}</Text> : null}
      <Box marginTop={1}>
        <Quiet>{`${footerHelp(["up", "down", "select", "switch"])} · ctrl-c quit`}</Quiet>
      </Box>
    </Box>
  );
}

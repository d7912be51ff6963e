/** Home: the runbooks (type to search) and the open incidents (Enter resumes). */
import { Box, Text, useInput } from "ink";
import { useEffect, useMemo, useState } from "react";
import { DrillList } from "./drill-list.js";
import { useController, useInteractive, useView } from "./context.js";
import { footerHelp } from "./keymap.js";
import { PickList } from "./pick-list.js";
import type { RunbookCard } from "./store.js";

/** Pure: runbooks whose id, title or tags contain every typed word. */
export function filterRunbooks(cards: readonly RunbookCard[], query: string): RunbookCard[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return cards.filter((c) => {
    const hay = `${c.id} ${c.title} ${c.tags.join(" ")}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

type Pane = "drills" | "runbooks" | "incidents";

export function Home({ onStart }: { onStart: (card: RunbookCard) => void }) {
  const runbooks = useView((v) => v.runbooks);
  const incidents = useView((v) => v.incidents);
  const flash = useView((v) => v.flash);
  const controller = useController();
  const interactive = useInteractive();
  const cluster = useView((v) => v.cluster);
  const picker = useView((v) => v.homeMode === "drills");
  const hasDrills = useView((v) => v.drills.length > 0);
  const [query, setQuery] = useState("");
  // No reachable cluster: the drills come first, and have the cursor.
  const drillsFirst = picker || (cluster?.state === "unreachable" && hasDrills);
  const [pane, setPane] = useState<Pane>(drillsFirst ? "drills" : "runbooks");
  const [moved, setMoved] = useState(false);
  useEffect(() => {
    if (drillsFirst && !moved) setPane("drills");
  }, [drillsFirst, moved]);
  const open = incidents.filter((i) => i.status === "open");
  const shown = useMemo(() => filterRunbooks(runbooks, query), [runbooks, query]);
  const order: Pane[] = picker ? ["drills"] : [...(drillsFirst ? (["drills"] as Pane[]) : []), "runbooks", ...(open.length > 0 ? (["incidents"] as Pane[]) : []), ...(!drillsFirst && hasDrills ? (["drills"] as Pane[]) : [])];
  useInput(
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
  const drills = (
    <Box marginBottom={1}>
      <DrillList isActive={pane === "drills"} />
    </Box>
  );
  if (picker) {
    return (
      <Box flexDirection="column">
        <Text bold>handrail — drills</Text>
        {drills}
        {flash ? <Text color={flash.tone === "error" ? "red" : "green"}>{flash.text}</Text> : null}
        <Text dimColor>{`${footerHelp(["up", "down", "select"])} · ctrl-c quit`}</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      {drillsFirst ? drills : null}
      <Text bold>handrail — runbooks</Text>
      <Text dimColor>{query ? `search: ${query}` : "type to search"}</Text>
      <Box marginTop={1} flexDirection="column">
        {shown.length === 0 ? (
          <Text color="yellow">No runbook matches "{query}".</Text>
        ) : (
          <PickList
            isActive={pane === "runbooks"}
            items={shown.map((c) => ({ id: c.id, label: `${c.title} (${c.id})`, detail: `${c.steps} steps${c.tags.length ? ` · ${c.tags.join(", ")}` : ""}` }))}
            onPick={(id) => {
              const card = runbooks.find((c) => c.id === id);
              if (card) onStart(card);
            }}
          />
        )}
      </Box>
      <Box marginTop={1} flexDirection="column">
        <Text bold>open incidents</Text>
        {open.length === 0 ? (
          <Text dimColor>none</Text>
        ) : (
          <PickList isActive={pane === "incidents"} items={open.map((i) => ({ id: i.file, label: i.id, detail: `${i.runbook} · ${i.severity} · ${i.age} ago` }))} onPick={(file) => void controller.resumeIncident(file)} />
        )}
      </Box>
      {!drillsFirst && hasDrills ? <Box marginTop={1}>{drills}</Box> : null}
      {flash ? <Text color={flash.tone === "error" ? "red" : "green"}>{flash.text}</Text> : null}
      <Box marginTop={1}>
        <Text dimColor>{`${footerHelp(["up", "down", "select", "switch"])} · ctrl-c quit`}</Text>
      </Box>
    </Box>
  );
}

/** The console: home, starting an incident, the walkthrough. */
import { Box } from "ink";
import { useEffect, useState } from "react";
import { ConsoleProvider, useView } from "./context.js";
import type { ConsoleController } from "./controller.js";
import { Home } from "./home.js";
import { ResumeIncident } from "./resume.js";
import { StartIncident } from "./start.js";
import type { ConsoleStore, RunbookCard } from "./store.js";
import { Walkthrough } from "./walkthrough.js";

function Screens() {
  const screen = useView((v) => v.screen);
  const resuming = useView((v) => v.resuming !== undefined);
  const [starting, setStarting] = useState<RunbookCard | undefined>();
  // Once an incident is open, going back leads home, not to the start screen again.
  useEffect(() => {
    if (screen === "walk") setStarting(undefined);
  }, [screen]);
  if (screen === "walk") return <Walkthrough />;
  if (resuming) return <ResumeIncident />;
  if (starting) return <StartIncident card={starting} onCancel={() => setStarting(undefined)} />;
  return <Home onStart={setStarting} />;
}

export function App(props: { store: ConsoleStore; controller: ConsoleController; interactive: boolean }) {
  return (
    <ConsoleProvider {...props}>
      <Box flexDirection="column">
        <Screens />
      </Box>
    </ConsoleProvider>
  );
}

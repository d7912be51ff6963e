/** The console: home, starting an incident, the walkthrough. */
import { Box } from "ink";
import { ConsoleProvider, useController, useView } from "./context.js";
import type { ConsoleController } from "./controller.js";
import type { Glyphs } from "./glyphs.js";
import { Follow } from "./follow.js";
import { Home } from "./home.js";
import { ResumeIncident } from "./resume.js";
import { StartIncident } from "./start.js";
import type { ConsoleStore, RunbookCard } from "./store.js";
import { Walkthrough } from "./walkthrough.js";

function Screens() {
  const controller = useController();
  const screen = useView((v) => v.screen);
  const resuming = useView((v) => v.resuming !== undefined);
  const starting = useView((v) => v.starting);
  if (screen === "walk") return <Walkthrough />;
  if (screen === "follow") return <Follow />;
  if (resuming) return <ResumeIncident />;
  if (starting) return <StartIncident key={starting.card.id} card={starting.card} severity={starting.severity} given={starting.inputs} suggested={starting.suggested} fromEnv={starting.fromEnv} problems={starting.problems} onCancel={() => controller.leave()} />;
  return <Home onStart={(card: RunbookCard) => controller.begin(card.id)} />;
}

export function App(props: { store: ConsoleStore; controller: ConsoleController; interactive: boolean; guardMs?: number; glyphs?: Glyphs }) {
  return (
    <ConsoleProvider {...props}>
      <Box flexDirection="column">
        <Screens />
      </Box>
    </ConsoleProvider>
  );
}

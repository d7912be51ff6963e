/** The walkthrough screen: where you are, what is next, live output, and the keys to act. */
import { Box, Text, useInput, useStdout } from "ink";
import { useEffect, useReducer, useState, type ReactNode } from "react";
import { ClusterPanel } from "./cluster-panel.js";
import { HelpOverlay } from "./help-overlay.js";
import { SEVERITIES, type Severity } from "../runbooks/schema.js";
import { useController, useInteractive, useView } from "./context.js";
import { History } from "./history.js";
import { commandFor, footerHelp, type Command } from "./keymap.js";
import { OutputPane } from "./output-pane.js";
import { PhaseRail } from "./phase-rail.js";
import { PickList } from "./pick-list.js";
import { StatusBar } from "./status-bar.js";
import { StepCard } from "./step-card.js";
import { TextPrompt } from "./text-prompt.js";
import { confirmationFor, walkMode } from "./walk-mode.js";

export function activeCommands(type: string | undefined, running: boolean, banner: boolean, inOption = false): Command[] {
  const view: Command[] = ["panel", "pageUp", "pageDown", "help"];
  if (running) return ["cancel", ...view];
  const base: Command[] = banner ? ["acknowledge"] : [];
  switch (type) {
    case "step":
      return [...base, "run", "skip", "edit", "note", "severity", "jump", ...(inOption ? (["option"] as Command[]) : []), "back", "quit", ...view];
    case "halted":
      return [...base, "run", "skip", ...(inOption ? (["option"] as Command[]) : []), "note", "severity", "jump", "back", "quit", ...view];
    case "choose":
      return [...base, "note", "severity", "jump", "back", "quit", ...view];
    case "complete":
      return [...base, "resolve", "note", "jump", "back", "quit", ...view];
    case "resolved":
      return [...base, "note", "back", "quit", ...view];
    default:
      return [...base, "back", ...view];
  }
}

export function Walkthrough() {
  const controller = useController();
  const interactive = useInteractive();
  const current = useView((v) => v.current);
  const running = useView((v) => v.running);
  const banner = useView((v) => v.banners[0]);
  const production = useView((v) => v.kube.production);
  const flash = useView((v) => v.flash);
  const dryRun = useView((v) => v.dryRun);
  const phases = useView((v) => v.phases);
  const incident = useView((v) => v.incident);
  const drill = useView((v) => v.drill);
  const briefing = useView((v) => v.briefing);
  const [mode, dispatch] = useReducer(walkMode, { name: "idle" });
  const [scroll, setScroll] = useState(0);
  const active = activeCommands(current?.type, running, banner !== undefined, current?.optionPhase !== undefined);
  const rows = useStdout().stdout.rows || 24;
  const liveKey = useView((v) => v.live?.key);
  // A new step's output starts following the newest line again.
  useEffect(() => setScroll(0), [liveKey]);

  const run = () => {
    if (!current || (current.type !== "step" && current.type !== "halted")) return;
    if (current.kind === "manual") {
      controller.confirmManual();
      return;
    }
    const need = dryRun ? "none" : confirmationFor(current.risk, production, current.target !== undefined);
    if (need === "yes-no") dispatch({ type: "open", mode: "confirm" });
    else if (need === "type-target") dispatch({ type: "open", mode: "type-target" });
    else void controller.runCurrent();
  };

  useInput(
    (input, key) => {
      if (key.ctrl && input === "c") {
        if (!controller.cancelRunning()) dispatch({ type: "open", mode: "quit-confirm" });
        return;
      }
      if (mode.name === "confirm") {
        if (input === "y") {
          dispatch({ type: "close" });
          void controller.runCurrent();
        } else if (input === "n" || key.escape) dispatch({ type: "close" });
        return;
      }
      if (mode.name === "help") {
        dispatch({ type: "close" });
        return;
      }
      if (mode.name === "quit-confirm") {
        if (input === "y") controller.quit();
        else dispatch({ type: "close" });
        return;
      }
      if (mode.name !== "idle") return;
      switch (commandFor(input, key, active)) {
        case "pageUp":
          return setScroll((s) => s + Math.max(1, rows - 16));
        case "pageDown":
          return setScroll((s) => Math.max(0, s - Math.max(1, rows - 16)));
        case "panel":
          return controller.togglePanel();
        case "help":
          return dispatch({ type: "open", mode: "help" });
        case "jump":
          return dispatch({ type: "open", mode: "jump" });
        case "option":
          return dispatch({ type: "open", mode: "option" });
        case "run":
          return run();
        case "skip":
          return dispatch({ type: "open", mode: "skip" });
        case "note":
          return dispatch({ type: "open", mode: "note" });
        case "edit":
          if (current?.kind === "run") dispatch({ type: "open", mode: "edit" });
          return;
        case "severity":
          return dispatch({ type: "open", mode: "severity" });
        case "acknowledge":
          if (banner) controller.acknowledge(banner.key);
          return;
        case "resolve":
          return dispatch({ type: "open", mode: "resolve-cause" });
        case "back":
          return controller.leave();
        case "quit":
          return dispatch({ type: "open", mode: "quit-confirm" });
        default:
          return;
      }
    },
    { isActive: interactive },
  );

  const close = () => dispatch({ type: "close" });
  let prompt: ReactNode = null;
  switch (mode.name) {
    case "confirm":
      prompt = <Text color="yellow">{`Run this ${current?.risk ?? ""}-risk step? y / n`}</Text>;
      break;
    case "type-target":
      prompt = (
        <TextPrompt
          openedBy="r"
          label={`Production. Type "${current?.target ?? ""}" to run:`}
          validate={(v) => (v === current?.target ? undefined : `type exactly ${current?.target ?? ""}`)}
          onSubmit={() => {
            close();
            void controller.runCurrent();
          }}
          onCancel={close}
        />
      );
      break;
    case "skip":
      prompt = <TextPrompt openedBy="s" label="Why skip it?" validate={(v) => (v.trim() ? undefined : "a reason is required")} onSubmit={(v) => (close(), controller.skip(v))} onCancel={close} />;
      break;
    case "note":
      prompt = <TextPrompt openedBy="n" label="Note:" validate={(v) => (v.trim() ? undefined : "empty note")} onSubmit={(v) => (close(), controller.note(v))} onCancel={close} />;
      break;
    case "edit":
      prompt = <TextPrompt openedBy="e" label="$" initial={current?.command ?? ""} hint="this run only; logged as edited" onSubmit={(v) => (close(), void controller.runCurrent(v))} onCancel={close} />;
      break;
    case "severity":
      prompt = <PickList items={SEVERITIES.map((s) => ({ id: s, label: s }))} onPick={(s) => (close(), controller.changeSeverity(s as Severity))} onCancel={close} />;
      break;
    case "resolve-cause":
      prompt = (
        <Box flexDirection="column">
          {mode.lines.map((l, i) => (
            <Text key={i} dimColor>{`  ${l}`}</Text>
          ))}
          <TextPrompt
            resetOnSubmit
            openedBy="x"
            label={mode.lines.length === 0 ? "Root cause:" : "  …more (empty to finish):"}
            validate={(v) => (v.trim() || mode.lines.length > 0 ? undefined : "required")}
            onSubmit={(v) => dispatch({ type: "cause-line", text: v })}
            onCancel={close}
          />
        </Box>
      );
      break;
    case "resolve-items":
      prompt = (
        <TextPrompt
          resetOnSubmit
          label={`Action item ${mode.items.length + 1} (empty to finish):`}
          onSubmit={(v) => {
            if (v.trim()) dispatch({ type: "item", text: v });
            else {
              controller.resolve(mode.rootCause, mode.items);
              close();
            }
          }}
          onCancel={close}
        />
      );
      break;
    case "quit-confirm":
      prompt = <Text color="yellow">Quit handrail? The incident stays open in its file. y / n</Text>;
      break;
    case "help":
      prompt = <HelpOverlay />;
      break;
    case "jump":
      prompt = <PickList items={phases.map((p) => ({ id: p.id, label: p.title, detail: p.state }))} onPick={(id) => (close(), controller.jumpTo(id))} onCancel={close} />;
      break;
    case "option": {
      const phase = incident?.runbook.phases.find((p) => p.id === current?.optionPhase);
      prompt = <PickList items={(phase?.options ?? []).map((o) => ({ id: o.id, label: o.title, ...(incident?.chosen[phase?.id ?? ""] === o.id ? { detail: "(current)" } : {}) }))} onPick={(id) => (close(), controller.changeOption(id))} onCancel={close} />;
      break;
    }
    default:
      break;
  }

  return (
    <Box flexDirection="column">
      <History />
      {/* A drill's frame is magenta: never the red of production, never the grey of a real incident. */}
      <Box flexDirection="column" borderStyle={production ? "double" : drill ? "bold" : "round"} borderColor={production ? "red" : drill ? "magenta" : "gray"} paddingX={1}>
        <StatusBar />
        <PhaseRail />
      </Box>
      {briefing && current?.type !== "resolved" ? <Text color="magenta" wrap="wrap">{`DRILL briefing — ${briefing.title}: ${briefing.text}`}</Text> : null}
      {banner ? (
        <Box borderStyle="bold" borderColor="red" paddingX={1}>
          <Text color="red" bold>{`ESCALATE: ${banner.text} — press a to acknowledge`}</Text>
        </Box>
      ) : null}
      <StepCard />
      {current?.type === "choose" && mode.name === "idle" ? (
        <PickList items={(current.options ?? []).map((o) => ({ id: o.id, label: `${o.title}${o.recommended ? " (recommended)" : ""}`, ...(o.description ? { detail: o.description } : {}) }))} onPick={(id) => controller.choose(id)} />
      ) : null}
      <ClusterPanel />
      <OutputPane scroll={scroll} />
      {prompt}
      {flash ? <Text color={flash.tone === "error" ? "red" : "green"}>{flash.text}</Text> : null}
      <Text dimColor wrap="truncate-end">{footerHelp(active.filter((c) => c !== "pageUp" && c !== "pageDown" && c !== "panel"))}</Text>
    </Box>
  );
}

/** The walkthrough screen: where you are, what is next, live output, and the keys to act. */
import { Box, Text, useStdout } from "ink";
import { useKeyFlow, useKeys } from "./keys.js";
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
import { walkMode } from "./walk-mode.js";
import type { Confirmation } from "../incident/runner.js";
import { asTemplate, type Template } from "../runbooks/template.js";

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

  // A key that opens or closes a prompt changes what the next key is for: hold the keys behind it until that is drawn.
  const keyFlow = useKeyFlow();
  const change: typeof dispatch = (action) => {
    keyFlow.hold();
    dispatch(action);
  };

  // The runner decides whether a step needs confirming (the same rule as headless); the screen only asks.
  const run = (edited?: Template, confirmed?: Confirmation) => {
    const r = controller.act({ type: "run", ...(edited !== undefined ? { edited } : {}), ...(confirmed ? { confirmed } : {}) });
    if (r.ask) change({ type: "ask", mode: r.ask === "type-target" ? "type-target" : "confirm", ...(edited !== undefined ? { edited } : {}) });
  };

  useKeys(
    (input, key) => {
      if (key.ctrl && input === "c") {
        if (!controller.cancelRunning()) change({ type: "open", mode: "quit-confirm" });
        return;
      }
      if (mode.name === "confirm") {
        if (input === "y") {
          change({ type: "close" });
          run(mode.edited, "yes-no");
        } else if (input === "n" || key.escape) change({ type: "close" });
        return;
      }
      if (mode.name === "help") {
        change({ type: "close" });
        return;
      }
      if (mode.name === "quit-confirm") {
        if (input === "y") controller.quit();
        else change({ type: "close" });
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
          return change({ type: "open", mode: "help" });
        case "jump":
          return change({ type: "open", mode: "jump" });
        case "option":
          return change({ type: "open", mode: "option" });
        case "run":
          return run();
        case "skip":
          return change({ type: "open", mode: "skip" });
        case "note":
          return change({ type: "open", mode: "note" });
        case "edit":
          if (current?.template !== undefined) change({ type: "open", mode: "edit" });
          return;
        case "severity":
          return change({ type: "open", mode: "severity" });
        case "acknowledge":
          if (banner) controller.acknowledge(banner.key);
          return;
        case "resolve":
          return change({ type: "open", mode: "resolve-cause" });
        case "back":
          return controller.leave();
        case "quit":
          return change({ type: "open", mode: "quit-confirm" });
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
            run(mode.edited, "type-target");
          }}
          onCancel={close}
        />
      );
      break;
    case "skip":
      prompt = <TextPrompt openedBy="s" label="Why skip it?" validate={(v) => (v.trim() ? undefined : "a reason is required")} onSubmit={(v) => (close(), controller.act({ type: "skip", reason: v }))} onCancel={close} />;
      break;
    case "note":
      prompt = <TextPrompt openedBy="n" label="Note:" validate={(v) => (v.trim() ? undefined : "empty note")} onSubmit={(v) => (close(), controller.note(v))} onCancel={close} />;
      break;
    case "edit":
      // The edit starts from the runbook's script ($service stays a reference): display text never comes back to run.
      prompt = <TextPrompt openedBy="e" label="$" initial={current?.template ?? ""} hint="this run only; inputs are $names as in the runbook; logged as edited" onSubmit={(v) => (close(), run(asTemplate(v)))} onCancel={close} />;
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
      prompt = <PickList items={phases.map((p) => ({ id: p.id, label: p.title, detail: p.state }))} onPick={(id) => (close(), controller.act({ type: "jump", phase: id }))} onCancel={close} />;
      break;
    case "option": {
      const phase = incident?.runbook.phases.find((p) => p.id === current?.optionPhase);
      prompt = <PickList items={(phase?.options ?? []).map((o) => ({ id: o.id, label: o.title, ...(incident?.chosen[phase?.id ?? ""] === o.id ? { detail: "(current)" } : {}) }))} onPick={(id) => (close(), controller.act({ type: "choose", option: id }))} onCancel={close} />;
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
        <PickList items={(current.options ?? []).map((o) => ({ id: o.id, label: `${o.title}${o.recommended ? " (recommended)" : ""}`, ...(o.description ? { detail: o.description } : {}) }))} onPick={(id) => controller.act({ type: "choose", option: id })} />
      ) : null}
      <ClusterPanel />
      <OutputPane scroll={scroll} />
      {prompt}
      {flash ? <Text color={flash.tone === "error" ? "red" : "green"}>{flash.text}</Text> : null}
      <Text dimColor wrap="truncate-end">{footerHelp(active.filter((c) => c !== "pageUp" && c !== "pageDown" && c !== "panel"))}</Text>
    </Box>
  );
}

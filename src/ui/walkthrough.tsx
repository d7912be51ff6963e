/** The walkthrough screen: where you are, what is next, live output, and the keys to act. */
import { Box, Text, useInput } from "ink";
import { useReducer, type ReactNode } from "react";
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

export function activeCommands(type: string | undefined, running: boolean, banner: boolean): Command[] {
  if (running) return ["cancel"];
  const base: Command[] = banner ? ["acknowledge"] : [];
  switch (type) {
    case "step":
      return [...base, "run", "skip", "edit", "note", "severity", "back"];
    case "halted":
      return [...base, "run", "skip", "note", "severity", "back"];
    case "choose":
      return [...base, "note", "severity", "back"];
    case "complete":
    case "resolved":
      return [...base, "resolve", "note", "back"];
    default:
      return [...base, "back"];
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
  const [mode, dispatch] = useReducer(walkMode, { name: "idle" });
  const active = activeCommands(current?.type, running, banner !== undefined);

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
      if (mode.name === "quit-confirm") {
        if (input === "y") controller.quit();
        else dispatch({ type: "close" });
        return;
      }
      if (mode.name !== "idle") return;
      switch (commandFor(input, key, active)) {
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
      prompt = <TextPrompt label="Why skip it?" validate={(v) => (v.trim() ? undefined : "a reason is required")} onSubmit={(v) => (close(), controller.skip(v))} onCancel={close} />;
      break;
    case "note":
      prompt = <TextPrompt label="Note:" validate={(v) => (v.trim() ? undefined : "empty note")} onSubmit={(v) => (close(), controller.note(v))} onCancel={close} />;
      break;
    case "edit":
      prompt = <TextPrompt label="$" initial={current?.command ?? ""} hint="this run only; logged as edited" onSubmit={(v) => (close(), void controller.runCurrent(v))} onCancel={close} />;
      break;
    case "severity":
      prompt = <PickList items={SEVERITIES.map((s) => ({ id: s, label: s }))} onPick={(s) => (close(), controller.changeSeverity(s as Severity))} onCancel={close} />;
      break;
    case "resolve-cause":
      prompt = <TextPrompt label="Root cause:" resetOnSubmit validate={(v) => (v.trim() ? undefined : "required")} onSubmit={(v) => dispatch({ type: "cause", rootCause: v })} onCancel={close} />;
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
    default:
      break;
  }

  return (
    <Box flexDirection="column">
      <History />
      <Box flexDirection="column" borderStyle={production ? "double" : "round"} borderColor={production ? "red" : "gray"} paddingX={1}>
        <StatusBar />
        <PhaseRail />
      </Box>
      {banner ? (
        <Box borderStyle="bold" borderColor="red" paddingX={1}>
          <Text color="red" bold>{`ESCALATE: ${banner.text} — press a to acknowledge`}</Text>
        </Box>
      ) : null}
      <StepCard />
      {current?.type === "choose" && mode.name === "idle" ? (
        <PickList items={(current.options ?? []).map((o) => ({ id: o.id, label: `${o.title}${o.recommended ? " (recommended)" : ""}`, ...(o.description ? { detail: o.description } : {}) }))} onPick={(id) => controller.choose(id)} />
      ) : null}
      <OutputPane />
      {prompt}
      {flash ? <Text color={flash.tone === "error" ? "red" : "green"}>{flash.text}</Text> : null}
      <Text dimColor>{footerHelp(active)}</Text>
    </Box>
  );
}

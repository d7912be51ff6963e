/**
 * The walkthrough screen, laid out to the terminal: the pinned header at the top (never scrolls),
 * the footer with the keys of whatever is open at the bottom, and between them the history's tail,
 * the step, and the output — which gives way first when the terminal is small.
 */
import { Box, measureElement, Text, useStdout, type DOMElement } from "ink";
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from "react";
import type { Confirmation } from "../incident/runner.js";
import type { Template } from "../runbooks/template.js";
import { ClusterPanel } from "./cluster-panel.js";
import { useController, useGuardMs, useInteractive, useView } from "./context.js";
import { HistoryTail } from "./history.js";
import { commandFor, footerHelp, PROMPT_KEYS, type Command } from "./keymap.js";
import { useKeyFlow, useKeys } from "./keys.js";
import { OutputPane } from "./output-pane.js";
import { PickList } from "./pick-list.js";
import { StepCard } from "./step-card.js";
import { headerRows, WalkHeader } from "./walk-header.js";
import { walkCommands } from "./walk-keys.js";
import { walkMode, type WalkMode } from "./walk-mode.js";
import { WalkPrompt } from "./walk-prompts.js";
import { Quiet } from "./quiet.js";

/** The footer's text: the open prompt's keys, else the screen's commands (`?` first, so it is never cut). */
export function footerFor(mode: WalkMode, active: readonly Command[]): string {
  // Ctrl-C cancels a running step whatever prompt is open over it: the footer says so.
  const cancel = active.includes("cancel") && mode.name !== "idle" ? " · ctrl-c cancel step" : "";
  return `${promptFooter(mode, active)}${cancel}`;
}

function promptFooter(mode: WalkMode, active: readonly Command[]): string {
  switch (mode.name) {
    case "idle":
      return footerHelp(active.filter((c) => c !== "pageUp" && c !== "pageDown"));
    case "confirm":
    case "quit-confirm":
    case "resolve-confirm":
      return PROMPT_KEYS.yesNo;
    case "severity":
    case "jump":
    case "option":
    case "inputs":
      return PROMPT_KEYS.pick;
    case "help":
      return PROMPT_KEYS.help;
    default:
      return PROMPT_KEYS.text;
  }
}

/** Which step or choice is on screen: a new one starts the confirmation guard again. */
const identityOf = (c: { type?: string; key?: string; phase?: string } | undefined) => `${c?.type ?? ""}:${c?.key ?? c?.phase ?? ""}`;

export function Walkthrough() {
  const controller = useController();
  const interactive = useInteractive();
  const guardMs = useGuardMs();
  const current = useView((v) => v.current);
  const running = useView((v) => v.running);
  const banner = useView((v) => v.banners[0]);
  const flash = useView((v) => v.flash);
  const briefing = useView((v) => v.briefing);
  const [mode, dispatch] = useReducer(walkMode, { name: "idle" });
  const [scroll, setScroll] = useState(0);
  const { stdout } = useStdout();
  const rows = stdout.rows || 24;
  const columns = stdout.columns || 100;
  // A resized terminal gets a new layout at once, not at the next change of state.
  const [, resized] = useState(0);
  useEffect(() => {
    const on = () => resized((n) => n + 1);
    stdout.on("resize", on);
    return () => void stdout.off("resize", on);
  }, [stdout]);
  const liveKey = useView((v) => v.live?.key);
  // A new step's output starts following the newest line again.
  useEffect(() => setScroll(0), [liveKey]);

  // A key typed within the guard of a new step appearing is not taken as meant for it (a held Enter, a typed-ahead r).
  const identity = identityOf(current);
  const [armedFor, setArmedFor] = useState<string | undefined>(guardMs <= 0 ? identity : undefined);
  useEffect(() => {
    if (guardMs <= 0) return setArmedFor(identity);
    const timer = setTimeout(() => setArmedFor(identity), guardMs);
    return () => clearTimeout(timer);
  }, [identity, guardMs]);
  const armed = armedFor === identity;

  const active = walkCommands({ type: current?.type, kind: current?.kind, running, banner: banner !== undefined, inOption: current?.optionPhase !== undefined, armed });

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
      if (mode.name === "confirm" || mode.name === "quit-confirm" || mode.name === "resolve-confirm") {
        if (input === "y") {
          change({ type: "close" });
          if (mode.name === "confirm") run(mode.edited, "yes-no");
          else if (mode.name === "quit-confirm") controller.quit();
          else change({ type: "open", mode: "resolve-cause" });
        } else if (input === "n" || key.escape) change({ type: "close" });
        return;
      }
      if (mode.name === "help") return change({ type: "close" });
      if (mode.name !== "idle") return;
      switch (commandFor(input, key, active)) {
        case "pageUp":
          return setScroll((s) => s + Math.max(1, rows - 16));
        case "pageDown":
          return setScroll((s) => Math.max(0, s - Math.max(1, rows - 16)));
        case "panel":
          return controller.togglePanel();
        case "copy":
          if (current?.command) controller.copy(current.command, "the command as shown (secrets masked)");
          return;
        case "copyScript":
          if (current?.template !== undefined) controller.copy(current.template, "the runbook's script ($inputs as variables)");
          else if (current?.command) controller.copy(current.command, "the command as shown (secrets masked)");
          return;
        case "run":
          return run();
        case "confirm":
          return void controller.act({ type: "confirm" });
        case "edit":
          // A step with no script (manual, k8s, http, notify): the runner says why there is nothing to edit.
          if (current?.template !== undefined) return change({ type: "open", mode: "edit" });
          return void controller.act({ type: "edit" });
        case "acknowledge":
          if (banner) controller.acknowledge(banner.key);
          return;
        case "resolve":
          return change({ type: "open", mode: current?.type === "complete" ? "resolve-cause" : "resolve-confirm" });
        case "back":
          return controller.leave();
        case "quit":
          return change({ type: "open", mode: "quit-confirm" });
        case "help":
          return change({ type: "open", mode: "help" });
        case "jump":
          return change({ type: "open", mode: "jump" });
        case "option":
          return change({ type: "open", mode: "option" });
        case "skip":
          return change({ type: "open", mode: "skip" });
        case "note":
          return change({ type: "open", mode: "note" });
        case "severity":
          return change({ type: "open", mode: "severity" });
        case "inputs":
          return change({ type: "open", mode: "inputs" });
        default:
          return;
      }
    },
    { isActive: interactive },
  );

  const compact = headerRows(rows, columns) === "compact";
  const historyRows = Math.max(0, Math.floor((rows - (compact ? 2 : 7)) / 4));
  // The output pane gets what the body leaves it, measured after each layout (the card and prompt vary in height).
  const body = useRef<DOMElement>(null);
  const top = useRef<DOMElement>(null);
  const [paneRows, setPaneRows] = useState(3);
  useLayoutEffect(() => {
    if (!body.current || !top.current) return;
    const left = Math.max(1, measureElement(body.current).height - measureElement(top.current).height - 3);
    if (left !== paneRows) setPaneRows(left);
  });
  return (
    <Box flexDirection="column" height={rows - 1} width={columns}>
      <WalkHeader rows={rows} columns={columns} />
      <Box ref={body} flexDirection="column" flexGrow={1} flexShrink={1} overflow="hidden">
        <Box ref={top} flexDirection="column" flexShrink={0}>
        {/* `?` takes the body: the keys of this screen, nothing cut. */}
        {mode.name === "help" ? <WalkPrompt mode={mode} dispatch={dispatch} run={run} commands={active} /> : null}
        {mode.name !== "help" ? <HistoryTail rows={historyRows} /> : null}
        {briefing && current?.type !== "resolved" && !compact ? <Text color="magenta" wrap="truncate-end">{`DRILL briefing — ${briefing.title}: ${briefing.text}`}</Text> : null}
        {banner ? <Text color={banner.kind === "handover" ? "yellow" : "red"} bold wrap="truncate-end">{banner.kind === "handover" ? `${banner.text} — press a to hand over (or keep driving: they are told after a minute)` : `ESCALATE: ${banner.text} — press a to acknowledge`}</Text> : null}
        {mode.name !== "help" ? <StepCard /> : null}
        {current?.type === "choose" && mode.name === "idle" ? (
          <PickList
            isActive={armed}
            rows={Math.max(3, Math.min(10, rows - 14))}
            initial={Math.max(0, (current.options ?? []).findIndex((o) => o.recommended))}
            pickKeys={["r", "y"]}
            items={(current.options ?? []).map((o) => ({ id: o.id, label: `${o.title}${o.recommended ? " (recommended)" : ""}`, ...(o.description ? { detail: o.description } : {}) }))}
            onPick={(id) => controller.act({ type: "choose", option: id })}
          />
        ) : null}
        <ClusterPanel />
        </Box>
        <OutputPane scroll={scroll} rows={paneRows} />
      </Box>
      {/* The open prompt and the last message sit above the footer, outside the body: whatever the body holds, they are never cut. */}
      <Box flexDirection="column" flexShrink={0}>
        {mode.name !== "help" ? <WalkPrompt mode={mode} dispatch={dispatch} run={run} commands={active} /> : null}
        {flash ? <Text color={flash.tone === "error" ? "red" : "green"} wrap="wrap">{flash.text}</Text> : null}
      </Box>
      <Quiet wrap="truncate-end">{footerFor(mode, active)}</Quiet>
    </Box>
  );
}

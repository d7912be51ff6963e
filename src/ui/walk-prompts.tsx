/** The walkthrough's prompts, one per mode: what is asked, and what the answer does. */
import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { Confirmation } from "../incident/runner.js";
import { checkInputValue, inputToEnv } from "../runbooks/inputs.js";
import { SEVERITIES, type Severity } from "../runbooks/severity.js";
import { asTemplate, type Template } from "../runbooks/template.js";
import { useController, useView } from "./context.js";
import { Quiet } from "./quiet.js";
import { HelpOverlay } from "./help-overlay.js";
import type { Command } from "./keymap.js";
import { PickList } from "./pick-list.js";
import { TextPrompt } from "./text-prompt.js";
import type { WalkAction, WalkMode } from "./walk-mode.js";

export interface WalkPromptProps {
  mode: WalkMode;
  dispatch: (action: WalkAction) => void;
  /** Run the step on screen (asks first when the runner says so). */
  run: (edited?: Template, confirmed?: Confirmation) => void;
  /** The commands of the screen under the prompt, for `?`. */
  commands: readonly Command[];
}

export function WalkPrompt({ mode, dispatch, run, commands }: WalkPromptProps): ReactNode {
  const controller = useController();
  const current = useView((v) => v.current);
  const incident = useView((v) => v.incident);
  const phases = useView((v) => v.phases);
  const kube = useView((v) => v.kube);
  const drivenBy = useView((v) => v.shared?.drivenBy);
  const drillHost = useView((v) => v.drillHost === true);
  const close = () => dispatch({ type: "close" });
  switch (mode.name) {
    case "confirm":
      return <Text color="yellow">{`Run this ${current?.risk ?? ""}-risk step${mode.edited !== undefined ? " (edited)" : ""}? y / n`}</Text>;
    case "type-target": {
      // The prompt restates where it acts: an engineer at 3 a.m. reads the target, not the step's title.
      const namespace = typeof incident?.inputs.namespace === "string" ? incident.inputs.namespace : kube.namespace;
      return (
        <TextPrompt
          openedBy="r"
          label={`PRODUCTION ${kube.context ?? "(no context)"} / ${namespace ?? "(no namespace)"}: type "${current?.target ?? ""}" to run it:`}
          validate={(v) => (v === current?.target ? undefined : `type exactly ${current?.target ?? ""}`)}
          onSubmit={() => {
            close();
            run(mode.edited, "type-target");
          }}
          onCancel={close}
        />
      );
    }
    case "skip":
      return <TextPrompt openedBy="s" label="Why skip it?" validate={(v) => (v.trim() ? undefined : "a reason is required")} onSubmit={(v) => (close(), controller.act({ type: "skip", reason: v }))} onCancel={close} />;
    case "note":
      return <TextPrompt openedBy="n" label="Note:" validate={(v) => (v.trim() ? undefined : "empty note")} onSubmit={(v) => (close(), controller.note(v))} onCancel={close} />;
    case "edit":
      // The edit starts from the runbook's script ($service stays a reference): display text never comes back to run.
      return <TextPrompt openedBy="e" label="$" initial={current?.template ?? ""} hint="this run only; inputs are $names as in the runbook; logged as edited" onSubmit={(v) => (close(), run(asTemplate(v)))} onCancel={close} />;
    case "severity":
      return <PickList items={SEVERITIES.map((s) => ({ id: s, label: s }))} onPick={(s) => (close(), controller.changeSeverity(s as Severity))} onCancel={close} />;
    case "inputs": {
      const specs = Object.entries(incident?.runbook.inputs ?? {});
      const shown = (name: string) => (incident?.secrets.includes(name) ? "••••••" : inputToEnv(incident?.inputs[name] ?? ""));
      return <PickList items={specs.map(([name, spec]) => ({ id: name, label: name, detail: `${shown(name)}${spec.prompt ? ` · ${spec.prompt}` : ""}` }))} onPick={(name) => dispatch({ type: "edit-input", input: name })} onCancel={close} />;
    }
    case "input-edit": {
      const spec = incident?.runbook.inputs?.[mode.input];
      if (!spec) return null;
      const secret = spec.type === "secret";
      return (
        <TextPrompt
          label={`${mode.input} (${spec.type}${spec.type === "list" ? ", comma-separated" : ""}):`}
          initial={secret ? "" : inputToEnv(incident?.inputs[mode.input] ?? "")}
          mask={secret}
          hint="the steps from here on use the new value; the change is logged"
          validate={(v) => {
            const r = checkInputValue(spec, v);
            return r.ok ? undefined : r.message;
          }}
          onSubmit={(v) => {
            const r = checkInputValue(spec, v);
            if (r.ok) controller.changeInput(mode.input, r.value);
            close();
          }}
          onCancel={close}
        />
      );
    }
    case "resolve-confirm":
      return <Text color="yellow">The walk has not reached its end: steps remain. Resolve the incident anyway? y / n</Text>;
    case "resolve-cause":
      return (
        <Box flexDirection="column">
          {mode.lines.map((l, i) => (
            <Quiet key={i}>{`  ${l}`}</Quiet>
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
    case "resolve-items":
      return (
        <TextPrompt
          resetOnSubmit
          label={`Action item ${mode.items.length + 1} (empty to finish):`}
          onSubmit={(v) => {
            if (v.trim()) dispatch({ type: "item", text: v });
            else dispatch({ type: "items-done" });
          }}
          onCancel={close}
        />
      );
    case "resolve-impact":
      return (
        <TextPrompt
          resetOnSubmit
          label="Impact: who and what was affected, for how long (empty to leave it out):"
          onSubmit={(v) => {
            controller.resolve(mode.rootCause, mode.items, v.trim() === "" ? undefined : v.trim());
            close();
          }}
          onCancel={close}
        />
      );
    case "quit-confirm":
      // Someone else drives a drill whose world this handrail runs: quitting ends that world under them.
      if (drillHost && drivenBy !== undefined) return <Text color="red">{`Quit handrail? ${drivenBy} drives this drill in the world this handrail runs: quitting ends it under them. y / n`}</Text>;
      return <Text color="yellow">Quit handrail? The incident stays open in its file. y / n</Text>;
    case "help":
      return <HelpOverlay commands={commands} />;
    case "jump":
      return <PickList items={phases.map((p) => ({ id: p.id, label: p.title, detail: p.state }))} onPick={(id) => (close(), controller.act({ type: "jump", phase: id }))} onCancel={close} />;
    case "option": {
      const phase = incident?.runbook.phases.find((p) => p.id === current?.optionPhase);
      return <PickList items={(phase?.options ?? []).map((o) => ({ id: o.id, label: o.title, ...(incident?.chosen[phase?.id ?? ""] === o.id ? { detail: "(current)" } : {}) }))} onPick={(id) => (close(), controller.act({ type: "choose", option: id }))} onCancel={close} />;
    }
    default:
      return null;
  }
}

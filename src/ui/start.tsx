/** Starting an incident: severity (with criteria and response time), then each input, checked as typed. */
import { Box, Text } from "ink";
import { useState } from "react";
import { checkInputValue, defaultFor, type InputValue, type KubeDefaults } from "../runbooks/inputs.js";
import type { InputSpec } from "../runbooks/schema.js";
import { DEFAULT_RESPONSE_TIMES, type Severity } from "../runbooks/severity.js";
import { useController, useView } from "./context.js";
import { PickList } from "./pick-list.js";
import { Quiet } from "./quiet.js";
import { severityOrder, type RunbookCard } from "./store.js";
import { TextPrompt } from "./text-prompt.js";

/** The default shown in the prompt: `namespace` / `context` inputs start from what the steps will target. */
function defaultText(name: string, spec: InputSpec, kube: KubeDefaults): string {
  const d = defaultFor(name, spec, kube);
  if (d === undefined) return "";
  return Array.isArray(d) ? d.join(",") : String(d);
}

/** Asks what `open` was not given: the severity (criteria, response time), then each input not set. */
export function StartIncident({
  card,
  severity: givenSeverity,
  given = {},
  suggested = {},
  fromEnv = [],
  problems = [],
  onCancel,
}: {
  card: RunbookCard;
  severity?: Severity;
  given?: Record<string, InputValue>;
  /** A prompt's starting text instead of the default (an environment variable's value, seen before it is taken). */
  suggested?: Record<string, InputValue>;
  /** Secrets their environment variable gave: not asked, and said so. */
  fromEnv?: ReadonlyArray<{ name: string; variable: string }>;
  /** Why a variable was not taken: its input is asked instead. */
  problems?: readonly string[];
  onCancel: () => void;
}) {
  const controller = useController();
  const kube = useView((v) => v.kube);
  const kubeDefaults: KubeDefaults = { ...(kube.chosenNamespace ? { namespace: kube.chosenNamespace } : {}), ...(kube.context ? { context: kube.context } : {}) };
  const [severity, setSeverity] = useState<Severity | undefined>(givenSeverity);
  const [values, setValues] = useState<Record<string, InputValue>>(given);
  const inputs = Object.entries(card.runbook.inputs ?? {});
  const pending = inputs.find(([name]) => values[name] === undefined);
  const policies = card.runbook.severities ?? {};

  // What the environment gave, and what it gave that was refused: above every question of the start screen.
  const fromOutside = (
    <>
      {problems.map((p) => (
        <Text key={p} color="yellow">{`${p}: asked instead`}</Text>
      ))}
      {fromEnv.map((g) => (
        <Quiet key={g.name}>{`${g.name}: from ${g.variable}`}</Quiet>
      ))}
    </>
  );

  if (!severity) {
    return (
      <Box flexDirection="column">
        {fromOutside}
        <Text bold>{card.title}: how severe is it?</Text>
        <PickList
          items={severityOrder.map((s) => ({
            id: s,
            label: `${s}${policies[s]?.label ? ` (${policies[s]?.label})` : ""}`,
            detail: `respond within ${policies[s]?.respondWithin ?? DEFAULT_RESPONSE_TIMES[s]}${policies[s]?.criteria ? ` · ${policies[s]?.criteria}` : ""}`,
          }))}
          onPick={(id) => {
            setSeverity(id as Severity);
            // Every input given already (flags, environment): nothing is left to ask.
            if (!inputs.some(([n]) => values[n] === undefined)) void controller.startIncident(card.id, id as Severity, values);
          }}
          onCancel={onCancel}
        />
      </Box>
    );
  }
  if (pending) {
    const [name, spec] = pending;
    const accept = (value: InputValue) => {
      const next = { ...values, [name]: value };
      setValues(next);
      if (!inputs.some(([n]) => next[n] === undefined)) void controller.startIncident(card.id, severity, next);
    };
    if (spec.type === "enum") {
      return (
        <Box flexDirection="column">
          {fromOutside}
          <Text bold>{spec.prompt ?? name}</Text>
          <PickList items={(spec.values ?? []).map((v) => ({ id: String(v), label: String(v) }))} onPick={accept} onCancel={onCancel} />
        </Box>
      );
    }
    const suggestion = suggested[name];
    return (
      <Box flexDirection="column">
        {fromOutside}
        <TextPrompt
          key={name}
          label={`${spec.prompt ?? name} (${spec.type}${spec.type === "list" ? ", comma-separated" : ""}):`}
          initial={suggestion !== undefined ? (Array.isArray(suggestion) ? suggestion.join(",") : suggestion) : defaultText(name, spec, kubeDefaults)}
          mask={spec.type === "secret"}
          {...(spec.description ? { hint: spec.description } : {})}
          validate={(v) => {
            if (v === "" && spec.required === false) return undefined;
            const r = checkInputValue(spec, v);
            return r.ok ? undefined : r.message;
          }}
          onSubmit={(v) => {
            const r = checkInputValue(spec, v);
            accept(r.ok ? r.value : "");
          }}
          onCancel={onCancel}
        />
      </Box>
    );
  }
  return <Text>Opening the incident…</Text>;
}

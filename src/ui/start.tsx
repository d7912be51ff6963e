/** Starting an incident: severity (with criteria and response time), then each input, checked as typed. */
import { Box, Text } from "ink";
import { useState } from "react";
import { checkInputValue, defaultFor, type InputValue, type KubeDefaults } from "../runbooks/inputs.js";
import type { InputSpec } from "../runbooks/schema.js";
import { DEFAULT_RESPONSE_TIMES, type Severity } from "../runbooks/severity.js";
import { useController, useView } from "./context.js";
import { PickList } from "./pick-list.js";
import { severityOrder, type RunbookCard } from "./store.js";
import { TextPrompt } from "./text-prompt.js";

/** The default shown in the prompt: `namespace` / `context` inputs start from what the steps will target. */
function defaultText(name: string, spec: InputSpec, kube: KubeDefaults): string {
  const d = defaultFor(name, spec, kube);
  if (d === undefined) return "";
  return Array.isArray(d) ? d.join(",") : String(d);
}

/** Asks what `open` was not given: the severity (criteria, response time), then each input not set. */
export function StartIncident({ card, severity: givenSeverity, given = {}, onCancel }: { card: RunbookCard; severity?: Severity; given?: Record<string, InputValue>; onCancel: () => void }) {
  const controller = useController();
  const kube = useView((v) => v.kube);
  const kubeDefaults: KubeDefaults = { ...(kube.chosenNamespace ? { namespace: kube.chosenNamespace } : {}), ...(kube.context ? { context: kube.context } : {}) };
  const [severity, setSeverity] = useState<Severity | undefined>(givenSeverity);
  const [values, setValues] = useState<Record<string, InputValue>>(given);
  const inputs = Object.entries(card.runbook.inputs ?? {});
  const pending = inputs.find(([name]) => values[name] === undefined);
  const policies = card.runbook.severities ?? {};

  if (!severity) {
    return (
      <Box flexDirection="column">
        <Text bold>{card.title}: how severe is it?</Text>
        <PickList
          items={severityOrder.map((s) => ({
            id: s,
            label: `${s}${policies[s]?.label ? ` (${policies[s]?.label})` : ""}`,
            detail: `respond within ${policies[s]?.respondWithin ?? DEFAULT_RESPONSE_TIMES[s]}${policies[s]?.criteria ? ` · ${policies[s]?.criteria}` : ""}`,
          }))}
          onPick={(id) => setSeverity(id as Severity)}
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
          <Text bold>{spec.prompt ?? name}</Text>
          <PickList items={(spec.values ?? []).map((v) => ({ id: String(v), label: String(v) }))} onPick={accept} onCancel={onCancel} />
        </Box>
      );
    }
    return (
      <TextPrompt
        key={name}
        label={`${spec.prompt ?? name} (${spec.type}${spec.type === "list" ? ", comma-separated" : ""}):`}
        initial={defaultText(name, spec, kubeDefaults)}
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
    );
  }
  return <Text>Opening the incident…</Text>;
}

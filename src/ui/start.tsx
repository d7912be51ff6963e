/** Starting an incident: severity (with criteria and response time), then each input, checked as typed. */
import { Box, Text } from "ink";
import { useState } from "react";
import { checkInputValue, type InputValue } from "../runbooks/inputs.js";
import { DEFAULT_RESPONSE_TIMES, type InputSpec, type Severity } from "../runbooks/schema.js";
import { useController } from "./context.js";
import { PickList } from "./pick-list.js";
import { severityOrder, type RunbookCard } from "./store.js";
import { TextPrompt } from "./text-prompt.js";

function defaultText(spec: InputSpec): string {
  if (spec.default === undefined) return "";
  return Array.isArray(spec.default) ? spec.default.join(",") : String(spec.default);
}

export function StartIncident({ card, onCancel }: { card: RunbookCard; onCancel: () => void }) {
  const controller = useController();
  const [severity, setSeverity] = useState<Severity | undefined>();
  const [values, setValues] = useState<Record<string, InputValue>>({});
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
        initial={defaultText(spec)}
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

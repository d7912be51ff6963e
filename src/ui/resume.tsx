/** Before an incident is resumed: go on with a runbook that changed? and each secret input's value again. */
import { Box, Text } from "ink";
import { useState } from "react";
import { useController, useInteractive, useView } from "./context.js";
import { useKeys } from "./keys.js";
import { TextPrompt } from "./text-prompt.js";
import { Quiet } from "./quiet.js";
import { checkInputValue } from "../runbooks/inputs.js";

export function ResumeIncident() {
  const controller = useController();
  const interactive = useInteractive();
  const ask = useView((v) => v.resuming);
  const [accepted, setAccepted] = useState(false);
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const asksChange = ask?.changed !== undefined && !accepted;
  useKeys(
    (input, key) => {
      if (!asksChange || !ask) return;
      if (input === "y") {
        setAccepted(true);
        if (ask.secrets.length === 0) void controller.resumeIncident(ask.file, { ...ask.answers, acceptChanged: true });
      } else if (input === "n" || key.escape) controller.leave();
    },
    { isActive: interactive && asksChange },
  );
  if (!ask) return null;
  const pending = ask.secrets.find((s) => secrets[s.name] === undefined);
  return (
    <Box flexDirection="column">
      <Text bold>{`Resuming ${ask.incident}`}</Text>
      {(ask.problems ?? []).map((p) => (
        <Text key={p} color="yellow">{`${p}: asked below instead`}</Text>
      ))}
      {asksChange && ask.changed ? (
        <Box flexDirection="column">
          <Text color="yellow">{`The runbook changed since this incident was opened: ${ask.changed.file}`}</Text>
          <Quiet>{`sha256 ${ask.changed.was.slice(0, 12)}… when opened, ${ask.changed.now.slice(0, 12)}… now`}</Quiet>
          <Text color="yellow">Go on with the runbook as it is now? y / n</Text>
        </Box>
      ) : pending ? (
        <TextPrompt
          key={pending.name}
          label={`${pending.prompt} (secret, never stored; asked again on every resume):`}
          mask
          validate={(v) => {
            const r = checkInputValue({ type: "secret" }, v);
            return r.ok ? undefined : r.message;
          }}
          onSubmit={(v) => {
            const next = { ...secrets, [pending.name]: v };
            setSecrets(next);
            if (ask.secrets.every((s) => next[s.name] !== undefined)) void controller.resumeIncident(ask.file, { ...ask.answers, secrets: { ...ask.answers.secrets, ...next }, acceptChanged: ask.answers.acceptChanged || accepted });
          }}
          onCancel={() => controller.leave()}
        />
      ) : (
        <Text>Resuming…</Text>
      )}
    </Box>
  );
}

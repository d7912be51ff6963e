/** Following an incident someone else drives (a shared store): its events as they happen, read-only; a note, or asking to drive. */
import { Box, Text, useStdout } from "ink";
import { useState } from "react";
import { useController, useInteractive, useView } from "./context.js";
import { useKeys } from "./keys.js";
import { Quiet } from "./quiet.js";
import { TextPrompt } from "./text-prompt.js";

export function Follow() {
  const controller = useController();
  const interactive = useInteractive();
  const follow = useView((v) => v.follow);
  const flash = useView((v) => v.flash);
  const { stdout } = useStdout();
  const [noting, setNoting] = useState(false);
  useKeys(
    (input, key) => {
      if (input === "n") setNoting(true);
      else if (input === "t" && !follow?.asking) controller.askToDrive();
      else if (input === "a" && follow?.escalations?.length) controller.followAcknowledge();
      else if (input === "q" || key.escape) controller.leave();
    },
    { isActive: interactive && !noting },
  );
  if (!follow) return null;
  // What fits under the header and above the footer: the latest lines.
  const rows = Math.max(3, (stdout.rows ?? 24) - 6);
  return (
    <Box flexDirection="column">
      <Text bold>{`following ${follow.incident} — read-only, live${follow.driver ? ` · ${follow.driver} drives` : " · nobody drives"}`}</Text>
      {follow.escalations?.[0] ? <Text color="red" bold wrap="truncate-end">{`ESCALATE: to ${follow.escalations[0].to} — press a to acknowledge`}</Text> : null}
      {follow.lines.length === 0 ? <Quiet>waiting for the store…</Quiet> : follow.lines.slice(-rows).map((line, i) => <Text key={i} wrap="truncate-end">{line}</Text>)}
      {flash ? <Text color={flash.tone === "error" ? "red" : "green"} wrap="truncate-end">{flash.text}</Text> : null}
      {noting ? (
        <TextPrompt
          label="Note:"
          openedBy="n"
          onSubmit={(text) => {
            setNoting(false);
            if (text.trim() !== "") controller.followNote(text.trim());
          }}
          onCancel={() => setNoting(false)}
        />
      ) : (
        <Quiet>{follow.asking ? `asking ${follow.driver ?? "the driver"} to hand over… · q back` : `n note${follow.escalations?.length ? " · a acknowledge" : ""} · t ask to drive · q back`}</Quiet>
      )}
    </Box>
  );
}

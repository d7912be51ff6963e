/** A one-line text prompt: Enter submits, Esc cancels; what is wrong with the value shows as it is typed. */
import { Box, Text } from "ink";
import { useRef, useState } from "react";
import { useInteractive } from "./context.js";
import { useKeys } from "./keys.js";
import { LineInput } from "./line-input.js";
import { Quiet } from "./quiet.js";

export interface TextPromptProps {
  label: string;
  /** A pre-filled value, shown selected: typing replaces it, ←/→/Home/End edit it. */
  initial?: string;
  /** Set false to keep `initial` unselected (the cursor after it). */
  selectInitial?: boolean;
  hint?: string;
  mask?: boolean;
  /** The key that opened this prompt, which must not be taken as its first character. */
  openedBy?: string;
  /** Clear the field after each accepted value (a prompt asked several times stays mounted, so no key is lost). */
  resetOnSubmit?: boolean;
  /** Returns an error message to keep the prompt open, or nothing to accept. */
  validate?: (value: string) => string | undefined;
  onSubmit: (value: string) => void;
  onCancel: () => void;
}

/** How soon after the prompt appears its opening key can still arrive as input. */
export const OPENING_KEY_MS = 100;

export function TextPrompt({ label, initial = "", selectInitial = true, hint, mask, openedBy, resetOnSubmit, validate, onSubmit, onCancel }: TextPromptProps) {
  const [value, setValue] = useState(initial);
  // Nothing is wrong before the operator has typed (an empty required field is not an error yet), unless Enter was pressed.
  const [shown, setShown] = useState<"no" | "typed" | "submitted">("no");
  const interactive = useInteractive();
  const openedAt = useRef(Date.now());
  useKeys((_input, key) => {
    if (key.escape) onCancel();
  }, { isActive: interactive });
  const error = validate && shown !== "no" ? validate(value) : undefined;
  return (
    <Box flexDirection="column">
      <Box>
        <Text color="cyan">{label} </Text>
        <LineInput
          initial={initial}
          select={selectInitial}
          focus={interactive}
          {...(mask ? { mask: "•" } : {})}
          // The key that opened the prompt (r, n, s…) can reach it as its first key: drop exactly that, once, at once.
          {...(openedBy !== undefined ? { ignoreFirst: (s: string) => s === openedBy && Date.now() - openedAt.current < OPENING_KEY_MS } : {})}
          onChange={(v) => {
            setValue(v);
            setShown("typed");
          }}
          onSubmit={(v) => {
            const problem = validate?.(v);
            if (problem) {
              setShown("submitted");
              return;
            }
            onSubmit(v);
            if (!resetOnSubmit) return;
            setValue("");
            setShown("no");
            return "clear";
          }}
        />
      </Box>
      {/* The error line is there from the start, so a message appearing while typing does not move what is below; it keeps to one line until Enter asks for all of it. */}
      {validate ? (
        <Text color="red" wrap={shown === "submitted" ? "wrap" : "truncate-end"}>
          {error ?? " "}
        </Text>
      ) : null}
      {hint ? <Quiet>{hint}</Quiet> : null}
    </Box>
  );
}

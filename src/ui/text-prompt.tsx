/** A one-line text prompt: Enter submits, Esc cancels. */
import { Box, Text, useInput } from "ink";
import TextInput from "ink-text-input";
import { useRef, useState } from "react";
import { useInteractive } from "./context.js";

export interface TextPromptProps {
  label: string;
  initial?: string;
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

export function TextPrompt({ label, initial = "", hint, mask, openedBy, resetOnSubmit, validate, onSubmit, onCancel }: TextPromptProps) {
  const [value, setValue] = useState(initial);
  // Enter typed in the same burst as the text arrives before React re-renders: read the newest value, not the prop.
  const latest = useRef(initial);
  const [error, setError] = useState<string | undefined>();
  const interactive = useInteractive();
  // The key that opened the prompt (r, n, s…) can reach it as its first change: drop exactly that, once, at once.
  const opened = useRef({ at: Date.now(), consumed: openedBy === undefined });
  useInput((_input, key) => {
    if (key.escape) onCancel();
  }, { isActive: interactive });
  return (
    <Box flexDirection="column">
      <Box>
        <Text color="cyan">{label} </Text>
        <TextInput
          value={value}
          focus={interactive}
          {...(mask ? { mask: "•" } : {})}
          onChange={(v) => {
            const o = opened.current;
            if (!o.consumed) {
              o.consumed = true;
              if (v === latest.current + openedBy && Date.now() - o.at < OPENING_KEY_MS) return;
            }
            latest.current = v;
            setValue(v);
            setError(undefined);
          }}
          onSubmit={() => {
            const v = latest.current;
            const problem = validate?.(v);
            if (problem) setError(problem);
            else {
              if (resetOnSubmit) {
                latest.current = "";
                setValue("");
              }
              onSubmit(v);
            }
          }}
        />
      </Box>
      {error ? <Text color="red">{error}</Text> : hint ? <Text dimColor>{hint}</Text> : null}
    </Box>
  );
}

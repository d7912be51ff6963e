/** A one-line text prompt: Enter submits, Esc cancels. */
import { Box, Text } from "ink";
import { useRef, useState } from "react";
import { useInteractive } from "./context.js";
import { useKeys } from "./keys.js";
import { LineInput } from "./line-input.js";

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
  const [error, setError] = useState<string | undefined>();
  const interactive = useInteractive();
  // The key that opened the prompt (r, n, s…) can reach it as its first change: drop exactly that, once, at once.
  const opened = useRef({ at: Date.now(), consumed: openedBy === undefined });
  useKeys((_input, key) => {
    if (key.escape) onCancel();
  }, { isActive: interactive });
  return (
    <Box flexDirection="column">
      <Box>
        <Text color="cyan">{label} </Text>
        <LineInput
          initial={initial}
          focus={interactive}
          {...(mask ? { mask: "•" } : {})}
          accept={(next, previous) => {
            const o = opened.current;
            if (o.consumed) return true;
            o.consumed = true;
            return !(next === previous + openedBy && Date.now() - o.at < OPENING_KEY_MS);
          }}
          onChange={() => setError(undefined)}
          onSubmit={(v) => {
            const problem = validate?.(v);
            if (problem) {
              setError(problem);
              return;
            }
            onSubmit(v);
            return resetOnSubmit ? "clear" : undefined;
          }}
        />
      </Box>
      {error ? <Text color="red">{error}</Text> : hint ? <Text dimColor>{hint}</Text> : null}
    </Box>
  );
}

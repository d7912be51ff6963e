/** A one-line text prompt: Enter submits, Esc cancels. */
import { Box, Text, useInput } from "ink";
import TextInput from "ink-text-input";
import { useState } from "react";
import { useInteractive } from "./context.js";

export interface TextPromptProps {
  label: string;
  initial?: string;
  hint?: string;
  mask?: boolean;
  /** Clear the field after each accepted value (a prompt asked several times stays mounted, so no key is lost). */
  resetOnSubmit?: boolean;
  /** Returns an error message to keep the prompt open, or nothing to accept. */
  validate?: (value: string) => string | undefined;
  onSubmit: (value: string) => void;
  onCancel: () => void;
}

export function TextPrompt({ label, initial = "", hint, mask, resetOnSubmit, validate, onSubmit, onCancel }: TextPromptProps) {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | undefined>();
  const interactive = useInteractive();
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
            setValue(v);
            setError(undefined);
          }}
          onSubmit={(v) => {
            const problem = validate?.(v);
            if (problem) setError(problem);
            else {
              if (resetOnSubmit) setValue("");
              onSubmit(v);
            }
          }}
        />
      </Box>
      {error ? <Text color="red">{error}</Text> : hint ? <Text dimColor>{hint}</Text> : null}
    </Box>
  );
}

/**
 * One line of editable text with a cursor (←/→, backspace, paste). The input owns its text, in a
 * ref as well as in state, so keys arriving in one burst (typed ahead, pasted, Enter right behind
 * the text) each see what the previous key left, not the last rendered value.
 */
import { Text } from "ink";
import { useRef, useState } from "react";
import { useKeys } from "./keys.js";

export interface LineInputProps {
  initial?: string;
  focus?: boolean;
  /** Shown instead of each character (secrets). */
  mask?: string;
  /** Return false to refuse an edit (the text stays as it was). */
  accept?: (next: string, previous: string) => boolean;
  onChange?: (value: string) => void;
  /** Return "clear" to empty the line for the next value (a prompt asked several times). */
  onSubmit: (value: string) => "clear" | void;
}

/** Pure: the line and cursor after one key. */
export function editLine(text: string, cursor: number, input: string, key: { leftArrow?: boolean; rightArrow?: boolean; backspace?: boolean; delete?: boolean; ctrl?: boolean; meta?: boolean }): { text: string; cursor: number } {
  if (key.leftArrow) return { text, cursor: Math.max(0, cursor - 1) };
  if (key.rightArrow) return { text, cursor: Math.min(text.length, cursor + 1) };
  if (key.backspace || key.delete) return cursor > 0 ? { text: text.slice(0, cursor - 1) + text.slice(cursor), cursor: cursor - 1 } : { text, cursor };
  if (key.ctrl || key.meta || !input) return { text, cursor };
  // A paste can bring line breaks; one line keeps them as spaces.
  const typed = input.replace(/\r\n|\r|\n/g, " ");
  return { text: text.slice(0, cursor) + typed + text.slice(cursor), cursor: cursor + typed.length };
}

export function LineInput({ initial = "", focus = true, mask, accept, onChange, onSubmit }: LineInputProps) {
  const line = useRef({ text: initial, cursor: initial.length });
  const [, redraw] = useState(0);
  useKeys(
    (input, key) => {
      if (key.upArrow || key.downArrow || key.tab || key.escape || (key.ctrl && input === "c")) return;
      const before = line.current;
      if (key.return) {
        if (onSubmit(before.text) === "clear") line.current = { text: "", cursor: 0 };
      } else {
        const next = editLine(before.text, before.cursor, input, key);
        if (next.text !== before.text && accept && !accept(next.text, before.text)) return;
        line.current = next;
        if (next.text !== before.text) onChange?.(next.text);
      }
      redraw((n) => n + 1);
    },
    { isActive: focus },
  );
  const { text, cursor } = line.current;
  const shown = mask ? mask.repeat(text.length) : text;
  if (!focus) return <Text>{shown}</Text>;
  return (
    <Text>
      {shown.slice(0, cursor)}
      <Text inverse>{shown[cursor] ?? " "}</Text>
      {shown.slice(cursor + 1)}
    </Text>
  );
}
